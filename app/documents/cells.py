"""Spreadsheet cells that cannot run: neutralising formula injection in exports.

A text starting with = + - @ (or a tab / carriage return, which some spreadsheet programs
strip before looking) would be read as a formula when an officer opens the export, so an
applicant's name like "=HYPERLINK(...)" becomes a link or worse. A leading apostrophe makes
the program show it as plain text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write into a cell: text that could start a formula gets an apostrophe;
    numbers, dates and empty values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
