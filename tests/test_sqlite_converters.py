"""The SQLite column readers of app/db give what Piccolo's converters give
(or raise what they raise) for any text SQLite may hold, and are the ones in use."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st
from piccolo.engine import sqlite as piccolo_sqlite

from app import db

PICCOLO = {"INTEGER": piccolo_sqlite.convert_int_out,
           "TIMESTAMPTZ": piccolo_sqlite.convert_timestamptz_out,
           "DATE": piccolo_sqlite.convert_date_out,
           "BOOLEAN": piccolo_sqlite.convert_boolean_out}


def outcome(converter, value: bytes):
    try:
        result = converter(value)
    except Exception as error:  # noqa: BLE001 - the kind of failure is what we compare
        return ("raises", type(error))
    return (type(result), result, getattr(result, "tzinfo", None))


# What each type's column may hold: its normal text, and what SQLite's loose typing lets in.
stored = st.one_of(
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.datetimes().map(str), st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(str),
    st.sampled_from(["0", "1", "true", " 12 ", "1_000", "+7", "-0", "1e3", "0x10", "١٢",
                     "", "hello", "2026-12-05 10:11:12+07:00"]),
    st.text(max_size=12),
).map(lambda text: text.encode("utf8"))


@given(value=st.one_of(stored, st.binary(max_size=8)))
def test_each_reader_gives_what_piccolos_gives(value):
    for declared_type, converter in db.COLUMN_READERS.items():
        assert outcome(converter, value) == outcome(PICCOLO[declared_type], value), \
            (declared_type, value)


def test_queries_read_through_the_faster_readers(tmp_path):
    db.register_column_readers()  # as app.db does when imported
    conn = sqlite3.connect(tmp_path / "x.db", detect_types=sqlite3.PARSE_DECLTYPES)
    conn.execute("CREATE TABLE t (n INTEGER, at TIMESTAMPTZ, day DATE, yes BOOLEAN)")
    conn.execute("INSERT INTO t VALUES (42, '2026-12-05 10:11:12', '2026-12-05', 1)")
    row = conn.execute("SELECT n, at, day, yes FROM t").fetchone()
    conn.close()
    assert row == (42, PICCOLO["TIMESTAMPTZ"](b"2026-12-05 10:11:12"),
                   PICCOLO["DATE"](b"2026-12-05"), True)
    for declared_type, converter in db.COLUMN_READERS.items():
        assert sqlite3.converters[declared_type] is converter
