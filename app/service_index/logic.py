"""The real-time service index (Bộ chỉ số phục vụ người dân, doanh nghiệp, QĐ 766/QĐ-TTg).

Pure: no I/O. The indicators are data (group, Vietnamese name, points, threshold), and so
are the grading bands; both come from `IndexConfig`, whose defaults follow DOMAIN.md and
which a JSON file may override (`parse_config`, errors in Vietnamese). Where DOMAIN.md
names an indicator without its points or threshold, the default here is our assumption,
marked "(verify)" — that is exactly why they are configuration.

Scoring: a rate R (percent) against a threshold T scores the full points if R ≥ T, else
R/T of them. An indicator the system has no data for, or with nothing to count in the
period (denominator 0), is left out of the reachable points instead of scoring zero, so
the total is stated honestly as "score / reachable"; the grade is taken on that total
scaled to 100.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

CENT = Decimal("0.01")

GROUPS: tuple[tuple[str, str], ...] = (
    ("transparency", "Công khai, minh bạch"),
    ("progress", "Tiến độ giải quyết"),
    ("online", "Dịch vụ trực tuyến"),
    ("payment", "Thanh toán trực tuyến"),
    ("satisfaction", "Mức độ hài lòng"),
    ("digitisation", "Số hóa hồ sơ, kết quả"),
)
GROUP_NAMES = dict(GROUPS)


class ConfigError(ValueError):
    """An index configuration that cannot be used (message in Vietnamese)."""


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    name: str
    points: Decimal
    threshold: Decimal  # percent, 0 < T ≤ 100


def _i(key: str, group: str, name: str, points: str, threshold: str = "100") -> Indicator:
    return Indicator(key, group, name, Decimal(points), Decimal(threshold))


# Points per group from DOMAIN.md (18/20/12/10/18/22). Thresholds below 100 are adoption
# targets (online dossiers: the 2025 plan's ≥ 80 %), the others are legal duties (verify).
DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    _i("published_on_time", "transparency", "Công bố, công khai TTHC đúng hạn", "6"),
    _i("catalogue_on_time", "transparency", "Cập nhật danh mục TTHC đúng hạn", "4"),
    _i("content_complete", "transparency", "Công khai đầy đủ nội dung TTHC", "2"),
    _i("dossiers_synced", "transparency", "Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia", "6"),
    _i("on_time", "progress", "Tỷ lệ hồ sơ giải quyết đúng hạn", "14"),
    _i("processing_time", "progress", "Thời gian giải quyết trung bình", "6"),
    _i("online_procedures", "online", "Thủ tục cung cấp dịch vụ trực tuyến", "4"),
    _i("online_services_used", "online", "Dịch vụ trực tuyến có phát sinh hồ sơ", "4"),
    _i("online_dossiers", "online", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "4", "80"),
    _i("payment_procedures", "payment", "Thủ tục cung cấp thanh toán trực tuyến", "5"),
    _i("paid_online", "payment", "Tỷ lệ hồ sơ thanh toán trực tuyến", "5", "50"),
    _i("reception_satisfaction", "satisfaction",
       "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC", "6"),
    _i("feedback_on_time", "satisfaction", "Phản ánh, kiến nghị được trả lời đúng hạn", "6"),
    _i("rated_satisfaction", "satisfaction", "Tỷ lệ đánh giá hài lòng", "6", "90"),
    _i("e_results", "digitisation", "Hồ sơ có kết quả điện tử", "6"),
    _i("digitised_with_result", "digitisation",
       "Hồ sơ được số hóa thành phần và có kết quả điện tử", "4"),
    _i("reused", "digitisation", "Tái sử dụng dữ liệu đã số hóa", "2", "50"),
    _i("warehouse_used", "digitisation", "Kết quả được lưu vào kho dữ liệu cá nhân", "4"),
    _i("population_lookup", "digitisation", "Khai thác Cơ sở dữ liệu quốc gia về dân cư", "2"),
    _i("population_auth", "digitisation", "Xác thực định danh điện tử qua VNeID", "2"),
    _i("e_certified_copies", "digitisation", "Cấp bản sao điện tử có chứng thực", "2"),
)


@dataclass(frozen=True)
class Band:
    """A grade: a normalised score at or above `minimum` (and below the next band up)."""

    name: str
    minimum: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("Xuất sắc", Decimal(90)), Band("Tốt", Decimal(70)), Band("Khá", Decimal(50)),
    Band("Trung bình", Decimal(30)), Band("Yếu", Decimal(0)),
)


@dataclass(frozen=True)
class IndexConfig:
    indicators: tuple[Indicator, ...] = DEFAULT_INDICATORS
    bands: tuple[Band, ...] = DEFAULT_BANDS
    # More supplement requests than this make a dossier late for the index, even when it
    # met its appointment: the law asks for one complete request.
    max_supplement_requests: int = 1

    def indicator(self, key: str) -> Indicator | None:
        return next((i for i in self.indicators if i.key == key), None)


# -- configuration from JSON ------------------------------------------------------------------

def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ConfigError(f"{what} phải là một số.")
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise ConfigError(f"{what} phải là một số.") from exc
    if not number.is_finite():
        raise ConfigError(f"{what} phải là một số.")
    return number


def validate(config: IndexConfig) -> IndexConfig:
    total = sum((i.points for i in config.indicators), Decimal(0))
    for ind in config.indicators:
        if ind.points < 0:
            raise ConfigError(f"Điểm của chỉ số “{ind.name}” không được âm.")
        if ind.points != ind.points.quantize(CENT):
            raise ConfigError(f"Điểm của chỉ số “{ind.name}” có tối đa hai chữ số thập phân.")
        if not 0 < ind.threshold <= 100:
            raise ConfigError(f"Ngưỡng của chỉ số “{ind.name}” phải lớn hơn 0 và không quá 100%.")
    if total != 100:
        raise ConfigError(f"Tổng điểm các chỉ số phải bằng 100 (hiện là {total}).")
    minimums = [b.minimum for b in config.bands]
    if not config.bands or any(not b.name.strip() for b in config.bands):
        raise ConfigError("Mỗi mức xếp loại phải có tên.")
    if minimums != sorted(set(minimums), reverse=True) or minimums[-1] != 0:
        raise ConfigError("Các mức xếp loại phải có điểm sàn giảm dần, khác nhau, "
                          "và mức cuối cùng bắt đầu từ 0.")
    if minimums[0] > 100:
        raise ConfigError("Điểm sàn của mức xếp loại không quá 100.")
    if config.max_supplement_requests < 0:
        raise ConfigError("Số lần yêu cầu bổ sung tối đa không được âm.")
    return config


def parse_config(text: str) -> IndexConfig:
    """Defaults overridden by a JSON document:
    {"indicators": {"on_time": {"points": 14, "threshold": 95}},
     "bands": [{"name": "Xuất sắc", "minimum": 90}, ...], "max_supplement_requests": 1}"""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"Tệp cấu hình bộ chỉ số không phải JSON hợp lệ: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("Tệp cấu hình bộ chỉ số phải là một đối tượng JSON.")
    unknown = set(data) - {"indicators", "bands", "max_supplement_requests"}
    if unknown:
        raise ConfigError(f"Mục cấu hình không được hỗ trợ: {', '.join(sorted(unknown))}.")
    config = IndexConfig()
    overrides = data.get("indicators", {})
    if not isinstance(overrides, dict):
        raise ConfigError("Mục “indicators” phải là một đối tượng theo mã chỉ số.")
    indicators = list(config.indicators)
    for key, change in overrides.items():
        index = next((n for n, i in enumerate(indicators) if i.key == key), None)
        if index is None:
            raise ConfigError(f"Không có chỉ số mã “{key}”.")
        if not isinstance(change, dict) or set(change) - {"points", "threshold"}:
            raise ConfigError(f"Chỉ số “{key}” chỉ được đổi “points” và “threshold”.")
        ind = indicators[index]
        indicators[index] = replace(
            ind, points=_decimal(change.get("points", ind.points), f"Điểm của “{key}”"),
            threshold=_decimal(change.get("threshold", ind.threshold), f"Ngưỡng của “{key}”"))
    bands = config.bands
    if "bands" in data:
        raw = data["bands"]
        if not isinstance(raw, list) or not all(
                isinstance(b, dict) and isinstance(b.get("name"), str) for b in raw):
            raise ConfigError("Mục “bands” phải là danh sách {\"name\", \"minimum\"}.")
        bands = tuple(Band(b["name"], _decimal(b.get("minimum"), f"Điểm sàn “{b['name']}”"))
                      for b in raw)
    limit = data.get("max_supplement_requests", config.max_supplement_requests)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ConfigError("“max_supplement_requests” phải là số nguyên.")
    return validate(IndexConfig(tuple(indicators), bands, limit))


# -- measuring and scoring --------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """A rate as its counts, so each number can drill down to the dossiers behind it."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.numerator < 0 or self.denominator < 0 or self.numerator > self.denominator:
            raise ValueError("0 ≤ numerator ≤ denominator")

    @property
    def rate(self) -> Decimal | None:
        """Percent, two decimals; None when there is nothing to count."""
        if not self.denominator:
            return None
        return _round(Fraction(self.numerator * 100, self.denominator))


def _round(value: Fraction, rounding: str = ROUND_HALF_UP) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        CENT, rounding=rounding)


def score(points: Decimal, threshold: Decimal, measure: Measure) -> Decimal:
    """Full points at R ≥ T, else R/T of them (exact, then cut to 0.01: rounding half up
    would show full points for a rate a hair below the threshold, e.g. 203/303 against 67 %)."""
    if measure.denominator == 0:
        raise ValueError("no rate without a denominator")
    rate = Fraction(measure.numerator * 100, measure.denominator)
    t = Fraction(threshold)
    if rate >= t:
        return points
    return _round(Fraction(points) * rate / t, ROUND_DOWN)


def late_for_index(report_columns: set[str], supplement_requests: int,
                   config: IndexConfig) -> bool:
    """Late as the monthly report classifies it (`app.reports.logic.classify`), or asked
    for supplements more often than allowed."""
    return ("processed_late" in report_columns
            or supplement_requests > config.max_supplement_requests)


def reception_satisfaction(finished: int, late: int, complaints: int) -> Measure:
    """100 % − late rate − complaint rate (DOMAIN.md), as counts over finished dossiers."""
    return Measure(max(0, finished - late - complaints), finished)


NO_DATA = "no_data"
NOTHING_TO_COUNT = "nothing"
SCORED = "scored"


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    measure: Measure | None
    status: str  # SCORED | NO_DATA | NOTHING_TO_COUNT
    score: Decimal | None

    @property
    def reachable(self) -> Decimal:
        return self.indicator.points if self.status == SCORED else Decimal(0)


@dataclass(frozen=True)
class GroupScore:
    key: str
    name: str
    indicators: tuple[IndicatorScore, ...]

    @property
    def points(self) -> Decimal:
        return sum((s.indicator.points for s in self.indicators), Decimal(0))

    @property
    def reachable(self) -> Decimal:
        return sum((s.reachable for s in self.indicators), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((s.score or Decimal(0) for s in self.indicators), Decimal(0))


@dataclass(frozen=True)
class IndexScore:
    groups: tuple[GroupScore, ...]
    bands: tuple[Band, ...]

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def reachable(self) -> Decimal:
        return sum((g.reachable for g in self.groups), Decimal(0))

    @property
    def score(self) -> Decimal:
        return sum((g.score for g in self.groups), Decimal(0))

    @property
    def normalised(self) -> Decimal | None:
        """The score on a 100-point scale of what was reachable; None if nothing was."""
        if not self.reachable:
            return None
        return _round(Fraction(self.score) * 100 / Fraction(self.reachable))

    @property
    def band(self) -> Band | None:
        return grade(self.normalised, self.bands) if self.normalised is not None else None

    def indicator(self, key: str) -> IndicatorScore | None:
        return next((s for g in self.groups for s in g.indicators
                     if s.indicator.key == key), None)


def grade(normalised: Decimal, bands: tuple[Band, ...]) -> Band:
    return next(b for b in bands if normalised >= b.minimum)


def evaluate(config: IndexConfig, measures: dict[str, Measure]) -> IndexScore:
    """Score every indicator of `config`; keys absent from `measures` have no data."""
    groups = []
    for key, name in GROUPS:
        scores = []
        for ind in (i for i in config.indicators if i.group == key):
            measure = measures.get(ind.key)
            if measure is None:
                scores.append(IndicatorScore(ind, None, NO_DATA, None))
            elif measure.denominator == 0:
                scores.append(IndicatorScore(ind, measure, NOTHING_TO_COUNT, None))
            else:
                scores.append(IndicatorScore(ind, measure, SCORED,
                                             score(ind.points, ind.threshold, measure)))
        groups.append(GroupScore(key, name, tuple(scores)))
    return IndexScore(tuple(groups), config.bands)
