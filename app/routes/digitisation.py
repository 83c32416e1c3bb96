"""Digitising a dossier's paper components (counter) and finding digitised text (staff)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.digitisation import service as digitisation
from app.digitisation.logic import ScanStatus, id_number_verdicts
from app.dossiers import queries
from app.files import store
from app.jobs import api as jobs
from app.tasks.digitisation import digitise_component
from app.web.auth import requires_roles, requires_staff
from app.web.forms import FormErrors

# A scan of 50 pages from a scanner can be large; each file is still checked (20 MB).
MAX_SCAN_REQUEST_BYTES = 60 * 1024 * 1024


class DigitisationController(Controller):
    path = "/can-bo"
    guards = [requires_staff]

    @get("/ho-so/{dossier_id:int}/so-hoa", name="digitise.page")
    async def page(self, request: HTMXRequest, dossier_id: FromPath[int]) -> Template:
        dossier = await _load(request, dossier_id)
        # One URL: the whole page, or only the progress table that polls itself.
        if request.htmx and request.htmx.target == "scans":
            return Template("digitisation/_scans.html", context=await _context(dossier))
        return await _page(request, dossier, FormErrors())

    @post("/ho-so/{dossier_id:int}/so-hoa", name="digitise.upload",
          guards=[requires_roles(Role.COUNTER_OFFICER, Role.POSTAL_STAFF)],
          request_max_body_size=MAX_SCAN_REQUEST_BYTES)
    async def upload(self, request: Request, dossier_id: FromPath[int]) -> Template | Redirect:
        dossier = await _load(request, dossier_id)
        form = await request.form()
        component = str(form.get("component_id", ""))
        files = [await f.read() for f in form.getall("pages", [])
                 if isinstance(f, UploadFile) and f.filename]
        errors = FormErrors()
        try:
            if not component.isdigit():
                raise digitisation.ScanRefused("Chọn thành phần hồ sơ cần số hóa.")
            await digitisation.scan_component(request.user, dossier, int(component), files)
        except digitisation.ScanRefused as exc:
            errors.add("pages", str(exc))
            return await _page(request, dossier, errors, HTTP_400_BAD_REQUEST,
                               chosen=component)
        # Enqueued after the scan is committed; OCR runs in the worker while the officer
        # goes on (in tests, Huey's immediate mode runs it here, off the event loop).
        await jobs.enqueue(digitise_component, int(component), agency_id=dossier["agency"])
        url = request.app.route_reverse("digitise.page", dossier_id=dossier_id)
        return Redirect(f"{url}?da_quet={component}", status_code=303)

    @get("/ho-so/{dossier_id:int}/so-hoa/{scan_id:int}/tep", name="digitise.file")
    async def file(self, request: Request, dossier_id: FromPath[int],
                   scan_id: FromPath[int]) -> Response:
        await _load(request, dossier_id)
        scan = await digitisation.scan_file(dossier_id, scan_id)
        if scan is None:
            raise NotFoundException("Không tìm thấy bản số hóa.")
        return Response(store.read(scan["sha256"]), media_type="application/pdf", headers={
            "content-disposition": f'inline; filename="ban-so-hoa-{scan_id}.pdf"'})

    @get("/tim-ban-so-hoa", name="digitise.search")
    async def search(self, request: Request) -> Template:
        query = request.query_params.get("q", "").strip()[:200]
        results = await digitisation.search(request.user, query) if query else []
        return Template("digitisation/search.html",
                        context={"q": query, "results": results})


async def _load(request: Request, dossier_id: int) -> dict:
    dossier = await queries.dossier_for_staff(dossier_id, request.user)
    if dossier is None:
        raise NotFoundException("Không tìm thấy hồ sơ.")
    return dossier


async def _context(dossier: dict) -> dict:
    scans = await digitisation.scans_of(dossier["id"])
    for scan in scans.values():
        scan["status_label"] = ScanStatus(scan["status"]).label
        scan["verdicts"] = id_number_verdicts(scan["id_numbers"] or [],
                                              dossier["applicant_id_number"])
    pending = any(not ScanStatus(s["status"]).finished for s in scans.values())
    return {"d": dossier, "scans": scans, "pending": pending}


async def _page(request, dossier, errors, status_code=200, chosen="") -> Template:
    context = await _context(dossier)
    context.update(errors=errors, chosen=chosen,
                   can_scan=request.user.role in (Role.COUNTER_OFFICER, Role.POSTAL_STAFF),
                   just_scanned=request.query_params.get("da_quet", ""))
    return Template("digitisation/page.html", status_code=status_code, context=context)
