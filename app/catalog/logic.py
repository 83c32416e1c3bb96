"""Catalogue rules: time-limit units and how they read in Vietnamese. Pure: no I/O."""

import re
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from app.formatting import format_number
from app.text import fold


class TimeUnit(StrEnum):
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"

    @property
    def words(self) -> str:
        return {
            TimeUnit.HOURS: "giờ làm việc",
            TimeUnit.WORKING_DAYS: "ngày làm việc",
            TimeUnit.CALENDAR_DAYS: "ngày",
            TimeUnit.MONTHS: "tháng",
        }[self]


# Every search result and procedure page reads a time limit, and a catalogue holds few
# distinct ones: ~9 us each made, a dictionary hit kept (issue #21). Equal keys (5,
# Decimal("5.0"), TimeUnit.HOURS and "hours") read the same, so sharing an entry is exact.
@lru_cache(maxsize=512)
def describe_time_limit(amount: Decimal | int | float, unit: str) -> str:
    """ "5 ngày làm việc", "12 giờ làm việc", "1 tháng", "0,5 ngày làm việc"."""
    return f"{format_number(Decimal(str(amount)).normalize())} {TimeUnit(unit).words}"


ONLINE_LEVEL_LABELS = {
    "full": "Dịch vụ công trực tuyến toàn trình",
    "partial": "Dịch vụ công trực tuyến một phần",
    "none": "Chỉ tiếp nhận trực tiếp hoặc qua bưu chính",
}

LEVEL_LABELS = {"tinh": "Cấp tỉnh", "xa": "Cấp xã", "trung_uong": "Cấp trung ương"}

COMPONENT_KIND_LABELS = {
    "original": "Bản chính",
    "certified_copy": "Bản sao chứng thực",
    "copy": "Bản sao",
    "any": "Bản chính hoặc bản sao",
}


def split_steps(text: str) -> list[str]:
    """The published order of execution as a list: "Bước 1: A. Bước 2: B." -> ["A.", "B."].
    Text without "Bước N" markers is split on line breaks."""
    parts = re.split(r"\s*Bước\s+\d+\s*[:.\-–]\s*", text.strip())
    if len(parts) > 1:
        return [p.strip() for p in parts[1:] if p.strip()]
    return [line.strip() for line in text.splitlines() if line.strip()]


def search_text(name: str, field_name: str) -> str:
    """What catalogue search reads for a procedure: its name and its field, folded, so
    "ho tich" also finds the procedures of the field Hộ tịch whose names do not say it.
    Names still rank first: search weighs the accented name column too."""
    return fold(f"{name} {field_name}")
