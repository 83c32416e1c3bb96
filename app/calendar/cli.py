"""`python -m app deadline --start 2026-02-13T10:00 --amount 5 --unit working`.

Lets the IT team and the people checking a complaint recompute an appointment by hand. A start
without an offset is local time (that is how a receipt is written); the answer is ISO 8601
with +07:00 so scripts can read it. A calendar-day or month limit ends at 24:00 of its last
day, which ISO writes as the next midnight; a second line says it the Civil Code's way.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation

from app.calendar.deadlines import deadline
from app.calendar.logic import DEFAULT_CALENDAR, WorkingCalendar
from app.catalog.logic import TimeUnit
from app.formatting import LOCAL_TZ, format_datetime, is_end_of_day

UNIT_ALIASES = {
    "working": TimeUnit.WORKING_DAYS,
    "working_days": TimeUnit.WORKING_DAYS,
    "working-days": TimeUnit.WORKING_DAYS,
    "hours": TimeUnit.HOURS,
    "hour": TimeUnit.HOURS,
    "days": TimeUnit.CALENDAR_DAYS,
    "calendar": TimeUnit.CALENDAR_DAYS,
    "calendar_days": TimeUnit.CALENDAR_DAYS,
    "calendar-days": TimeUnit.CALENDAR_DAYS,
    "months": TimeUnit.MONTHS,
    "month": TimeUnit.MONTHS,
}

# Receipts print "10:00 13/02/2026" or "13/02/2026 10:00"; accept both besides ISO 8601.
_LOCAL_FORMATS = ("%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def parse_start(text: str) -> datetime:
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for pattern in _LOCAL_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(
                f"Thời điểm tiếp nhận không hợp lệ: {text!r} (ví dụ 2026-02-13T10:00)."
            ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TZ)


def parse_amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip().replace(",", "."))  # "0,5" is how Vietnamese write 0.5
    except InvalidOperation:
        raise ValueError(f"Thời hạn không hợp lệ: {text!r} (ví dụ 5 hoặc 0,5).") from None
    if not amount.is_finite():
        raise ValueError(f"Thời hạn không hợp lệ: {text!r} (ví dụ 5 hoặc 0,5).")
    if amount < 0:
        raise ValueError("Thời hạn không được âm.")
    return amount


def parse_unit(text: str) -> TimeUnit:
    unit = UNIT_ALIASES.get(text.strip().lower())
    if unit is None:
        raise ValueError(
            f"Đơn vị thời hạn không hợp lệ: {text!r}; dùng working, hours, days hoặc months."
        )
    return unit


def deadline_command(
    start: str, amount: str, unit: str, *, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> str:
    """The deadline as ISO 8601 with the +07:00 offset; ValueError (Vietnamese) on bad input."""
    due = deadline(
        parse_start(start), parse_amount(amount), parse_unit(unit), calendar=calendar
    )
    return due.isoformat()


def cmd_deadline(args: argparse.Namespace) -> int:
    try:
        moment = deadline_command(args.start, args.amount, args.unit)
    except ValueError as exc:
        print(f"Không tính được thời hạn: {exc}", file=sys.stderr)
        return 2
    print(moment)
    due = datetime.fromisoformat(moment)
    if is_end_of_day(due):  # "…T00:00" of the next day reads wrong to a person
        print(f"{format_datetime(due)} (hết ngày cuối cùng của thời hạn)")
    return 0


def add_deadline_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "deadline", help="compute a deadline on the working calendar (national holidays only)"
    )
    parser.add_argument("--start", required=True,
                        help="reception time, e.g. 2026-02-13T10:00 (local time if no offset)")
    parser.add_argument("--amount", required=True, help="time limit, e.g. 5 or 0.5")
    parser.add_argument("--unit", required=True, metavar="UNIT",
                        help="working | hours | days (calendar) | months")
    parser.set_defaults(func=cmd_deadline)
    return parser
