"""What every printable spreadsheet shares: real dates, A4 print setup, the letterhead.

Dates and times are written as spreadsheet dates (local time, Excel has no time zones)
with a dd/mm/yyyy hh:mm format, so they sort and filter; the page is A4, landscape, as
wide as one page, with the column headings repeated on each printed page. The letterhead
rows follow Nghị định 30/2020 as far as a grid can: the agency in the first columns, the
national title in the last ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.documents.cells import safe_cell
from app.documents.letterhead import MOTTO, NATIONAL_TITLE, Letterhead
from app.formatting import to_local

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
A4 = 9  # the paper size code of the spreadsheet formats


def local_moment(moment: datetime | None) -> datetime | None:
    """A stored UTC moment as the local wall-clock time a spreadsheet shows."""
    return to_local(moment).replace(tzinfo=None) if moment is not None else None


def print_setup(sheet: Any, *, heading_rows: str, landscape: bool = True) -> None:
    """A4, one page wide (as many pages long as needed), headings on every page."""
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = heading_rows
    sheet.print_options.horizontalCentered = True


def letterhead_rows(head: Letterhead, number: str, dated: str, width: int) -> list[list]:
    """Rows of values: the agency on the left, the national title from the middle column
    (text overflows to the right in an empty row, so nothing is merged or cut)."""
    right = max(2, width // 2)
    left = [head.parent_line, *head.agency_lines, f"Số: {number}" if number else ""]
    middle = [NATIONAL_TITLE, MOTTO, dated]
    rows = []
    for index in range(max(len(left), len(middle))):
        row: list[Any] = [None] * right
        row[0] = safe_cell(left[index]) if index < len(left) and left[index] else None
        row[right - 1] = safe_cell(middle[index]) if index < len(middle) else None
        rows.append(row)
    return rows
