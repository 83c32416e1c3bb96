"""Bulk dossier generation: realistic, well-formed, readable by Piccolo, and continuable."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.catalog.tables import Field, Procedure
from app.directory.tables import Agency
from app.dossiers.bulk import BulkGenerationError, generate_dossiers
from app.dossiers.logic import Status, parse_dossier_code
from app.dossiers.tables import Dossier, DossierEvent
from app.formatting import now_utc, to_local
from app.settings import get_settings

pytestmark = [pytest.mark.anyio, pytest.mark.engine]


def database_url() -> str:
    """Where the app's settings say the database is (a file or a PostgreSQL database)."""
    return get_settings().database_url

LIMITS = [(5, "working_days"), (0.5, "working_days"), (8, "hours"), (15, "calendar_days"),
          (1, "months")]


async def make_catalogue() -> dict[int, str]:
    """Two agencies with a few procedures of every time-limit unit; returns agency codes."""
    field = Field(code="HT", name="Hộ tịch")
    await field.save()
    codes = {}
    for number, code in enumerate(["000.00.17.H55", "000.20.31.H55"], start=1):
        agency = Agency(code=code, name=f"Cơ quan {number}")
        await agency.save()
        codes[agency.id] = code
        for index, (amount, unit) in enumerate(LIMITS):
            await Procedure(
                code=f"1.00{number}{index:03d}", name=f"Thủ tục {number}.{index}",
                field=field.id, agency=agency.id, level="tinh", online_level="full",
                time_limit_amount=Decimal(str(amount)), time_limit_unit=unit,
            ).save()
    return codes


@pytest.mark.clock
async def test_generated_dossiers_are_well_formed(db):
    agency_codes = await make_catalogue()
    result = generate_dossiers(database_url(), 2000, seed=7)
    assert result["dossiers"] == 2000 and result["events"] >= 4000
    rows = await Dossier.select(
        Dossier.id, Dossier.code, Dossier.agency, Dossier.status, Dossier.channel,
        Dossier.received_at, Dossier.due_at, Dossier.finished_at, Dossier.returned_at,
        Dossier.applicant_id_number, Dossier.applicant_phone,
    )
    assert len(rows) == 2000 and len({row["code"] for row in rows}) == 2000
    valid = {int(status) for status in Status}
    today = to_local(now_utc()).date()  # the generator's "today" is the app's
    for row in rows:
        agency_code, day, sequence = parse_dossier_code(row["code"])
        assert agency_code == agency_codes[row["agency"]] and sequence >= 1
        local_day = (row["received_at"] + timedelta(hours=7)).date()
        assert day == local_day and day.weekday() < 5 and today - day <= timedelta(731)
        assert row["status"] in valid and row["channel"] in (1, 2, 3)
        assert row["due_at"] >= row["received_at"]
        if row["finished_at"]:
            assert row["finished_at"] > row["received_at"]
        if row["returned_at"]:
            assert row["status"] == Status.RETURNED
            assert row["returned_at"] >= row["finished_at"]
        assert len(row["applicant_id_number"]) == 12 and row["applicant_id_number"].isdigit()
        assert len(row["applicant_phone"]) == 10 and row["applicant_phone"][0] == "0"
    statuses = [row["status"] for row in rows]
    assert statuses.count(Status.RETURNED) > 1500  # most old dossiers are closed
    assert {Status.PROCESSING, Status.PROCESSED} <= set(statuses)
    finished = [row for row in rows if row["finished_at"]]
    late = sum(row["finished_at"] > row["due_at"] for row in finished) / len(finished)
    assert 0.05 < late < 0.15
    channels = [row["channel"] for row in rows]
    assert 0.45 < channels.count(1) / 2000 < 0.65 and channels.count(3) < 200


async def test_events_follow_each_dossier_status_path(db):
    await make_catalogue()
    generate_dossiers(database_url(), 500, seed=3,
                      start=to_local(now_utc()).date() - timedelta(days=40))
    events = await DossierEvent.select().order_by(DossierEvent.id)
    by_dossier: dict[int, list[dict]] = {}
    for event in events:
        by_dossier.setdefault(event["dossier"], []).append(event)
    dossiers = await Dossier.select(Dossier.id, Dossier.status)
    assert set(by_dossier) == {row["id"] for row in dossiers}
    for row in dossiers:
        path = by_dossier[row["id"]]
        assert 2 <= len(path) <= 5
        assert path[0]["from_status"] is None and path[-1]["to_status"] == row["status"]
        for before, after in zip(path, path[1:], strict=False):
            assert after["from_status"] == before["to_status"] and after["at"] >= before["at"]
    # A recent range leaves work in progress.
    open_ = {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED}
    assert any(row["status"] in open_ for row in dossiers)


async def test_piccolo_reads_generated_rows(db):
    await make_catalogue()
    generate_dossiers(database_url(), 50, seed=1, start=date(2025, 3, 3), end=date(2025, 3, 14))
    row = await Dossier.select().first()
    assert isinstance(row["received_at"], datetime)
    assert row["received_at"].utcoffset() == timedelta()
    assert isinstance(row["created_at"], datetime) and row["created_at"] <= row["received_at"]
    # An old range: everything has long been finished.
    assert await Dossier.count().where(Dossier.finished_at.is_null()) <= 1
    event = await DossierEvent.objects().first()
    assert isinstance(event.at, datetime)


async def test_running_twice_continues_the_daily_sequences(db):
    await make_catalogue()
    for _ in range(2):  # same seed, same days: only the continued sequences keep codes apart
        generate_dossiers(database_url(), 2000, seed=5)
    codes = await Dossier.select(Dossier.code).output(as_list=True)
    assert len(codes) == 4000 and len(set(codes)) == 4000
    assert await DossierEvent.count() > 8000


async def test_empty_catalogue_is_a_clear_error(db):
    with pytest.raises(BulkGenerationError, match="no active procedures"):
        generate_dossiers(database_url(), 10)
    assert await Dossier.count() == 0
