"""One rule for every spreadsheet export (XLSX, CSV): a cell never becomes a formula.

Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula
by Excel and LibreOffice when the file is opened ("CSV/formula injection"): an applicant
named `=HYPERLINK("http://…","Bấm vào")` or `=cmd|' /C calc'!A0` would act on the officer's
computer. Such text gets a leading apostrophe, which spreadsheets show as plain text
(OWASP's advice). Numbers, dates and booleans pass through untouched so sums and sorting
still work; so does a negative number given as a number.

Usage in every exporter: `sheet.append([safe_cell(v) for v in row])` or
`csv.writer(f).writerow(safe_row(row))`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Characters Excel rejects in cells (XML 1.0 forbids them); openpyxl raises on them.
_ILLEGAL = {c for c in range(32) if c not in (9, 10, 13)}


def safe_cell(value: Any) -> Any:
    """The value to write into a spreadsheet cell: typed values as they are, text defused."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime | time):
        return value
    text = str(value)
    if any(ord(c) in _ILLEGAL for c in text):
        text = "".join(c for c in text if ord(c) not in _ILLEGAL)
    # Full-width look-alikes (＝ ＋ － ＠) are converted to formulas by some spreadsheet
    # programs on input, so they are defused too.
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
