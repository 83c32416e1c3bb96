"""The monthly report as files: XLSX (openpyxl, every text through `safe_cell`) and PDF
(one HTML template through WeasyPrint). Pure of the database: takes a built `Report`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.documents.cells import safe_cell
from app.documents.pdf import html_to_pdf
from app.formatting import format_datetime, format_number
from app.reports import logic
from app.reports.logic import COLUMNS, Period

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TOTAL_HEADERS = ("Tổng số tiếp nhận", "Tổng số đã giải quyết")


@dataclass
class Report:
    period: Period
    province: str
    generated_at: datetime
    by_agency: list[dict] = field(default_factory=list)  # agency_name + counts
    by_procedure: list[dict] = field(default_factory=list)  # + procedure_code, _name
    totals: dict[str, int] = field(default_factory=dict)


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
        sheet.append([safe_cell(f"Báo cáo tình hình giải quyết TTHC — {report.province}")])
        sheet.append([safe_cell(report.period.label)])
        sheet.append([])
        header = [*heads, *TOTAL_HEADERS, *(label for _, label in COLUMNS)]
        sheet.append([safe_cell(h) for h in header])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for number, row in enumerate(rows, start=1):
            sheet.append([number, *(safe_cell(n) for n in names(row)), *_numbers(row)])
        blanks = [""] * (len(heads) - 2)
        sheet.append(["", "Tổng cộng", *blanks, *_numbers(report.totals)])
        sheet.cell(sheet.max_row, 2).font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(5, len(heads) + 1)
        sheet.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    env.filters.update(number=format_number, datetime=format_datetime)
    return env


def to_html(report: Report) -> str:
    return _environment().get_template("reports/pdf.html").render(
        report=report, columns=COLUMNS, total_headers=TOTAL_HEADERS, numbers=_numbers)


def to_pdf(report: Report) -> bytes:
    return html_to_pdf(to_html(report))
