"""How numbers, money and times are shown: dd/mm/yyyy, 12.038.400 đ, Asia/Ho_Chi_Minh;
and the one "now" of the application (`now_utc`, see `app.clock` for tests' fixed clock)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from app import clock

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_utc() -> datetime:
    return datetime.now(UTC) + clock.offset()


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ)


def is_end_of_day(moment: datetime) -> bool:
    """Exactly a local midnight: how 24:00 of the day before is stored (Civil Code art. 148:
    a limit in days ends at 24:00 of its last day)."""
    return _at_midnight(to_local(moment))


def _at_midnight(local: datetime) -> bool:
    return not (local.hour or local.minute or local.second or local.microsecond)


# Dates and times are written field by field rather than through strftime: the same text
# (strftime's %Y is not padded either) at half the cost, and the lookup's timeline
# writes one per event (issue #21; tests/test_formatting_fast.py compares the two).
def format_date(value: date | datetime | None) -> str:
    """A moment at exactly local midnight is 24:00 of the day before, so it shows that day:
    a deadline ending at 24:00 on 23/02 is "23/02", not "24/02"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
        if _at_midnight(value):
            value -= timedelta(days=1)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def format_datetime(value: datetime | None) -> str:
    """Legal forms write the time first: 14:05 13/02/2026; an exact local midnight is
    written as 24:00 of the day before (Civil Code art. 148(6))."""
    if value is None:
        return ""
    local = to_local(value)
    if _at_midnight(local):
        local -= timedelta(days=1)
        return f"24:00 {local.day:02d}/{local.month:02d}/{local.year}"
    return f"{local.hour:02d}:{local.minute:02d} {local.day:02d}/{local.month:02d}/{local.year}"


def format_number(value: int | float | Decimal) -> str:
    """Vietnamese grouping: 12.038.400 (dots for thousands, comma for decimals)."""
    if isinstance(value, int) or (isinstance(value, Decimal | float) and value == int(value)):
        return f"{int(value):,}".replace(",", ".")
    whole, _, frac = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{frac}"


def format_money(value: int | Decimal) -> str:
    return f"{format_number(value)} đ"


def code_breaks(code: str | None) -> Markup:
    """A dossier (or feedback) code that may wrap only after its dashes, never inside a
    number: "000.00.17.H55-<wbr>260213-<wbr>0007". Copying it gives the code unchanged.
    (The template filter `code`, and the lookup page drawn in Python.)"""
    return Markup(f'<span class="code-text">{str(escape(code or "")).replace("-", "-<wbr>")}'
                  "</span>")
