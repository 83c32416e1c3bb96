"""The province's working calendar: which days are worked and when the offices are open.

`WorkingCalendar` is an immutable value built from plain data (office-hours versions and admin
overrides) on top of the national days off in `app.calendar.days`. Deadline arithmetic on it
lives in `app.calendar.deadlines`; this module only answers questions about days and hours.

Every moment going in must be timezone-aware (UTC is fine); every moment coming out is in
Asia/Ho_Chi_Minh. A naive datetime is refused rather than guessed, because guessing wrong
shifts every deadline by seven hours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

from app.calendar.days import WEEKEND, year_days
from app.calendar.hours import DEFAULT_OFFICE_HOURS, DayOverride, OfficeHours
from app.formatting import LOCAL_TZ

ONE_DAY = timedelta(days=1)
WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ nhật"}


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Thời điểm phải kèm múi giờ (ví dụ +07:00 hoặc UTC).")
    return moment.astimezone(LOCAL_TZ)


class OfficeDay(NamedTuple):
    blocks: tuple[tuple[datetime, datetime], ...]
    full_day_seconds: int


_MEMO_DAYS = 20_000  # about fifty years of days; cleared rather than grown without bound


@dataclass(frozen=True)
class WorkingCalendar:
    """Office-hours versions (the one with the latest `effective_from` on or before a day
    applies; days before the first version use the first) and admin overrides, which win over
    weekends and national holidays."""

    office_hours: tuple[OfficeHours, ...] = (DEFAULT_OFFICE_HOURS,)
    overrides: tuple[DayOverride, ...] = ()
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _by_day: Mapping[date, DayOverride] = field(init=False, repr=False, compare=False)
    # Memo of office_day(); derived from the fields only, so the value stays immutable in
    # meaning. The deadline watch asks about the same few hundred days over and over.
    _days: dict[date, OfficeDay] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        versions = tuple(sorted(self.office_hours, key=lambda v: v.effective_from))
        if not versions:
            raise ValueError("Cần ít nhất một phiên bản giờ làm việc.")
        starts = tuple(v.effective_from for v in versions)
        if len(set(starts)) != len(starts):
            raise ValueError("Hai phiên bản giờ làm việc trùng ngày hiệu lực.")
        by_day: dict[date, DayOverride] = {}
        for override in self.overrides:
            if override.day in by_day:
                raise ValueError(f"Ngày {override.day:%d/%m/%Y} được khai báo hai lần.")
            by_day[override.day] = override
        object.__setattr__(self, "office_hours", versions)
        object.__setattr__(self, "overrides", tuple(sorted(self.overrides, key=lambda o: o.day)))
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_by_day", MappingProxyType(by_day))
        object.__setattr__(self, "_days", {})

    @classmethod
    def from_plain(
        cls,
        office_hours: Iterable[Mapping[str, Any]] = (),
        overrides: Iterable[Mapping[str, Any]] = (),
    ) -> WorkingCalendar:
        """Build from JSON-like rows (see `OfficeHours.from_plain`, `DayOverride.from_plain`);
        no office-hours rows means the default 07:30–11:30, 13:00–17:00."""
        versions = tuple(OfficeHours.from_plain(dict(row)) for row in office_hours)
        return cls(
            office_hours=versions or (DEFAULT_OFFICE_HOURS,),
            overrides=tuple(DayOverride.from_plain(dict(row)) for row in overrides),
        )

    def with_overrides(self, *extra: DayOverride) -> WorkingCalendar:
        return WorkingCalendar(office_hours=self.office_hours, overrides=self.overrides + extra)

    # --- days ---------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        override = self._by_day.get(day)
        if override is not None:
            return override.working
        national = year_days(day.year)
        if day in national.days_off:
            return False
        if day.weekday() in WEEKEND:
            return day in national.make_up_days
        return True

    def day_off_reason(self, day: date) -> str | None:
        """Why `day` is not worked, in Vietnamese; None for a working day."""
        override = self._by_day.get(day)
        if override is not None:
            return None if override.working else override.reason
        national = year_days(day.year)
        if day in national.days_off:
            return national.days_off[day]
        if day.weekday() in WEEKEND and day not in national.make_up_days:
            return WEEKEND_NAMES[day.weekday()]
        return None

    def make_up_reason(self, day: date) -> str | None:
        """Why a weekend day is worked, in Vietnamese; None otherwise."""
        override = self._by_day.get(day)
        if override is not None:
            return override.reason if override.working and day.weekday() in WEEKEND else None
        if day.weekday() in WEEKEND and day in year_days(day.year).make_up_days:
            return "Ngày làm bù theo quyết định hoán đổi ngày làm việc của Chính phủ"
        return None

    def next_working_day(self, day: date) -> date:
        """`day` itself if worked, else the first worked day after it."""
        for _ in range(MAX_WALK_DAYS):
            if self.is_working_day(day):
                return day
            day += ONE_DAY
        raise ValueError("Không tìm thấy ngày làm việc nào trong khoảng thời gian quá dài.")

    # --- hours --------------------------------------------------------------------------

    def office_hours_on(self, day: date) -> OfficeHours:
        index = bisect_right(self._starts, day) - 1
        return self.office_hours[max(index, 0)]

    def office_day(self, day: date) -> OfficeDay:
        """Open periods of `day` as local datetimes (empty on a day off) and the length of a
        full office day under the hours in force then, which one working day is worth."""
        known = self._days.get(day)
        if known is None:
            hours = self.office_hours_on(day)
            blocks = hours.blocks_on(day) if self.is_working_day(day) else ()
            known = OfficeDay(blocks, hours.day_seconds)
            if len(self._days) >= _MEMO_DAYS:
                self._days.clear()
            self._days[day] = known
        return known

    def office_blocks(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """Open periods of `day` as local datetimes; empty on a day off."""
        return self.office_day(day).blocks

    def closing_time(self, day: date) -> datetime:
        """When the offices close on `day` under the hours in force that day (the counter's
        hand-over deadline; calendar-day limits end at 24:00 instead, Civil Code art. 148)."""
        return self.office_hours_on(day).blocks_on(day)[-1][1]

    def is_office_time(self, moment: datetime) -> bool:
        """Open at `moment`; a block is [opening, closing): at 11:30 the office is closed."""
        moment = to_local(moment)
        return any(start <= moment < end for start, end in self.office_blocks(moment.date()))

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself if the office is open, else the next opening."""
        moment = to_local(moment)
        day = moment.date()
        for _ in range(MAX_WALK_DAYS):
            for start, end in self.office_blocks(day):
                if moment < end:
                    return max(start, moment)
            day += ONE_DAY
        raise ValueError("Không tìm thấy giờ làm việc nào trong khoảng thời gian quá dài.")


# Guards the day-by-day walks against absurd inputs (a 10,000-year time limit, a calendar an
# admin made all holidays): about fifty years.
MAX_WALK_DAYS = 366 * 50


DEFAULT_CALENDAR = WorkingCalendar()
