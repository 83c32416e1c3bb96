"""Group 1 (transparency) and the result kind, read from a real SQLite file: decisions and
pages published through the catalogue's own publishing path, the national-portal sync
(tests/service_index_catalogue.py holds the expected figures by hand)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from app.catalog.public_pages import pages_on
from app.service_index import service
from app.service_index.logic import IndexConfig, Measure, parse_config
from app.service_index.transparency import NOT_CONNECTED
from tests.service_index_world import build

MARCH = service.month_period(2026, 3)


@pytest.fixture
def portal(monkeypatch):
    monkeypatch.setenv("MOTCUA_DVCQG", "sandbox")


@pytest.mark.anyio
async def test_the_drill_down_says_why_each_procedure_counted(db, portal):
    world = await build()
    decisions = await service.drill_down(MARCH, None, "published_on_time", IndexConfig())
    listed = {i.name: i for i in decisions.items}
    abolished = listed["Cấp bản sao trích lục hộ tịch"]  # no longer offered, still listed
    assert abolished.id == world.ids["r"] and not abolished.counted
    assert "không có căn cứ pháp lý ghi ngày có hiệu lực" in abolished.note
    late_once = listed["Đăng ký khai sinh"]
    assert not late_once.counted  # on time by its first decision, then late by the second
    assert late_once.note == (
        "Quyết định 102/QĐ-UBND ngày 02/03/2026 · căn cứ có hiệu lực 16/03/2026, hạn ký "
        "09/03/2026: đúng hạn; Quyết định 106/QĐ-UBND ngày 12/03/2026 · căn cứ có hiệu lực "
        "16/03/2026, hạn ký 09/03/2026: trễ hạn")
    assert listed["Chứng thực bản sao"].counted
    pages = await service.drill_down(MARCH, None, "catalogue_on_time", IndexConfig())
    assert {i.name: i.counted for i in pages.items}["Đăng ký khai sinh"] is False
    assert "công khai 20/03/2026, hạn 19/03/2026: trễ hạn" in next(
        i.note for i in pages.items if i.name == "Đăng ký khai sinh")
    complete = await service.drill_down(MARCH, [world.ba_to], "content_complete",
                                        IndexConfig())
    assert [(i.name, i.counted, i.note) for i in complete.items] == [
        ("Đăng ký khai sinh", False, "Thiếu: Trình tự thực hiện")]
    synced = await service.drill_down(MARCH, [world.ba_to], "dossiers_synced", IndexConfig())
    assert {(i.code, i.counted) for i in synced.items} == {
        (world.codes["ba_to_done"], True), (world.codes["ba_to_open"], False)}


@pytest.mark.anyio
async def test_an_undated_basis_may_be_left_out_of_1_1(db, portal):
    await build()
    config = parse_config('{"undated_basis": "excluded"}')
    province, (_, ba_to) = await service.province_index(MARCH, config)
    assert province.measures["published_on_time"] == Measure(1, 2)
    assert ba_to.measures["published_on_time"] == Measure(0, 1)


@pytest.mark.anyio
async def test_without_the_portal_1_4_is_not_computed_and_3_3_is_not_weighted(db):
    await build()
    province, _ = await service.province_index(MARCH, IndexConfig())
    scored = province.result.indicator("dossiers_synced")
    assert (scored.status, scored.score, scored.reason) == ("unavailable", 0, NOT_CONNECTED)
    assert province.measures["online_dossiers"] == Measure(3, 9)


@pytest.mark.anyio
async def test_the_sync_rate_weights_3_3_for_each_agency(db, portal):
    await build()
    province, (tu_phap, ba_to) = await service.province_index(MARCH, IndexConfig())
    assert province.measures["online_dossiers"].factor == Fraction(1, 3)
    assert tu_phap.measures["online_dossiers"].factor == Fraction(2, 7)
    assert ba_to.result.indicator("online_dossiers").score == 6  # 100 % × 1/2 ≥ 50 %


@pytest.mark.anyio
async def test_a_procedure_without_a_recorded_result_kind_takes_the_default(db, portal):
    await build()
    # Only p (Cấp Phiếu lý lịch tư pháp) is still an old row with no kind recorded: with
    # the default "none" its four dossiers processed in March leave 4.1, and q's result
    # is no document either, so nothing is left to count.
    none = parse_config('{"default_result_kind": "none"}')
    province, _ = await service.province_index(MARCH, none)
    assert province.measures["e_results"] == Measure(0, 0)
    assert province.measures["digitised"] == Measure(2, 5)  # digitised, no e-result needed
    default, _ = await service.province_index(MARCH, IndexConfig())
    assert default.measures["e_results"] == Measure(2, 4)


@pytest.mark.anyio
async def test_pages_are_read_as_they_stood_on_the_day(db):
    world = await build()
    before = {p["name"] for p in await pages_on(date(2026, 3, 1))}
    # r was public from its February decision; p2 and q had no version public yet (the
    # approximation for rows first published through a decision); p is an old row.
    assert before == {"Cấp Phiếu lý lịch tư pháp", "Cấp bản sao trích lục hộ tịch"}
    after = {p["id"]: p["missing"] for p in await pages_on(date(2026, 3, 31))}
    assert world.ids["r"] not in after  # abolished on 10/3
    assert len(after) == 3 and sum(not m for m in after.values()) == 1
