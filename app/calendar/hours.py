"""Office hours and admin day overrides: the plain, dated data a working calendar is built from.

Everything here is a frozen value that can be rebuilt from JSON-like data (`from_plain`), so the
province's settings can later live in the database without this module knowing about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app.formatting import LOCAL_TZ

Block = tuple[time, time]


def _parse_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _parse_date(value: date | str) -> date:
    if isinstance(value, datetime):
        raise ValueError("Ngày hiệu lực phải là ngày, không kèm giờ.")
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class OfficeHours:
    """One version of the province's office hours, in force from `effective_from` on.

    Blocks are local wall-clock times (Asia/Ho_Chi_Minh has no daylight saving, so a block is
    always the same length). The same blocks apply to every working day, including a make-up
    Saturday: swaps move a whole ordinary day.
    """

    effective_from: date
    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        # Accept lists from JSON-ish callers but store tuples so the value stays hashable.
        blocks = tuple((_parse_time(b[0]), _parse_time(b[1])) for b in self.blocks)
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "effective_from", _parse_date(self.effective_from))
        if not blocks:
            raise ValueError("Giờ làm việc phải có ít nhất một buổi.")
        previous_end: time | None = None
        for start, end in blocks:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("Giờ làm việc ghi theo giờ địa phương, không kèm múi giờ.")
            if start.microsecond or end.microsecond:
                raise ValueError("Giờ làm việc chỉ tính đến giây.")
            if start >= end:
                raise ValueError(f"Buổi làm việc {start:%H:%M}–{end:%H:%M} không hợp lệ.")
            if previous_end is not None and start < previous_end:
                raise ValueError("Các buổi làm việc phải theo thứ tự và không chồng lên nhau.")
            previous_end = end

    @property
    def day_seconds(self) -> int:
        """Length of a full office day; one working day is worth this much office time."""
        return sum(_seconds(end) - _seconds(start) for start, end in self.blocks)

    def blocks_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        return tuple(
            (datetime.combine(day, start, LOCAL_TZ), datetime.combine(day, end, LOCAL_TZ))
            for start, end in self.blocks
        )

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> OfficeHours:
        """{"effective_from": "2026-01-01", "blocks": [["07:30", "11:30"], ["13:00", "17:00"]]}"""
        return cls(effective_from=data["effective_from"], blocks=tuple(data["blocks"]))

    def to_plain(self) -> dict[str, Any]:
        return {
            "effective_from": self.effective_from.isoformat(),
            "blocks": [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in self.blocks],
        }


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


# The date is only a floor: the default applies to any day the app will ever see.
DEFAULT_OFFICE_HOURS = OfficeHours(
    effective_from=date(1900, 1, 1),
    blocks=((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))),
)


@dataclass(frozen=True)
class DayOverride:
    """An admin decision about one date; it beats weekends and the holiday package.

    `working=False`: an extra day off (the Prime Minister's Tết decision, a bridge day).
    `working=True`: a make-up working day (a Saturday worked to pay for a bridge).
    """

    day: date
    working: bool
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", _parse_date(self.day))
        if not self.reason.strip():
            raise ValueError("Cần ghi lý do cho ngày nghỉ hoặc ngày làm bù.")

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> DayOverride:
        """{"day": "2026-01-02", "working": false, "reason": "Nghỉ bù theo Thông báo ..."}"""
        return cls(day=data["day"], working=bool(data["working"]), reason=str(data["reason"]))

    def to_plain(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working": self.working, "reason": self.reason}
