"""The provincial admin's organisation pages: administrative units (tree, validity,
mergers) with XLSX import and export, and the helpers the agencies pages share
(`app.routes.agencies_admin`)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.catalog.editor import parse_day
from app.directory import admin, reading, transfer
from app.directory.admin import DirectoryError, UnitValues
from app.documents.sheets import MAX_BYTES, ImportReport, Problem
from app.formatting import now_utc, to_local
from app.routes.catalog_import import xlsx
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form

GUARD = [requires_roles(Role.PROVINCIAL_ADMIN)]


def optional_id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None



def _dates(data: dict, errors: FormErrors, *names: str) -> dict:
    found = {}
    for name in names:
        text = data.get(name, "")
        found[name] = parse_day(text) if text else None
        if text and found[name] is None:
            errors.add(name, "Ngày theo dạng dd/mm/yyyy.")
    return found


async def read_upload(request: Request, run) -> ImportReport:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        report = ImportReport(dry_run=True)
        report.problems.append(Problem("", 0, "", "Chọn tệp bảng tính (.xlsx) để nhập."))
        return report
    return await run(await upload.read(), dry_run=form.get("action") != "import",
                     actor_id=request.user.id)


class UnitsController(Controller):
    path = "/quan-tri/don-vi-hanh-chinh"
    guards = GUARD

    @get("/", name="units_admin.list")
    async def index(self, request: Request) -> Template:
        return await _units_page(request, FormErrors(), {})

    @post("/", name="units_admin.create")
    async def create(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        return await _save_unit(request, None, data)

    @get("/{unit_id:int}", name="units_admin.detail")
    async def detail(self, request: Request, unit_id: FromPath[int]) -> Template:
        return await _unit_page(request, unit_id, FormErrors(), None)

    @post("/{unit_id:int}", name="units_admin.save")
    async def save(self, request: Request, unit_id: FromPath[int]) -> Template | Redirect:
        return await _save_unit(request, unit_id, await read_form(request))

    @post("/{unit_id:int}/sap-nhap", name="units_admin.merge")
    async def merge(self, request: Request, unit_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        errors = FormErrors()
        on = _dates(data, errors, "merge_on")["merge_on"]
        try:
            await admin.merge_unit(request.user.id, unit_id, optional_id(data.get("successor", "")),
                                   on, data.get("reason", ""), to_local(now_utc()).date(),
                                   move_agencies=data.get("move_agencies") == "1")
        except DirectoryError as exc:
            return await _unit_page(request, unit_id, FormErrors.of(exc),
                                    data, HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("units_admin.detail", unit_id=unit_id)
        return Redirect(f"{url}?da_luu=1", status_code=303)

    @get("/xuat.xlsx", name="units_admin.export")
    async def export(self) -> Response:
        return xlsx(await transfer.export_units(), "don-vi-hanh-chinh.xlsx")

    @post("/nhap", name="units_admin.import", request_max_body_size=MAX_BYTES + 65536)
    async def import_file(self, request: Request) -> Template:
        report = await read_upload(request, transfer.import_units)
        return await _units_page(request, FormErrors(), {}, report,
                                 HTTP_400_BAD_REQUEST if report.problems else 200)


async def _save_unit(request: Request, unit_id: int | None, data: dict) -> Template | Redirect:
    errors = FormErrors()
    days = _dates(data, errors, "valid_from", "valid_to")
    try:
        if errors:
            raise DirectoryError("", errors.messages)
        saved = await admin.save_unit(request.user.id, unit_id, UnitValues(
            code=data.get("code", ""), name=data.get("name", ""), level=data.get("level", ""),
            level_name=data.get("level_name", "") or data.get("level", ""),
            parent=optional_id(data.get("parent", "")), era=data.get("era", "") or "2025", **days))
    except DirectoryError as exc:
        if unit_id is None:
            return await _units_page(request, FormErrors.of(exc), data, None, HTTP_400_BAD_REQUEST)
        return await _unit_page(request, unit_id, FormErrors.of(exc), data, HTTP_400_BAD_REQUEST)
    url = request.app.route_reverse("units_admin.detail", unit_id=saved)
    return Redirect(f"{url}?da_luu=1", status_code=303)


async def _units_page(request: Request, errors: FormErrors, values: dict,
                      report: ImportReport | None = None, status_code: int = 200) -> Template:
    eras = await reading.eras() or ["2025"]
    era = request.query_params.get("thoi_ky", "") or values.get("era") or eras[0]
    q = request.query_params.get("q", "")[:100]
    return Template("organisation/units.html", status_code=status_code, context={
        "units": await reading.units(era, to_local(now_utc()).date(), q), "eras": eras,
        "era": era, "q": q, "errors": errors, "values": {"era": era, **values},
        "choices": await reading.unit_choices(era), "report": report})


async def _unit_page(request: Request, unit_id: int, errors: FormErrors, values: dict | None,
                     status_code: int = 200) -> Template:
    unit = await reading.unit(unit_id)
    if unit is None:
        raise NotFoundException("Không tìm thấy đơn vị hành chính này.")
    shown = {k: "" if v is None else v for k, v in unit.items()}
    for name in ("valid_from", "valid_to"):
        shown[name] = unit[name].strftime("%d/%m/%Y") if unit[name] else ""
    return Template("organisation/unit.html", status_code=status_code, context={
        "unit": unit, "errors": errors, "values": values if values is not None else shown,
        "choices": await reading.unit_choices(unit["era"]),
        "saved": request.query_params.get("da_luu") == "1"})
