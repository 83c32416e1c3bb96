"""Configuration of the service index: points, thresholds, grading bands, two rules of ours.

Defaults follow /work/shared/reference/766-index.md (`app.service_index.indicators`); a JSON
file named by MOTCUA_INDEX_CONFIG may override them (`parse_config`), checked here with
errors in Vietnamese. The group points are the decision's: points move only within a group.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from app.service_index.indicators import GROUP_NAMES, GROUP_POINTS, INDICATORS, Indicator

CENT = Decimal("0.01")


class ConfigError(ValueError):
    """An index configuration that cannot be used (message in Vietnamese)."""


@dataclass(frozen=True)
class Band:
    """A grade: a normalised score at or above `minimum` (and below the next band up)."""

    name: str
    minimum: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("Xuất sắc", Decimal(90)), Band("Tốt", Decimal(80)), Band("Khá", Decimal(70)),
    Band("Trung bình", Decimal(50)), Band("Yếu", Decimal(0)),
)


@dataclass(frozen=True)
class IndexConfig:
    indicators: tuple[Indicator, ...] = INDICATORS
    bands: tuple[Band, ...] = DEFAULT_BANDS
    # More supplement requests than this make a dossier late for the index, even when it
    # met its appointment: the law asks for one complete request.
    max_supplement_requests: int = 1
    # An indicator with nothing to count (N/A) scores 0 unless this is set (verify).
    empty_scores_full: bool = False

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
    for group, points in GROUP_POINTS.items():
        found = sum((i.points for i in config.indicators if i.group == group), Decimal(0))
        if found != points:
            raise ConfigError(f"Nhóm “{GROUP_NAMES[group]}” có {points} điểm theo Quyết định "
                              f"766; điểm các chỉ số của nhóm đang cộng lại bằng {found}.")
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
    {"indicators": {"on_time": {"points": 16, "threshold": 95},
                    "processing_time": {"points": 4}},
     "bands": [{"name": "Xuất sắc", "minimum": 90}, ...], "max_supplement_requests": 1,
     "empty_scores_full": false}"""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"Tệp cấu hình bộ chỉ số không phải JSON hợp lệ: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("Tệp cấu hình bộ chỉ số phải là một đối tượng JSON.")
    unknown = set(data) - {"indicators", "bands", "max_supplement_requests", "empty_scores_full"}
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
    full = data.get("empty_scores_full", config.empty_scores_full)
    if not isinstance(full, bool):
        raise ConfigError("“empty_scores_full” phải là true hoặc false.")
    return validate(IndexConfig(tuple(indicators), bands, limit, full))
