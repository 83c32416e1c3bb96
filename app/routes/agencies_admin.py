"""The provincial admin's agencies: code (and national portal code), parent, unit,
address, phone, counters and signing officials, with XLSX import and export."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.directory import admin, reading, transfer
from app.directory.admin import AgencyValues, DirectoryError
from app.directory.tables import AgencyCounter, AgencySigner
from app.documents.sheets import MAX_BYTES, ImportReport
from app.routes.catalog_import import xlsx
from app.routes.organisation import GUARD, optional_id, read_upload
from app.web.forms import FormErrors, read_form


class AgenciesController(Controller):
    path = "/quan-tri/co-quan"
    guards = GUARD

    @get("/", name="agencies_admin.list")
    async def index(self, request: Request) -> Template:
        return await _agencies_page(request, FormErrors(), {})

    @post("/", name="agencies_admin.create")
    async def create(self, request: Request) -> Template | Redirect:
        return await _save_agency(request, None, await read_form(request))

    @get("/{agency_id:int}", name="agencies_admin.detail")
    async def detail(self, request: Request, agency_id: FromPath[int]) -> Template:
        return await _agency_page(request, agency_id, FormErrors(), None)

    @post("/{agency_id:int}", name="agencies_admin.save")
    async def save(self, request: Request, agency_id: FromPath[int]) -> Template | Redirect:
        return await _save_agency(request, agency_id, await read_form(request))

    @post("/{agency_id:int}/quay", name="agencies_admin.add_counter")
    async def add_counter(self, request: Request, agency_id: FromPath[int]
                          ) -> Template | Redirect:
        data = await read_form(request)
        return await _change(request, agency_id, data, lambda: admin.add_counter(
            request.user.id, agency_id, data.get("counter_name", ""),
            data.get("counter_location", "")))

    @post("/{agency_id:int}/nguoi-ky", name="agencies_admin.add_signer")
    async def add_signer(self, request: Request, agency_id: FromPath[int]
                         ) -> Template | Redirect:
        data = await read_form(request)
        return await _change(request, agency_id, data, lambda: admin.add_signer(
            request.user.id, agency_id, data.get("signer_name", ""),
            data.get("signer_title", "")))

    @post("/{agency_id:int}/quay/{item_id:int}/xoa", name="agencies_admin.remove_counter")
    async def remove_counter(self, request: Request, agency_id: FromPath[int],
                             item_id: FromPath[int]) -> Template | Redirect:
        return await _change(request, agency_id, {}, lambda: admin.retire(
            request.user.id, AgencyCounter, item_id, agency_id))

    @post("/{agency_id:int}/nguoi-ky/{item_id:int}/xoa", name="agencies_admin.remove_signer")
    async def remove_signer(self, request: Request, agency_id: FromPath[int],
                            item_id: FromPath[int]) -> Template | Redirect:
        return await _change(request, agency_id, {}, lambda: admin.retire(
            request.user.id, AgencySigner, item_id, agency_id))

    @get("/xuat.xlsx", name="agencies_admin.export")
    async def export(self) -> Response:
        return xlsx(await transfer.export_agencies(), "co-quan.xlsx")

    @post("/nhap", name="agencies_admin.import", request_max_body_size=MAX_BYTES + 65536)
    async def import_file(self, request: Request) -> Template:
        report = await read_upload(request, transfer.import_agencies)
        return await _agencies_page(request, FormErrors(), {}, report,
                                    HTTP_400_BAD_REQUEST if report.problems else 200)


def _agency_values(data: dict) -> AgencyValues:
    return AgencyValues(
        code=data.get("code", ""), name=data.get("name", ""),
        short_name=data.get("short_name", ""), kind=data.get("kind", "") or "so",
        parent=optional_id(data.get("parent", "")),
        admin_unit=optional_id(data.get("admin_unit", "")),
        address=data.get("address", ""), phone=data.get("phone", ""),
        email=data.get("email", "").lower(), portal_code=data.get("portal_code", ""),
        active=data.get("active", "1") == "1")


async def _save_agency(request: Request, agency_id: int | None, data: dict
                       ) -> Template | Redirect:
    try:
        saved = await admin.save_agency(request.user.id, agency_id, _agency_values(data))
    except DirectoryError as exc:
        if agency_id is None:
            return await _agencies_page(request, FormErrors.of(exc),
                                        data, None, HTTP_400_BAD_REQUEST)
        return await _agency_page(request, agency_id, FormErrors.of(exc),
                                  data, HTTP_400_BAD_REQUEST)
    url = request.app.route_reverse("agencies_admin.detail", agency_id=saved)
    return Redirect(f"{url}?da_luu=1", status_code=303)


async def _change(request: Request, agency_id: int, data: dict, change) -> Template | Redirect:
    try:
        await change()
    except DirectoryError as exc:
        return await _agency_page(request, agency_id, FormErrors.of(exc),
                                  data, HTTP_400_BAD_REQUEST)
    url = request.app.route_reverse("agencies_admin.detail", agency_id=agency_id)
    return Redirect(f"{url}?da_luu=1", status_code=303)


async def _agencies_page(request: Request, errors: FormErrors, values: dict,
                         report: ImportReport | None = None, status_code: int = 200
                         ) -> Template:
    q = request.query_params.get("q", "")[:100]
    return Template("organisation/agencies.html", status_code=status_code, context={
        "agencies": await reading.agencies(q), "q": q, "errors": errors,
        "values": values, "report": report, **await _choices()})


async def _choices() -> dict:
    eras = await reading.eras() or ["2025"]
    return {"agency_choices": await reading.agency_choices(),
            "unit_choices": await reading.unit_choices(eras[0])}


async def _agency_page(request: Request, agency_id: int, errors: FormErrors,
                       values: dict | None, status_code: int = 200) -> Template:
    agency = await reading.agency(agency_id)
    if agency is None:
        raise NotFoundException("Không tìm thấy cơ quan này.")
    shown = {k: "" if v is None else v for k, v in agency.items()}
    shown["active"] = "1" if agency["active"] else "0"
    return Template("organisation/agency.html", status_code=status_code, context={
        "agency": agency, "errors": errors, "values": {**shown, **(values or {})},
        "saved": request.query_params.get("da_luu") == "1", **await _choices()})
