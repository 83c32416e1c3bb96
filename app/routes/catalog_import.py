"""Importing the national procedure database's spreadsheet from the admin page (the same
service as `python -m app catalog import`), its template and the catalogue export."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.catalog_io import service, workbook
from app.documents.sheets import MAX_BYTES
from app.web.auth import requires_roles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(content: bytes, name: str) -> Response:
    return Response(content, media_type=XLSX,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


class CatalogImportController(Controller):
    path = "/quan-tri/thu-tuc"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN)]

    @get("/nhap", name="catalog_import.page")
    async def page(self) -> Template:
        return Template("catalog_admin/import.html", context={"report": None, "error": ""})

    @post("/nhap", name="catalog_import.run", request_max_body_size=MAX_BYTES + 64 * 1024)
    async def run(self, request: Request) -> Template:
        form = await request.form()
        upload = form.get("file")
        dry_run = form.get("action") != "import"
        if not isinstance(upload, UploadFile) or not upload.filename:
            return Template("catalog_admin/import.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"report": None,
                                     "error": "Chọn tệp bảng tính (.xlsx) để nhập."})
        report = await service.import_workbook(await upload.read(), dry_run=dry_run,
                                               actor_id=request.user.id)
        return Template("catalog_admin/import.html", context={
            "report": report, "error": "", "filename": upload.filename},
            status_code=HTTP_400_BAD_REQUEST if report.problems else 200)

    @get("/mau-nhap.xlsx", name="catalog_import.template")
    async def template(self) -> Response:
        return xlsx(workbook.template(), "mau-nhap-thu-tuc.xlsx")

    @get("/xuat.xlsx", name="catalog_import.export")
    async def export(self) -> Response:
        return xlsx(await workbook.export(), "danh-muc-thu-tuc.xlsx")
