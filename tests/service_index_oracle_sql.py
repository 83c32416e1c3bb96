"""The few spellings the service-index oracle's SQL needs that differ by engine.

The oracle (tests/service_index_oracle*.py) stays plain SQL written from 766-index.md;
everything portable is written once (booleans as `NOT x` / `x`, TRUE/FALSE, the smaller
of two moments as CASE), and only these differ: days between two moments, typed literals
in VALUES lists, "every row true" and reading a key of a JSON column.
"""

from __future__ import annotations

from app.db import dialect


def _postgres() -> bool:
    return dialect() == "postgres"


def days(later: str, earlier: str) -> str:
    """Days (fractional) from `earlier` to `later`."""
    if _postgres():
        return (f"(CAST(EXTRACT(EPOCH FROM ({later}) - ({earlier})) AS DOUBLE PRECISION)"
                " / 86400)")
    return f"(julianday({later}) - julianday({earlier}))"


def moment(text: str | None) -> str:
    """A Timestamptz literal (Piccolo's UTC text) that VALUES rows keep typed."""
    if _postgres():
        return "CAST(NULL AS TIMESTAMPTZ)" if text is None else f"TIMESTAMPTZ '{text}'"
    return "NULL" if text is None else f"'{text}'"


def day(text: str | None) -> str:
    """A Date literal for VALUES rows."""
    if _postgres():
        return "CAST(NULL AS DATE)" if text is None else f"DATE '{text}'"
    return "NULL" if text is None else f"'{text}'"


def all_of(condition: str) -> str:
    """Aggregate: true when the condition holds on every row (NULLs ignored)."""
    return f"bool_and({condition})" if _postgres() else f"MIN({condition})"


def json_text(column: str, key: str) -> str:
    """The key's value as text, SQL NULL when missing or JSON null."""
    if _postgres():
        return f"(CAST({column} AS JSONB) ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def json_length(column: str, key: str | None = None) -> str:
    """Length of the JSON array (at `key`, or the column itself)."""
    if _postgres():
        value = f"CAST({column} AS JSONB)" + (f" -> '{key}'" if key else "")
        return f"jsonb_array_length({value})"
    return f"json_array_length({column}, '$.{key}')" if key else f"json_array_length({column})"
