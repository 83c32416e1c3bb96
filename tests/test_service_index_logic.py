"""The service index's pure rules against 766-index.md: groups and their points, the
thresholds the law names, the R/T scoring rule, the grade of the total out of 100, what
cannot be computed yet or has nothing to count, and the JSON configuration."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.service_index import logic
from app.service_index.logic import ConfigError, IndexConfig, Measure

D = Decimal


def test_five_groups_with_the_decisions_points():
    config = IndexConfig()
    by_group = {key: sum(i.points for i in config.indicators if i.group == key)
                for key, _, _ in logic.GROUPS}
    assert by_group == {"transparency": 18, "progress": 20, "online": 22,
                        "digitisation": 22, "satisfaction": 18}
    assert len({i.key for i in config.indicators}) == len(config.indicators)
    assert [i.code for i in config.indicators] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "3.5", "3.6",
        "4.1", "4.2", "4.3", "4.4", "4.5", "5.1", "5.2", "5.3", "5.4"]
    assert config.indicator("catalogue_on_time").points == 4  # the one split the law gives
    assert logic.validate(config) is config


def test_thresholds_the_reference_names():
    # Issue #18: the code had online dossiers 80, reception satisfaction 100, digitised 100,
    # reuse 50, online-service and online-payment offering 100.
    config = IndexConfig()
    thresholds = {i.code: i.threshold for i in config.indicators if i.threshold != 100}
    assert thresholds == {"3.1": 80, "3.3": 50, "3.5": 80, "4.2": 80, "4.3": 80, "5.4": 90}


def test_every_indicator_states_its_formula_source_and_unit_in_vietnamese():
    for ind in IndexConfig().indicators:
        assert ind.formula and ind.source and ind.unit in ("dossier", "procedure", "feedback")
        assert "÷" in ind.formula or "−" in ind.formula, ind.code


@pytest.mark.parametrize(("num", "den", "points", "threshold", "expected"), [
    (80, 100, "4", "80", "4"),       # exactly at the threshold: full points
    (90, 100, "4", "80", "4"),       # above: still full, never more
    (40, 100, "4", "80", "2.00"),    # half the threshold: half the points
    (0, 100, "6", "100", "0.00"),
    (1, 3, "6", "100", "2.00"),      # 33.33…% of 6, rounded once at the end
    (2, 3, "5", "50", "5"),
    (1, 7, "14", "100", "2.00"),
    (1, 6, "14", "100", "2.33"),
])
def test_score_rule(num, den, points, threshold, expected):
    assert logic.score(D(points), D(threshold), Measure(num, den)) == D(expected)


def test_measure_rejects_impossible_counts_and_has_no_rate_without_denominator():
    with pytest.raises(ValueError):
        Measure(3, 2)
    with pytest.raises(ValueError):
        Measure(-1, 2)
    assert Measure(0, 0).rate is None
    assert Measure(1, 3).rate == D("33.33")
    with pytest.raises(ValueError):
        logic.score(D(4), D(80), Measure(0, 0))


counts = st.integers(min_value=0, max_value=10_000)
points = st.decimals(min_value=0, max_value=30, places=2)
thresholds = st.decimals(min_value=D("0.01"), max_value=100, places=2)


@st.composite
def measures(draw):
    den = draw(st.integers(min_value=1, max_value=10_000))
    return Measure(draw(st.integers(min_value=0, max_value=den)), den)


@given(points, thresholds, measures())
def test_score_never_exceeds_the_points_nor_falls_below_zero(p, t, m):
    assert 0 <= logic.score(p, t, m) <= p


@given(points, thresholds, st.integers(min_value=1, max_value=500), st.data())
def test_score_is_monotone_in_the_rate(p, t, den, data):
    a = data.draw(st.integers(min_value=0, max_value=den))
    b = data.draw(st.integers(min_value=a, max_value=den))
    assert logic.score(p, t, Measure(a, den)) <= logic.score(p, t, Measure(b, den))


@given(points, st.integers(min_value=1, max_value=100), st.integers(min_value=1, max_value=500))
def test_full_points_from_the_threshold_on(p, t, den):
    # The smallest numerator whose rate reaches t% scores full points.
    need = -(-t * den // 100)
    assert logic.score(p, D(t), Measure(need, den)) == p


@example(t=67, den=303)  # 203/303 = 66,997 %: half-up rounding used to show full points
@given(st.integers(min_value=1, max_value=100), st.integers(min_value=1, max_value=500))
def test_just_below_the_threshold_is_less_than_full(t, den):
    need = -(-t * den // 100)
    if need > 0:
        assert logic.score(D(100), D(t), Measure(need - 1, den)) < 100


def test_evaluate_scores_unavailable_and_empty_indicators_zero_and_grades_the_total():
    config = IndexConfig()
    result = logic.evaluate(config, {
        "on_time": Measure(9, 10),            # 20 × 0.9 = 18
        "online_dossiers": Measure(2, 5),     # 40 % of threshold 50 → 6 × 0.8 = 4.8
        "paid_online": Measure(0, 0),         # no dossier with fees: N/A, 0 points
    }, {"dossiers_synced": "Chưa đồng bộ."})
    assert result.indicator("on_time").score == D("18")
    assert result.indicator("online_dossiers").score == D("4.80")
    empty = result.indicator("paid_online")
    assert (empty.status, empty.score, empty.measure.rate) == (logic.EMPTY, 0, None)
    synced = result.indicator("dossiers_synced")
    assert (synced.status, synced.score, synced.reason) == (logic.UNAVAILABLE, 0,
                                                            "Chưa đồng bộ.")
    assert result.points == 100 and result.score == D("22.80")
    assert result.measured == 26  # 20 + 6: the indicators measured
    assert result.of_measured == D("87.69")
    # Graded on the score out of 100, never on what could be measured.
    assert result.band.name == "Yếu"
    progress = next(g for g in result.groups if g.key == "progress")
    assert (progress.points, progress.measured, progress.score) == (20, 20, D("18"))


def test_empty_indicators_may_score_full_by_configuration():
    config = IndexConfig(empty_scores_full=True)
    result = logic.evaluate(config, {"paid_online": Measure(0, 0)})
    assert result.indicator("paid_online").score == config.indicator("paid_online").points


def test_nothing_measured_still_has_a_total_and_a_grade():
    result = logic.evaluate(IndexConfig(), {})
    assert result.score == 0 and result.of_measured is None and result.band.name == "Yếu"


@pytest.mark.parametrize(("score", "band"), [
    ("100", "Xuất sắc"), ("90", "Xuất sắc"), ("89.99", "Tốt"), ("83.8", "Tốt"),
    ("80", "Tốt"), ("79.99", "Khá"), ("70", "Khá"), ("69.99", "Trung bình"),
    ("50", "Trung bình"), ("49.99", "Yếu"), ("0", "Yếu"),
])
def test_grading_bands(score, band):
    assert logic.grade(D(score), IndexConfig().bands).name == band


def test_a_weighted_rate():
    from fractions import Fraction

    measure = Measure(1, 2, Fraction(1, 2))
    assert measure.rate == 25 and logic.score(D(6), D(50), measure) == 3
    with pytest.raises(ValueError):
        Measure(1, 2, Fraction(3, 2))


def test_config_override_moves_points_between_indicators():
    config = logic.parse_config(json.dumps({
        "indicators": {"on_time": {"points": 16, "threshold": 95},
                       "processing_time": {"points": 4}},
        "bands": [{"name": "Đạt", "minimum": 50}, {"name": "Chưa đạt", "minimum": 0}],
        "max_supplement_requests": 2, "empty_scores_full": True}))
    assert config.indicator("on_time").points == 16
    assert config.indicator("on_time").threshold == 95
    assert config.indicator("processing_time").points == 4
    assert [b.name for b in config.bands] == ["Đạt", "Chưa đạt"]
    assert config.max_supplement_requests == 2 and config.empty_scores_full


@pytest.mark.parametrize(("document", "message"), [
    ("{", "không phải JSON hợp lệ"),
    ("[]", "phải là một đối tượng JSON"),
    ('{"weights": {}}', "không được hỗ trợ: weights"),
    ('{"indicators": []}', "phải là một đối tượng theo mã chỉ số"),
    ('{"indicators": {"x": {"points": 1}}}', "Không có chỉ số mã “x”"),
    ('{"indicators": {"on_time": {"name": "A"}}}', "chỉ được đổi"),
    ('{"indicators": {"on_time": {"points": "nhiều"}}}', "phải là một số"),
    ('{"indicators": {"on_time": {"points": true}}}', "phải là một số"),
    ('{"indicators": {"on_time": {"points": 15}}}', "Tiến độ, kết quả giải quyết” có 20 điểm"),
    ('{"indicators": {"on_time": {"points": 19}, "reused": {"points": 5}}}',
     "cộng lại bằng 19"),
    ('{"indicators": {"on_time": {"threshold": 0}}}', "phải lớn hơn 0"),
    ('{"indicators": {"on_time": {"threshold": 120}}}', "không quá 100%"),
    ('{"indicators": {"on_time": {"points": -1, "threshold": 50},'
     ' "processing_time": {"points": 21}}}', "không được âm"),
    ('{"indicators": {"on_time": {"points": 13.999}, "processing_time": {"points": 6.001}}}',
     "hai chữ số thập phân"),
    ('{"bands": [{"name": "A", "minimum": 50}]}', "mức cuối cùng bắt đầu từ 0"),
    ('{"bands": [{"name": "A", "minimum": 0}, {"name": "B", "minimum": 50}]}', "giảm dần"),
    ('{"bands": [{"name": " ", "minimum": 0}]}', "phải có tên"),
    ('{"bands": [{"name": "A", "minimum": 120}, {"name": "B", "minimum": 0}]}', "không quá 100"),
    ('{"bands": "A"}', "phải là danh sách"),
    ('{"max_supplement_requests": "1"}', "số nguyên"),
    ('{"max_supplement_requests": -1}', "không được âm"),
    ('{"empty_scores_full": 1}', "true hoặc false"),
])
def test_config_errors_are_vietnamese(document, message):
    with pytest.raises(ConfigError, match=message):
        logic.parse_config(document)


@st.composite
def some_measures(draw):
    keys = [i.key for i in IndexConfig().indicators]
    chosen = draw(st.lists(st.sampled_from(keys), unique=True))
    out = {}
    for key in chosen:
        den = draw(st.integers(min_value=0, max_value=1000))
        out[key] = Measure(draw(st.integers(min_value=0, max_value=den)), den)
    return out


@given(some_measures())
def test_totals_are_sums_and_never_exceed_the_points(found):
    result = logic.evaluate(IndexConfig(), found)
    assert result.points == 100
    assert result.score == sum(g.score for g in result.groups)
    assert result.measured == sum(g.measured for g in result.groups)
    assert 0 <= result.score <= result.points
    for group in result.groups:
        assert 0 <= group.score <= group.points and group.measured <= group.points
    scored = {k for k, m in found.items() if m.denominator}
    assert {s.indicator.key for g in result.groups for s in g.indicators
            if s.status == logic.SCORED} == scored
    assert result.band in IndexConfig().bands
    if result.of_measured is not None:
        assert 0 <= result.of_measured <= 100
