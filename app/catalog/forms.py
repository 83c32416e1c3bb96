"""Downloadable form templates (mẫu đơn, tờ khai) of procedure components.

A component names its form (`form_template`). Its file is the official one an agency
stored, or, until then, a blank form generated once from the form's name and kept in
the file store like any other file (later downloads read it from there).
"""

from __future__ import annotations

import asyncio
import html
import re

from app.catalog.tables import FormTemplate, ProcedureComponent
from app.db import write_transaction
from app.documents.pdf import html_to_pdf
from app.files import store
from app.text import fold

_BLANK_FORM = """<!doctype html><meta charset="utf-8"><style>
body{{font-family:"DejaVu Sans",sans-serif;font-size:12pt;margin:2cm}}h1{{font-size:14pt;
text-align:center}}p.l{{border-bottom:1px dotted #000;height:1.4em;margin:0 0 .6em}}
.c{{text-align:center}}</style>
<p class="c"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>
<h1>{title}</h1><p class="c">({form})</p>
<p>Kính gửi: {agency}</p>
<p>Họ và tên người yêu cầu:</p><p class="l"></p><p>Số định danh cá nhân (CCCD):</p>
<p class="l"></p><p>Địa chỉ liên hệ, số điện thoại:</p><p class="l"></p>
<p>Nội dung yêu cầu:</p><p class="l"></p><p class="l"></p><p class="l"></p>
<p style="text-align:right">......, ngày ... tháng ... năm ......<br><b>Người yêu cầu</b><br>
(Ký, ghi rõ họ tên)</p>"""


def download_name(form_name: str) -> str:
    """An ASCII file name from the form's name: "Mẫu số 03/2013/TT-LLTP" ->
    "mau-so-03-2013-tt-lltp.pdf"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(form_name)).strip("-")[:80]
    return f"{slug or 'mau-don'}.pdf"


async def component_with_form(procedure_id: int, component_id: int) -> dict | None:
    return await ProcedureComponent.select(
        ProcedureComponent.id, ProcedureComponent.name, ProcedureComponent.form_template,
        ProcedureComponent.procedure.agency.name.as_alias("agency_name"),
    ).where((ProcedureComponent.id == component_id)
            & (ProcedureComponent.procedure == procedure_id)
            & (ProcedureComponent.form_template != "")).first()


async def template_file(component: dict) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of the component's form."""
    row = await FormTemplate.select(
        FormTemplate.filename, FormTemplate.file.sha256.as_alias("sha256"),
        FormTemplate.file.content_type.as_alias("content_type"),
    ).where(FormTemplate.component == component["id"]).first()
    if row is not None:
        return store.read(row["sha256"]), row["content_type"], row["filename"]
    page = _BLANK_FORM.format(title=html.escape(component["name"]),
                              form=html.escape(component["form_template"]),
                              agency=html.escape(component["agency_name"]))
    pdf = await asyncio.to_thread(html_to_pdf, page)  # seconds on first use: off the loop
    stored = await store.store(pdf, "application/pdf")
    name = download_name(component["form_template"])
    async with write_transaction():
        if not await FormTemplate.exists().where(FormTemplate.component == component["id"]):
            await FormTemplate(component=component["id"], file=stored.id, filename=name,
                               generated=True).save()
    return pdf, "application/pdf", name


# The official forms agencies upload: PDF, Word 97–2003 (.doc, OLE) or Word (.docx, zip).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Macro storages inside a .doc, as UTF-16 names in its directory (a heuristic, like the PDF
# check: the officer's Word still opens downloads in protected view).
_DOC_MACROS = ("Macros".encode("utf-16-le"), "_VBA_PROJECT".encode("utf-16-le"))
MAX_FORM_BYTES = 5 * 1024 * 1024


def official_form(content: bytes, filename: str) -> tuple[str | None, str, str]:
    """(problem in Vietnamese or None, content type, download name) of an uploaded form."""
    import io
    import zipfile

    from app.files.inspect import pdf_problem

    stem = re.sub(r"[^a-z0-9]+", "-", fold(filename.rsplit(".", 1)[0])).strip("-")[:80]
    if not content:
        return "Tệp rỗng. Vui lòng chọn lại tệp.", "", ""
    if len(content) > MAX_FORM_BYTES:
        return "Tệp mẫu đơn tối đa 5 MB.", "", ""
    if content.startswith(b"%PDF-"):
        return pdf_problem(content), "application/pdf", f"{stem or 'mau-don'}.pdf"
    if content.startswith(_OLE):
        if any(marker in content for marker in _DOC_MACROS):
            return "Tệp Word có macro, hệ thống không nhận; lưu lại không có macro.", "", ""
        return None, "application/msword", f"{stem or 'mau-don'}.doc"
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "word/document.xml" in names and not any("vbaProject" in n for n in names):
            return (None, "application/vnd.openxmlformats-officedocument."
                          "wordprocessingml.document", f"{stem or 'mau-don'}.docx")
    return "Chỉ nhận mẫu đơn dạng PDF, Word (.doc, .docx) không có macro.", "", ""
