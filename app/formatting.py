"""How numbers, money and times are shown: dd/mm/yyyy, 12.038.400 đ, Asia/Ho_Chi_Minh;
and the one "now" of the application (`now_utc`, see `app.clock` for tests' fixed clock)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app import clock

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_utc() -> datetime:
    return datetime.now(UTC) + clock.offset()


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """Legal forms write the time first: 14:05 13/02/2026."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def format_number(value: int | float | Decimal) -> str:
    """Vietnamese grouping: 12.038.400 (dots for thousands, comma for decimals)."""
    if isinstance(value, int) or (isinstance(value, Decimal | float) and value == int(value)):
        return f"{int(value):,}".replace(",", ".")
    whole, _, frac = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{frac}"


def format_money(value: int | Decimal) -> str:
    return f"{format_number(value)} đ"
