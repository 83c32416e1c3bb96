"""The service index's pure rules: indicator data, the R/T scoring rule, sums, grades, and
the JSON configuration with its Vietnamese errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.service_index import logic
from app.service_index.logic import ConfigError, IndexConfig, Measure

D = Decimal


def test_default_weights_follow_the_domain_groups():
    config = IndexConfig()
    by_group = {key: sum(i.points for i in config.indicators if i.group == key)
                for key, _ in logic.GROUPS}
    assert by_group == {"transparency": 18, "progress": 20, "online": 12, "payment": 10,
                        "satisfaction": 18, "digitisation": 22}
    assert len({i.key for i in config.indicators}) == len(config.indicators)
    assert logic.validate(config) is config


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


def test_evaluate_leaves_out_what_has_no_data_or_nothing_to_count():
    config = IndexConfig()
    result = logic.evaluate(config, {
        "on_time": Measure(9, 10),            # 14 × 0.9 = 12.6
        "online_dossiers": Measure(2, 5),     # 40 % of threshold 80 → 4 × 0.5 = 2
        "paid_online": Measure(0, 0),         # no dossier with fees: not reachable
    })
    assert result.indicator("on_time").score == D("12.60")
    assert result.indicator("online_dossiers").score == D("2.00")
    assert result.indicator("paid_online").status == logic.NOTHING_TO_COUNT
    assert result.indicator("published_on_time").status == logic.NO_DATA
    assert result.points == 100
    assert result.reachable == 18
    assert result.score == D("14.60")
    progress = next(g for g in result.groups if g.key == "progress")
    assert (progress.points, progress.reachable, progress.score) == (20, 14, D("12.60"))
    assert result.normalised == D("81.11")
    assert result.band.name == "Tốt"


def test_nothing_reachable_has_no_grade():
    result = logic.evaluate(IndexConfig(), {})
    assert result.reachable == 0 and result.normalised is None and result.band is None


@pytest.mark.parametrize(("score", "band"), [
    ("100", "Xuất sắc"), ("90", "Xuất sắc"), ("89.99", "Tốt"), ("70", "Tốt"),
    ("50", "Khá"), ("30", "Trung bình"), ("29.99", "Yếu"), ("0", "Yếu"),
])
def test_grading_bands(score, band):
    assert logic.grade(D(score), IndexConfig().bands).name == band


def test_late_for_index_reuses_the_report_column_and_counts_supplements():
    config = IndexConfig()
    assert logic.late_for_index({"processed_late"}, 0, config)
    assert not logic.late_for_index({"processed_on_time"}, 1, config)
    assert logic.late_for_index({"processed_early"}, 2, config)
    strict = IndexConfig(max_supplement_requests=0)
    assert logic.late_for_index({"processed_on_time"}, 1, strict)


def test_reception_satisfaction_is_one_minus_late_and_complaint_rates():
    assert logic.reception_satisfaction(10, 2, 1) == Measure(7, 10)
    assert logic.reception_satisfaction(3, 2, 5) == Measure(0, 3)
    assert logic.reception_satisfaction(0, 0, 4) == Measure(0, 0)


def test_config_override_moves_points_between_indicators():
    config = logic.parse_config(json.dumps({
        "indicators": {"on_time": {"points": 16, "threshold": 95},
                       "processing_time": {"points": 4}},
        "bands": [{"name": "Đạt", "minimum": 50}, {"name": "Chưa đạt", "minimum": 0}],
        "max_supplement_requests": 2}))
    assert config.indicator("on_time").points == 16
    assert config.indicator("on_time").threshold == 95
    assert config.indicator("processing_time").points == 4
    assert [b.name for b in config.bands] == ["Đạt", "Chưa đạt"]
    assert config.max_supplement_requests == 2


@pytest.mark.parametrize(("document", "message"), [
    ("{", "không phải JSON hợp lệ"),
    ("[]", "phải là một đối tượng JSON"),
    ('{"weights": {}}', "không được hỗ trợ: weights"),
    ('{"indicators": []}', "phải là một đối tượng theo mã chỉ số"),
    ('{"indicators": {"x": {"points": 1}}}', "Không có chỉ số mã “x”"),
    ('{"indicators": {"on_time": {"name": "A"}}}', "chỉ được đổi"),
    ('{"indicators": {"on_time": {"points": "nhiều"}}}', "phải là một số"),
    ('{"indicators": {"on_time": {"points": true}}}', "phải là một số"),
    ('{"indicators": {"on_time": {"points": 15}}}', "Tổng điểm các chỉ số phải bằng 100"),
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
def test_totals_are_sums_and_never_exceed_what_was_reachable(found):
    result = logic.evaluate(IndexConfig(), found)
    assert result.points == 100
    assert result.score == sum(g.score for g in result.groups)
    assert result.reachable == sum(g.reachable for g in result.groups)
    assert 0 <= result.score <= result.reachable <= result.points
    for group in result.groups:
        assert group.score <= group.reachable <= group.points
    scored = {k for k, m in found.items() if m.denominator}
    assert {s.indicator.key for g in result.groups for s in g.indicators
            if s.status == logic.SCORED} == scored
    if result.normalised is not None:
        assert 0 <= result.normalised <= 100
        assert result.band in IndexConfig().bands
