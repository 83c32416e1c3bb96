"""Spreadsheet cells that cannot run as formulas.

Names typed by applicants or officers end up in exported XLSX files; a text starting with
=, +, - or @ would be taken for a formula by Excel or LibreOffice (CSV/formula injection).
A leading apostrophe makes it plain text; numbers and dates pass unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
