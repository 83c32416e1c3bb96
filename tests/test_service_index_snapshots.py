"""Monthly snapshots of the index (the worker writes, the charts page reads): what a run
writes, that a repeated run rewrites nothing, which snapshots count (configuration, written
after the month ended), that changed data is picked up by the nightly run, and that the
charts page reads them."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app.audit.tables import AuditEntry
from app.dossiers.tables import Dossier
from app.formatting import LOCAL_TZ
from app.service_index import service, snapshots
from app.service_index.logic import IndexConfig, parse_config
from app.service_index.tables import IndexSnapshot
from tests.conftest import run
from tests.service_index_world import build

APRIL_2 = date(2026, 4, 2)
NOW = datetime.combine(APRIL_2, time(9), LOCAL_TZ)
MARCH = service.month_period(2026, 3)
FEBRUARY = service.month_period(2026, 2)


def audited() -> int:
    return AuditEntry.count().where(AuditEntry.action == "service_index.snapshot").run_sync()


@pytest.mark.anyio
async def test_a_run_keeps_thirteen_months_for_the_province_and_each_agency(db):
    world = await build()
    written = await snapshots.refresh(APRIL_2, IndexConfig(), NOW)
    assert written[0] == "2025-04" and written[-1] == "2026-04" and len(written) == 13
    stored = await snapshots.read_months([MARCH], IndexConfig())
    province, agencies = stored[MARCH]
    live, live_agencies = await service.province_index(MARCH, IndexConfig())
    assert province.score == live.result.score and province.measures == live.measures
    assert {a.agency_id: a.measures for a in agencies} == {
        a.agency_id: a.measures for a in live_agencies}
    assert {a.agency_id for a in agencies} == {world.tu_phap, world.ba_to}


@pytest.mark.anyio
async def test_a_repeated_run_rewrites_only_the_running_month_and_audits_nothing(db):
    await build()
    await snapshots.refresh(APRIL_2, IndexConfig(), NOW)
    rows, entries = await IndexSnapshot.count(), audited()
    assert entries == 13
    again = await snapshots.refresh(APRIL_2, IndexConfig(), NOW)
    assert again == ["2026-04"]
    assert await IndexSnapshot.count() == rows and audited() == entries  # same figures


@pytest.mark.anyio
async def test_a_snapshot_counts_only_after_its_month_and_under_its_configuration(db):
    await build()
    before_end = datetime.combine(date(2026, 3, 25), time(9), LOCAL_TZ)
    await snapshots.write_month(MARCH, IndexConfig(), before_end)
    assert MARCH not in await snapshots.read_months([MARCH], IndexConfig())
    await snapshots.write_month(MARCH, IndexConfig(), NOW)
    assert MARCH in await snapshots.read_months([MARCH], IndexConfig())
    other = parse_config('{"indicators": {"online_dossiers": {"threshold": 60}}}')
    assert await snapshots.read_months([MARCH], other) == {}
    assert "2026-03" in await snapshots.refresh(APRIL_2, other, NOW, months=1)
    assert MARCH in await snapshots.read_months([MARCH], other)


@pytest.mark.anyio
async def test_the_nightly_run_picks_up_a_late_correction(db):
    world = await build()
    await snapshots.refresh(APRIL_2, IndexConfig(), NOW)
    entries = audited()
    # The late dossier's result was in fact issued on time: corrected afterwards.
    await Dossier.update({Dossier.finished_at: datetime(2026, 3, 9, 9, tzinfo=LOCAL_TZ)}
                         ).where(Dossier.id == world.ids["late"])
    assert "2026-03" not in await snapshots.refresh(APRIL_2, IndexConfig(), NOW)
    written = await snapshots.refresh(APRIL_2, IndexConfig(), NOW, everything=True)
    assert len(written) == 13 and audited() == entries + 1  # only March changed
    province, _ = (await snapshots.read_months([MARCH], IndexConfig()))[MARCH]
    assert province.measures["on_time"].numerator == 6


def test_the_charts_page_reads_the_months_from_snapshots(client, monkeypatch):
    from app.service_index import gather

    monkeypatch.setattr(gather, "local_today", lambda: APRIL_2)
    run(build())
    run(snapshots.refresh(APRIL_2, IndexConfig(), NOW))
    # A figure only the snapshot holds: the page shows it, so it did not recompute February.
    IndexSnapshot.update({IndexSnapshot.score: 77.5}).where(
        (IndexSnapshot.month == FEBRUARY.slug) & IndexSnapshot.agency.is_null()).run_sync()
    html = client.get("/chi-so-phuc-vu/bieu-do", params={"ky": "2026-03"}).text
    assert '<td>Tháng 2/2026</td><td class="num">77,50</td>' in html
    # March is the month shown: its live figures, whatever its snapshot says.
    IndexSnapshot.update({IndexSnapshot.score: 1}).where(
        IndexSnapshot.month == MARCH.slug).run_sync()
    assert '<td>Tháng 3/2026</td><td class="num">1,00</td>' not in client.get(
        "/chi-so-phuc-vu/bieu-do", params={"ky": "2026-03"}).text
    # Without snapshots the page computes the months itself.
    IndexSnapshot.delete(force=True).run_sync()
    assert "<td>Tháng 2/2026</td>" in client.get(
        "/chi-so-phuc-vu/bieu-do", params={"ky": "2026-03"}).text


def test_the_periodic_tasks_run_in_the_worker(db, immediate_huey):
    from app.jobs.tables import JobRun
    from app.tasks.service_index import index_snapshots_hourly, index_snapshots_nightly

    index_snapshots_hourly()
    index_snapshots_nightly()
    assert IndexSnapshot.count().run_sync() == 13  # the province, 13 months, no agency yet
    runs = JobRun.select(JobRun.status).run_sync()
    assert [r["status"] for r in runs] == ["succeeded"]  # the hourly one is quiet
