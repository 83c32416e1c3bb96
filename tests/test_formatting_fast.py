"""`format_date` and `format_datetime` write dates field by field for speed (issue #21):
the text is what the straightforward strftime formatting below writes, for every moment
(aware in any zone, naive as UTC, local midnights, the days around Tết and year ends)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from app.formatting import LOCAL_TZ, format_date, format_datetime, is_end_of_day


def strftime_datetime(value: datetime | None) -> str:
    """The formatting as it was written before: strftime on the local moment."""
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TZ)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return (local - timedelta(days=1)).strftime("24:00 %d/%m/%Y")
    return local.strftime("%H:%M %d/%m/%Y")


def strftime_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TZ)
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            value -= timedelta(days=1)
    return value.strftime("%d/%m/%Y")


ZONES = st.sampled_from([UTC, LOCAL_TZ, timezone(timedelta(hours=-5)),
                         timezone(timedelta(hours=9, minutes=30)), None])
MOMENTS = st.builds(lambda moment, zone: moment.replace(tzinfo=zone),
                    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 30)),
                    ZONES)


@given(MOMENTS)
def test_datetimes_read_as_strftime_writes_them(moment):
    assert format_datetime(moment) == strftime_datetime(moment)
    assert format_date(moment) == strftime_date(moment)


@given(st.dates(min_value=date(1, 1, 1)))
def test_plain_dates_read_as_strftime_writes_them(day):
    assert format_date(day) == strftime_date(day)


def test_local_midnight_is_24_00_of_the_day_before():
    midnight = datetime(2026, 1, 1, tzinfo=LOCAL_TZ)  # 17:00 UTC on 31/12/2025
    assert is_end_of_day(midnight) and is_end_of_day(midnight.astimezone(UTC))
    assert format_datetime(midnight) == "24:00 31/12/2025" == strftime_datetime(midnight)
    assert format_date(midnight) == "31/12/2025"
    later = midnight + timedelta(microseconds=1)
    assert not is_end_of_day(later)
    assert format_datetime(later) == "00:00 01/01/2026"
    assert format_datetime(datetime(2026, 2, 13, 7, 5)) == "14:05 13/02/2026"  # naive: UTC
    assert format_datetime(datetime(999, 3, 4, 1, 2, tzinfo=LOCAL_TZ)) == "01:02 04/03/999"
    assert format_datetime(None) == format_date(None) == ""
