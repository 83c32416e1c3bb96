"""Hand-over (nộp lưu): asking for an agency's package for a year or a period, following
its build (the status fragment polls itself while the worker builds), downloading its
indexes and record, and the archivist's confirmation."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Stream, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.archive import logic, package_files, queries, storage
from app.archive import package as packages
from app.archive.logic import PackageStatus
from app.db import run_in_thread
from app.files.backends import FileMissing
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_day, read_form

DOWNLOADS = {
    package_files.INDEX_XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    package_files.INDEX_PDF: "application/pdf",
    package_files.RECORD_PDF: "application/pdf",
    package_files.DESCRIPTION_JSON: "application/json",
}


async def _list_page(request: Request, errors: FormErrors | None = None,
                     values: dict | None = None) -> Template:
    return Template("archive/packages.html", status_code=HTTP_400_BAD_REQUEST if errors else 200,
                    context={"packages": await queries.packages(request.user),
                             "agencies": await queries.agencies(request.user),
                             "can_request": request.user.role in logic.PACKAGERS,
                             "errors": errors or FormErrors(), "values": values or {},
                             "labels": {s.value: s.label for s in PackageStatus}})


class PackageController(Controller):
    path = "/luu-tru/nop-luu"
    guards = [requires_roles(*logic.READERS)]

    @get("/", name="archive.packages")
    async def index(self, request: Request) -> Template:
        return await _list_page(request)

    @post("/", name="archive.package_request", guards=[requires_roles(*logic.PACKAGERS)])
    async def request_package(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors = FormErrors()
        agency_id = int(data["co_quan"]) if data.get("co_quan", "").isdigit() else None
        if agency_id is None:
            errors.add("co_quan", "Chọn cơ quan nộp lưu.")
        start = read_day(data.get("tu_ngay", ""), errors, "tu_ngay", None)
        end = read_day(data.get("den_ngay", ""), errors, "den_ngay", None)
        if not errors:
            try:
                first, last = logic.hand_over_period(data.get("nam", ""), start, end)
                package_id = await packages.request_package(request.user, agency_id, first, last)
            except (logic.PeriodError, packages.PackageError) as exc:
                errors.add("nam", str(exc))
        if errors:
            return await _list_page(request, errors, data)
        return Redirect(request.app.route_reverse("archive.package", package_id=package_id),
                        status_code=303)

    @get("/{package_id:int}", name="archive.package")
    async def detail(self, request: HTMXRequest, package_id: FromPath[int]) -> Template:
        row = await _package(request, package_id)
        context = {"p": row, "label": PackageStatus(row["status"]).label,
                   "can_confirm": (request.user.role in logic.RECEIVERS
                                   and row["status"] == PackageStatus.BUILT.value),
                   "downloads": list(DOWNLOADS), "error": "",
                   "folder": storage.package_where(row["code"])}
        if request.htmx:  # the status fragment polls itself while the worker builds
            return Template("archive/_package_status.html", context=context)
        return Template("archive/package.html", context=context)

    @get("/{package_id:int}/tep/{filename:str}", name="archive.package_file")
    async def download(self, request: Request, package_id: FromPath[int],
                       filename: FromPath[str]) -> Response:
        row = await _package(request, package_id)
        if filename not in DOWNLOADS:
            raise NotFoundException("Gói chưa có tệp này.")
        try:
            data = await run_in_thread(lambda: storage.package_file(row["code"],
                                                                    f"data/{filename}"))
        except FileMissing:
            raise NotFoundException("Gói chưa có tệp này.") from None
        return Response(data, media_type=DOWNLOADS[filename], headers={
            "Content-Disposition": f'attachment; filename="{row["code"]}-{filename}"'})

    @get("/{package_id:int}/goi.zip", name="archive.package_zip")
    async def download_bag(self, request: Request, package_id: FromPath[int]) -> Stream:
        row = await _package(request, package_id)
        if row["status"] not in (PackageStatus.BUILT.value, PackageStatus.CONFIRMED.value):
            raise NotFoundException("Gói chưa lập xong.")
        return Stream(storage.zip_package(row["code"]), media_type="application/zip",
                      headers={"Content-Disposition":
                               f'attachment; filename="{row["code"]}.zip"'})

    @post("/{package_id:int}/xac-nhan", name="archive.package_confirm",
          guards=[requires_roles(*logic.RECEIVERS)])
    async def confirm(self, request: Request, package_id: FromPath[int]) -> Template | Redirect:
        row = await _package(request, package_id)
        data = await read_form(request)
        error = "" if data.get("da_kiem_tra") == "1" else (
            "Hãy kiểm tra gói bằng công cụ BagIt và đánh dấu xác nhận đã kiểm tra.")
        if not error:
            try:
                await packages.confirm(request.user, package_id, data.get("ghi_chu", ""))
            except packages.PackageError as exc:
                error = str(exc)
        if error:
            return Template("archive/package.html", status_code=HTTP_400_BAD_REQUEST, context={
                "p": row, "label": PackageStatus(row["status"]).label, "error": error,
                "can_confirm": row["status"] == PackageStatus.BUILT.value,
                "downloads": list(DOWNLOADS), "values": data,
                "folder": storage.package_where(row["code"])})
        return Redirect(request.app.route_reverse("archive.package", package_id=package_id),
                        status_code=303)


async def _package(request: Request, package_id: int) -> dict:
    row = await queries.package(request.user, package_id)
    if row is None:
        raise NotFoundException("Không tìm thấy gói nộp lưu.")
    return row
