"""The monthly report as files: XLSX (openpyxl, every text through `safe_cell`) and PDF
(one HTML template through WeasyPrint). Pure of the database: takes a built `Report`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.documents.cells import safe_cell
from app.documents.letterhead import Letterhead, dateline
from app.documents.pdf import html_to_pdf
from app.documents.sheet_print import letterhead_rows, print_setup
from app.formatting import format_datetime, format_number
from app.reports import logic
from app.reports.logic import COLUMNS, Period

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TOTAL_HEADERS = ("Tổng số tiếp nhận", "Tổng số đã giải quyết")
RECIPIENTS = ("UBND tỉnh (báo cáo)", "Lưu: VT")


@dataclass
class Report:
    period: Period
    province: str
    generated_at: datetime
    by_agency: list[dict] = field(default_factory=list)  # agency_name + counts
    by_procedure: list[dict] = field(default_factory=list)  # + procedure_code, _name
    totals: dict[str, int] = field(default_factory=dict)
    # Presentation (app.reports.issuer): who issues it, its number, who signs.
    head: Letterhead | None = None
    number: str = ""
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"

    @property
    def dated(self) -> str:
        place = self.head.place if self.head else self.province
        return dateline(place, self.generated_at)


def _numbers(counts: dict[str, int]) -> list[int]:
    return [logic.received_total(counts), logic.processed_total(counts),
            *(counts[key] for key, _ in COLUMNS)]


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    # Fixed document dates: the same period gives the same workbook properties.
    moment = datetime.combine(report.period.last_day, time(0))
    book.properties.created = book.properties.modified = moment
    book.properties.creator = "Một Cửa"
    sheets = (
        ("Theo cơ quan", ["STT", "Cơ quan"], report.by_agency,
         lambda row: [row["agency_name"]]),
        ("Theo thủ tục", ["STT", "Cơ quan", "Mã thủ tục", "Tên thủ tục"], report.by_procedure,
         lambda row: [row["agency_name"], row["procedure_code"], row["procedure_name"]]),
    )
    for index, (title, heads, rows, names) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        header = [*heads, *TOTAL_HEADERS, *(label for _, label in COLUMNS)]
        if report.head is not None:
            for values in letterhead_rows(report.head, report.number, report.dated,
                                          len(header)):
                sheet.append(values)
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
            sheet.append([])
        sheet.append([safe_cell("BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — "
                                f"{report.province.upper()}")])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
        sheet.append([safe_cell(report.period.label)])
        sheet.append([])
        sheet.append([safe_cell(h) for h in header])
        heading = sheet.max_row
        for cell in sheet[heading]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for number, row in enumerate(rows, start=1):
            sheet.append([number, *(safe_cell(n) for n in names(row)), *_numbers(row)])
        blanks = [""] * (len(heads) - 2)
        sheet.append(["", "Tổng cộng", *blanks, *_numbers(report.totals)])
        sheet.cell(sheet.max_row, 2).font = Font(bold=True)
        _signature_rows(sheet, report, len(header))
        sheet.freeze_panes = sheet.cell(heading + 1, len(heads) + 1)
        sheet.column_dimensions["B"].width = 40
        print_setup(sheet, heading_rows=f"{heading}:{heading}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _signature_rows(sheet, report: Report, width: int) -> None:
    """Under the table: where it goes on the left, who signs on the right."""
    from openpyxl.styles import Font

    sheet.append([])
    right = max(2, width // 2)
    lines = (("Nơi nhận:", report.signer_title, True),
             (f"- {RECIPIENTS[0]};", "(Ký, ghi rõ họ tên, đóng dấu)", False),
             (f"- {RECIPIENTS[1]}.", None, False))
    for left, signer, bold in lines:
        row: list = [None] * right
        row[0], row[right - 1] = left, signer
        sheet.append(row)
        if bold:
            sheet.cell(sheet.max_row, right).font = Font(bold=True)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    env.filters.update(number=format_number, datetime=format_datetime)
    return env


def to_html(report: Report) -> str:
    return _environment().get_template("reports/pdf.html").render(
        report=report, columns=COLUMNS, total_headers=TOTAL_HEADERS, numbers=_numbers,
        recipients=RECIPIENTS)


def to_pdf(report: Report) -> bytes:
    return html_to_pdf(to_html(report))
