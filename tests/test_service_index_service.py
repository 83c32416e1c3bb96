"""The service index read from a real SQLite file: each rate's counts, per agency and for
the province, the drill-down ids, and the configuration file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.dossiers.tables import Dossier
from app.reports.logic import PeriodError
from app.service_index import service
from app.service_index.logic import ConfigError, IndexConfig, Measure
from tests.service_index_world import build

MARCH = service.month_period(2026, 3)


@pytest.mark.anyio
async def test_province_rates_count_what_happened_in_the_month(db):
    await build()
    province, agencies = await service.province_index(MARCH, IndexConfig())
    m = province.measures
    # Late by appointment, by apology, by a second supplement request: three of five.
    assert m["on_time"] == Measure(2, 5)
    assert m["online_dossiers"] == Measure(2, 6)       # received in March, not February
    assert m["paid_online"] == Measure(1, 2)           # failed payment does not count
    assert m["e_results"] == Measure(3, 5)
    assert m["digitised_with_result"] == Measure(2, 5)
    assert m["reused"] == Measure(1, 5)
    assert m["warehouse_used"] == Measure(1, 5)
    assert m["reception_satisfaction"] == Measure(1, 5)  # 5 − 3 late − 1 complaint
    assert m["feedback_on_time"] == Measure(1, 1)
    assert m["rated_satisfaction"] == Measure(3, 4)      # 2 of 3 ratings + 1 feedback
    assert [a.name for a in agencies] == ["Sở Tư pháp", "UBND xã Ba Tơ"]


@pytest.mark.anyio
async def test_each_agency_gets_its_own_rates_and_score(db):
    await build()
    _, agencies = await service.province_index(MARCH, IndexConfig())
    tu_phap, ba_to = agencies
    assert tu_phap.measures["on_time"] == Measure(1, 4)
    assert tu_phap.measures["rated_satisfaction"] == Measure(2, 3)
    assert ba_to.measures["online_dossiers"] == Measure(1, 2)
    assert ba_to.measures["paid_online"] == Measure(0, 0)
    assert ba_to.measures["feedback_on_time"] == Measure(0, 0)
    # 14 + 2,5 (50 % of the 80 % threshold) + 6 + 6 + 6; digitisation rates 0.
    assert ba_to.result.score == Decimal("34.5")
    assert ba_to.result.reachable == 46
    assert ba_to.result.normalised == Decimal("75.00")
    assert ba_to.result.band.name == "Tốt"
    assert ba_to.result.indicator("paid_online").status == "nothing"
    assert ba_to.result.indicator("dossiers_synced").status == "no_data"


@pytest.mark.anyio
async def test_drill_down_lists_the_dossiers_behind_a_rate(db):
    world = await build()
    numerator, denominator = await service.drill_down(MARCH, None, "on_time", IndexConfig())
    codes = world.codes
    assert {r.code for r in numerator} == {codes["good"], codes["ba_to_done"]}
    assert {r.code for r in denominator} == {codes[k] for k in
                                            ("good", "late", "nagged", "sorry", "ba_to_done")}
    numerator, denominator = await service.drill_down(MARCH, [world.ba_to], "online_dossiers",
                                                      IndexConfig())
    assert [r.code for r in numerator] == [codes["ba_to_open"]]
    assert {r.agency_name for r in denominator} == {"UBND xã Ba Tơ"}
    assert numerator[0].procedure_name == "Đăng ký khai sinh"


@pytest.mark.anyio
async def test_supplement_limit_is_configuration(db):
    await build()
    lenient = IndexConfig(max_supplement_requests=2)
    province, _ = await service.province_index(MARCH, lenient)
    assert province.measures["on_time"] == Measure(3, 5)


@pytest.mark.anyio
async def test_an_empty_month_reaches_no_points(db):
    await build()
    province, agencies = await service.province_index(service.month_period(2025, 1),
                                                      IndexConfig())
    assert agencies == []
    assert province.result.reachable == 0 and province.result.band is None


def test_config_file_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_INDEX_CONFIG", raising=False)
    assert service.load_config() == IndexConfig()
    path = tmp_path / "index.json"
    path.write_text('{"indicators": {"online_dossiers": {"threshold": 60}}}', encoding="utf-8")
    monkeypatch.setenv("MOTCUA_INDEX_CONFIG", str(path))
    assert service.load_config().indicator("online_dossiers").threshold == 60
    path.write_text('{"indicators": {"on_time": {"points": 1}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="Tổng điểm"):
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
    assert again.measures["online_dossiers"] == first.measures["online_dossiers"] == Measure(2, 6)
    now[0] += service.CACHE_SECONDS
    fresh, _ = await service.cached_province_index(MARCH, IndexConfig(), clock=lambda: now[0])
    assert fresh.measures["online_dossiers"] == Measure(3, 6)
