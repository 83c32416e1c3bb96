"""Spreadsheets the back office imports and exports (catalogue, units, agencies).

Reading turns an uploaded .xlsx into plain rows (sheet name → list of tuples of cell
values), refusing what is not a workbook, too large, or has too many rows, with a Vietnamese
message; writing builds a workbook whose every cell goes through `cells.safe_cell`, so an
exported name never becomes a formula. The rules that read the rows are pure and live with
their domain (`app.catalog_io.logic`, `app.directory.logic`); they report `Problem`s by
sheet, row and column.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from app.documents.cells import FORMULA_TRIGGERS, safe_cell
from app.text import fold

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # the largest province publishes ~2,000 procedures; components ~10 each
MAX_COLUMNS = 40
# Unzipped size: an .xlsx compresses text ~10×; far beyond that is a zip bomb.
MAX_UNZIPPED = 200 * 1024 * 1024


class WorkbookError(ValueError):
    """The upload cannot be read as a workbook (message in Vietnamese)."""


@dataclass(frozen=True, order=True)
class Problem:
    sheet: str
    row: int  # as Excel numbers it (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Trang '{self.sheet}'"
        if self.row:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột '{self.column}'"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True


@dataclass
class ImportReport:
    """What an import did or would do, by code, and every problem. `written` only when a
    real run found no problem (an import is all or nothing)."""

    dry_run: bool
    added: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        counts = (f"thêm mới {len(self.added)}, sửa đổi {len(self.amended)}, "
                  f"không đổi {len(self.unchanged)}, bị từ chối {self.refused}")
        if self.written:
            return f"Đã nhập: {counts}."
        if self.problems:
            return f"Chưa ghi gì vào hệ thống vì có {len(self.problems)} lỗi ({counts})."
        return f"Kiểm tra xong, chưa ghi gì (nhập thử): {counts}."

    def lines(self) -> list[str]:
        return [self.summary(), *(str(p) for p in self.problems),
                *(f"Lưu ý: {note}" for note in self.notes)]


def read_workbook(data: bytes) -> dict[str, list[tuple]]:
    """Sheet title → rows of cell values (header first), blank trailing rows dropped."""
    if len(data) > MAX_BYTES:
        raise WorkbookError("Tệp quá lớn: tối đa 10 MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise WorkbookError("Tệp bảng tính giải nén quá lớn, hệ thống không nhận.")
    except zipfile.BadZipFile:
        raise WorkbookError("Tệp không phải bảng tính Excel (.xlsx). Hãy lưu lại dưới dạng "
                            "Excel Workbook (.xlsx) rồi tải lên.") from None
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError("Không đọc được tệp bảng tính: tệp bị hỏng hoặc không đúng "
                            "định dạng .xlsx.") from None
    sheets: dict[str, list[tuple]] = {}
    try:
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                if len(rows) > MAX_ROWS:
                    raise WorkbookError(f"Trang '{sheet.title}' có quá {MAX_ROWS} dòng.")
                rows.append(tuple(row))
            while rows and all(is_blank(v) for v in rows[-1]):
                rows.pop()
            sheets[sheet.title] = rows
    finally:
        book.close()
    return sheets


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_map(sheet: str, header: tuple, columns: list[Column]
               ) -> tuple[dict[str, int], list[Problem]]:
    """Column key → index, matched on the header text without diacritics or case; a
    required column missing is a problem on row 1."""
    found = {fold(str(value)): index for index, value in enumerate(header)
             if not is_blank(value)}
    mapping, problems = {}, []
    for column in columns:
        index = found.get(fold(column.header))
        if index is not None:
            mapping[column.key] = index
        elif column.required:
            problems.append(Problem(sheet, 1, column.header, "thiếu cột này ở dòng tiêu đề."))
    return mapping, problems


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious ".0", dates as dd/mm/yyyy, and the
    apostrophe `safe_cell` put before a formula-like text taken off again (so an exported
    name reads back as it was stored)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def cell_day(value) -> date | None | str:
    """A date cell (an Excel date or dd/mm/yyyy text): the date, None when blank, or the
    text when it is not a date (the caller reports it)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return text


def write_workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """An .xlsx with one sheet per (title, headers, rows); text cells are made safe."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.properties.creator = "Một Cửa"
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append([safe_cell(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, datetime | date):
                    cell.number_format = "DD/MM/YYYY"
        for number, header in enumerate(headers, start=1):
            sheet.column_dimensions[sheet.cell(1, number).column_letter].width = max(
                12, min(60, len(header) + 4))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
