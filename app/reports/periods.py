"""Reporting periods: month, quarter, 6 months, 9 months, year. Pure: no I/O.

Two calendars of periods share one value type:
- **reporting periods** of Nghị định 09/2019/NĐ-CP, art. 12 (the TTHC report): a period ends
  on the day before the cut-off (the 14th by default) of its last month and starts on the
  cut-off day of the month before its first month — month M: 15/(M−1) → 14/M; quarter I:
  15/12 of the year before → 14/03; 6 months: 15/12 → 14/06 (second half 15/06 → 14/12);
  9 months: 15/12 → 14/09; year: 15/12 → 14/12. The cut-off is configuration (1–28).
- **calendar periods** (`cutoff_day=None`): whole calendar months, quarters, halves, the
  first nine months, the year — what the service index (QĐ 766) is published for.

A period is named by its kind, its year and its last month (quarter II ends in month 6, the
9 months in month 9, the year in month 12), which is also how exports are stored. Days are
local (Asia/Ho_Chi_Minh); `start_at`/`end_at` are the UTC moments of local midnights, the end
exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from app.formatting import LOCAL_TZ


class PeriodError(ValueError):
    """A period or cut-off that does not exist (shown to the user as it is)."""


class Kind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    NINE_MONTHS = "nine_months"
    YEAR = "year"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def span(self) -> int:
        """Months in the period."""
        return {Kind.MONTH: 1, Kind.QUARTER: 3, Kind.HALF: 6, Kind.NINE_MONTHS: 9,
                Kind.YEAR: 12}[self]

    @property
    def last_months(self) -> tuple[int, ...]:
        """The months a period of this kind can end in (9 months: only September)."""
        if self is Kind.NINE_MONTHS:
            return (9,)
        return tuple(range(self.span, 13, self.span))


KIND_LABELS = {Kind.MONTH: "Tháng", Kind.QUARTER: "Quý", Kind.HALF: "6 tháng",
               Kind.NINE_MONTHS: "9 tháng", Kind.YEAR: "Năm"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def check_cutoff(cutoff_day: int) -> int:
    if not 1 <= cutoff_day <= 28:
        raise PeriodError("Ngày chốt số liệu phải từ 1 đến 28.")
    return cutoff_day


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """first_day … last_day inclusive (local); `month` is the period's last month."""

    year: int
    month: int
    first_day: date
    last_day: date
    kind: Kind = Kind.MONTH

    @property
    def start_at(self) -> datetime:
        return _local_midnight(self.first_day)

    @property
    def end_at(self) -> datetime:
        """Exclusive: local midnight after the last day."""
        return _local_midnight(self.last_day + timedelta(days=1))

    @property
    def name(self) -> str:
        """"Tháng 3/2026", "Quý I/2026", "6 tháng đầu năm 2026", "9 tháng năm 2026"…"""
        if self.kind is Kind.MONTH:
            return f"Tháng {self.month}/{self.year}"
        if self.kind is Kind.QUARTER:
            return f"Quý {ROMAN[self.month // 3]}/{self.year}"
        if self.kind is Kind.HALF:
            return f"6 tháng {'đầu' if self.month == 6 else 'cuối'} năm {self.year}"
        if self.kind is Kind.NINE_MONTHS:
            return f"9 tháng năm {self.year}"
        return f"Năm {self.year}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y})"

    @property
    def slug(self) -> str:
        """For URLs and forms: 2026-03, 2026-q1, 2026-h2, 2026-9t, 2026."""
        if self.kind is Kind.MONTH:
            return f"{self.year}-{self.month:02d}"
        if self.kind is Kind.QUARTER:
            return f"{self.year}-q{self.month // 3}"
        if self.kind is Kind.HALF:
            return f"{self.year}-h{self.month // 6}"
        if self.kind is Kind.NINE_MONTHS:
            return f"{self.year}-9t"
        return f"{self.year}"


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def make_period(kind: Kind | str, year: int, last_month: int,
                cutoff_day: int | None = None) -> Period:
    """The period of `kind` ending in `last_month` of `year`: a reporting period with that
    cut-off day, or a calendar period when `cutoff_day` is None."""
    try:
        kind = Kind(kind)
    except ValueError:
        raise PeriodError("Loại kỳ báo cáo không hợp lệ.") from None
    if not 2000 <= year <= 2100 or last_month not in kind.last_months:
        raise PeriodError("Tháng hoặc năm báo cáo không hợp lệ.")
    first_year, first_month = _shift(year, last_month, 1 - kind.span)
    if cutoff_day is None:
        after_year, after_month = _shift(year, last_month, 1)
        first = date(first_year, first_month, 1)
        last = date(after_year, after_month, 1) - timedelta(days=1)
    else:
        check_cutoff(cutoff_day)
        first = date(*_shift(first_year, first_month, -1), cutoff_day)
        last = date(year, last_month, cutoff_day) - timedelta(days=1)
    return Period(year, last_month, first, last, kind)


def monthly_period(year: int, month: int, cutoff_day: int = 15) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError("Tháng hoặc năm báo cáo không hợp lệ.")
    return make_period(Kind.MONTH, year, month, cutoff_day)


def parse_slug(slug: str, cutoff_day: int | None = None) -> Period:
    """The period a slug names (see `Period.slug`); PeriodError in Vietnamese otherwise."""
    year, _, rest = slug.strip().lower().partition("-")
    if not (len(year) == 4 and year.isdigit()):
        raise PeriodError("Chọn kỳ theo dạng năm-tháng, ví dụ 2026-03 (quý: 2026-q1).")
    if not rest:
        return make_period(Kind.YEAR, int(year), 12, cutoff_day)
    if rest == "9t":
        return make_period(Kind.NINE_MONTHS, int(year), 9, cutoff_day)
    kinds = {"q": Kind.QUARTER, "h": Kind.HALF}
    kind = kinds.get(rest[0], Kind.MONTH)
    number = rest[1:] if kind is not Kind.MONTH else rest
    if not (number.isdigit() and len(number) <= 2):
        raise PeriodError("Chọn kỳ theo dạng năm-tháng, ví dụ 2026-03 (quý: 2026-q1).")
    return make_period(kind, int(year), int(number) * kind.span, cutoff_day)


def periods_ending_before(kind: Kind, day: date, count: int,
                          cutoff_day: int | None = None) -> list[Period]:
    """The `count` latest periods of `kind` whose last day is before `day`, newest first."""
    out: list[Period] = []
    year = min(day.year + 1, 2100)
    while len(out) < count and year >= 2000:
        for month in reversed(kind.last_months):
            period = make_period(kind, year, month, cutoff_day)
            if period.last_day < day and len(out) < count:
                out.append(period)
        year -= 1
    return out


def started_periods(kind: Kind, day: date, count: int,
                    cutoff_day: int | None = None) -> list[Period]:
    """The `count` latest periods of `kind` that have begun by `day` (the current one
    first, still running), newest first: what a live figure can be asked for."""
    ahead = periods_ending_before(kind, date(min(day.year + 2, 2100), 1, 1), count + 24,
                                  cutoff_day)
    return [p for p in ahead if p.first_day <= day][:count]


def period_containing(day: date, cutoff_day: int = 15, kind: Kind = Kind.MONTH) -> Period:
    """The reporting period of `kind` a local day falls in (for 9 months, the one of the
    day's reporting year, which a day after 14/09 no longer falls in)."""
    later = periods_ending_before(kind, day + timedelta(days=400), 30, cutoff_day)
    found = [p for p in later if p.first_day <= day <= p.last_day]
    if not found:
        raise PeriodError("Ngày này không thuộc kỳ báo cáo nào của loại đã chọn.")
    return found[0]


def last_closed_period(today: date, cutoff_day: int = 15, kind: Kind = Kind.MONTH) -> Period:
    """The latest period whose last day is before `today` (what the cut-off task exports)."""
    return periods_ending_before(kind, today, 1, cutoff_day)[0]
