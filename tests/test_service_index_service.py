"""The service index read from a real SQLite file (tests/service_index_world.py, March
2026): each indicator's counts, per agency and for the province, the items behind them,
what cannot be computed yet, and the configuration file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.dossiers.tables import Dossier
from app.reports.periods import PeriodError
from app.service_index import service
from app.service_index.logic import ConfigError, IndexConfig, Measure
from tests.service_index_world import build

MARCH = service.month_period(2026, 3)


@pytest.mark.anyio
async def test_province_counts_follow_the_formulas(db):
    await build()
    province, agencies = await service.province_index(MARCH, IndexConfig())
    m = province.measures
    assert m["on_time"] == Measure(5, 9)         # open overdue and 2 supplements are late
    assert m["processing_time"] == Measure(2, 2)  # both procedures within their limit
    assert m["online_procedures"] == Measure(2, 3)
    assert m["online_services_used"] == Measure(2, 2)
    assert m["online_dossiers"] == Measure(2, 9)  # online and with an e-result
    assert m["payment_procedures"] == Measure(1, 1)
    assert m["paid_online"] == Measure(1, 5)      # failed payment does not count
    assert m["e_results"] == Measure(3, 5)        # processed in March
    assert m["digitised"] == Measure(2, 5)
    assert m["reused"] == Measure(1, 9)           # received in March, not processed
    assert m["warehouse_used"] == Measure(2, 9)
    assert m["population_data"] == Measure(1, 3)
    assert m["feedback_classified"] == Measure(2, 3)
    assert m["feedback_on_time"] == Measure(2, 3)  # PA-2 refused after its 2 days
    assert m["feedback_satisfaction"] == Measure(1, 2)  # PA-3 repeats PA-1: PA-1 raised again
    assert m["reception_satisfaction"] == Measure(3, 9)
    assert [a.name for a in agencies] == ["Sở Tư pháp", "UBND xã Ba Tơ"]
    for key in ("published_on_time", "catalogue_on_time", "content_complete",
                "dossiers_synced"):
        scored = province.result.indicator(key)
        assert scored.status == "unavailable" and scored.score == 0 and scored.reason


@pytest.mark.anyio
async def test_each_agency_gets_its_own_counts_and_score(db):
    await build()
    _, (tu_phap, ba_to) = await service.province_index(MARCH, IndexConfig())
    assert tu_phap.measures["on_time"] == Measure(3, 7)
    assert ba_to.measures["on_time"] == Measure(2, 2)
    assert ba_to.measures["online_dossiers"] == Measure(1, 2)
    assert ba_to.measures["paid_online"] == Measure(0, 0)
    assert ba_to.measures["reception_satisfaction"] == Measure(1, 2)  # unsatisfied rating
    assert tu_phap.measures["feedback_classified"] == Measure(2, 3)  # PA-2 by its subject
    assert ba_to.measures["feedback_classified"] == Measure(0, 0)
    # Ba Tơ: 20 (2.1) + 4 + 4 + 6 (3.3: 50 % ≥ 50) + 5 (4.1) + 0 (4.2) + 0 + 0 + 0 (4.5
    # 0/1) + 6 × 50/90 (5.4) = 42.33; N/A and unavailable indicators score 0.
    assert ba_to.result.score == Decimal("42.33")
    assert ba_to.result.band.name == "Yếu"
    assert ba_to.result.indicator("paid_online").status == "empty"
    assert ba_to.result.indicator("population_data").measure == Measure(0, 1)


@pytest.mark.anyio
async def test_drill_down_lists_the_items_behind_a_rate(db):
    world = await build()
    drill = await service.drill_down(MARCH, None, "on_time", IndexConfig())
    codes = world.codes
    counted = {i.code for i in drill.items if i.counted}
    assert counted == {codes[k] for k in ("good", "waiting", "next_month", "ba_to_done",
                                          "ba_to_open")}
    assert {i.code for i in drill.items} - counted == {codes[k] for k in (
        "late", "nagged", "sorry", "overdue_open")}
    assert drill.items[0].counted is False  # what staff act on comes first
    procedures = await service.drill_down(MARCH, [world.ba_to], "online_procedures",
                                          IndexConfig())
    assert [(i.name, i.counted) for i in procedures.items] == [("Đăng ký khai sinh", True)]
    feedback = await service.drill_down(MARCH, None, "feedback_satisfaction", IndexConfig())
    assert {(i.code, i.counted) for i in feedback.items} == {("PA-1", False), ("PA-2", True)}
    times = await service.drill_down(MARCH, None, "processing_time", IndexConfig())
    assert all(i.note for i in times.items)
    unavailable = await service.drill_down(MARCH, None, "dossiers_synced", IndexConfig())
    assert unavailable.items == [] and unavailable.measure is None


@pytest.mark.anyio
async def test_supplement_limit_is_configuration(db):
    await build()
    lenient = IndexConfig(max_supplement_requests=2)
    province, _ = await service.province_index(MARCH, lenient)
    assert province.measures["on_time"] == Measure(6, 9)


@pytest.mark.anyio
async def test_an_empty_month_still_has_a_score_of_100_points(db):
    await build()
    province, agencies = await service.province_index(service.month_period(2025, 1),
                                                      IndexConfig())
    assert [a.name for a in agencies] == ["Sở Tư pháp", "UBND xã Ba Tơ"]  # by procedures
    assert province.measures["on_time"] == Measure(0, 0)
    assert province.result.points == 100 and province.result.band.name == "Yếu"


def test_config_file_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_INDEX_CONFIG", raising=False)
    assert service.load_config() == IndexConfig()
    path = tmp_path / "index.json"
    path.write_text('{"indicators": {"online_dossiers": {"threshold": 60}}}', encoding="utf-8")
    monkeypatch.setenv("MOTCUA_INDEX_CONFIG", str(path))
    assert service.load_config().indicator("online_dossiers").threshold == 60
    path.write_text('{"indicators": {"on_time": {"points": 1}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="có 20 điểm"):
        service.load_config()
    monkeypatch.setenv("MOTCUA_INDEX_CONFIG", str(tmp_path / "missing.json"))
    with pytest.raises(ConfigError, match="Không đọc được"):
        service.load_config()


def test_month_period_is_the_calendar_month():
    period = service.month_period(2026, 12)
    assert (period.first_day.day, period.last_day.isoformat()) == (1, "2026-12-31")
    with pytest.raises(PeriodError):
        service.month_period(2026, 13)


@pytest.mark.anyio
async def test_public_figures_are_kept_for_a_minute(db):
    world = await build()
    now = [1000.0]
    first, _ = await service.cached_province_index(MARCH, IndexConfig(), clock=lambda: now[0])
    await Dossier.update({Dossier.channel: 2}).where(Dossier.code == world.codes["late"])
    now[0] += 30
    again, _ = await service.cached_province_index(MARCH, IndexConfig(), clock=lambda: now[0])
    assert again.measures["online_dossiers"] == first.measures["online_dossiers"]
    now[0] += service.CACHE_SECONDS
    fresh, _ = await service.cached_province_index(MARCH, IndexConfig(), clock=lambda: now[0])
    assert fresh.measures["online_dossiers"] == Measure(3, 9)  # late has an e-result
