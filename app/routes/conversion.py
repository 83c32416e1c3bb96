"""Paper conversion of a dossier's electronic result: confirm, record, print (page, PDF)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.documents.pdf import html_to_pdf
from app.dossiers import queries
from app.files import store
from app.legal_forms import conversion as service
from app.legal_forms.render import off_loop, render_html
from app.legal_forms.sets import set_for_dossier
from app.legal_forms.stamp import (
    UnreadablePdf,
    image_data_uri,
    image_type,
    is_pdf,
    stamp_pdf,
)
from app.web.auth import requires_roles, requires_staff

# Those who hand results over or produce them; auditors and admins only look.
CONVERTERS = (Role.COUNTER_OFFICER, Role.POSTAL_STAFF, Role.HANDLER, Role.LEADER)


class ConversionController(Controller):
    path = "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay"
    guards = [requires_staff]

    @get("/", name="conversion.start")
    async def start(self, request: Request, dossier_id: FromPath[int]) -> Template:
        return await _start_page(request, dossier_id)

    @post("/", name="conversion.create", guards=[requires_roles(*CONVERTERS)])
    async def create(self, request: Request, dossier_id: FromPath[int]) -> Template | Redirect:
        await _load(request, dossier_id)  # scope before anything else
        try:
            conversion_id = await service.convert(dossier_id, request.user)
        except service.ConversionRefused as exc:
            return await _start_page(request, dossier_id, error=str(exc),
                                     status_code=HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse(
            "conversion.page", dossier_id=dossier_id, conversion_id=conversion_id),
            status_code=303)

    @get("/{conversion_id:int}", name="conversion.page")
    async def page(self, request: Request, dossier_id: FromPath[int],
                   conversion_id: FromPath[int]) -> Response:
        context = await _context(request, dossier_id, conversion_id)
        return Response(render_html(request, "legal_forms/conversion.html", context, pdf=False),
                         media_type="text/html; charset=utf-8")

    @get("/{conversion_id:int}/pdf", name="conversion.pdf")
    async def pdf(self, request: Request, dossier_id: FromPath[int],
                  conversion_id: FromPath[int]) -> Response:
        context = await _context(request, dossier_id, conversion_id)
        content = store.read(context["c"]["result_sha256"])
        output = None
        if is_pdf(content):
            stamp = render_html(request, "legal_forms/conversion_stamp.html", context, pdf=True)
            try:
                output, _ = await off_loop(stamp_pdf, content, stamp)
            except UnreadablePdf:
                context["unreadable"] = True  # print the mark sheet and say why
        if output is None:
            if image_type(content):
                context["image"] = image_data_uri(content)
            output = await off_loop(html_to_pdf, render_html(
                request, "legal_forms/conversion.html", context, pdf=True))
        filename = f"{context['d']['code']}-ban-chuyen-doi-{conversion_id}.pdf"
        return Response(output, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})


async def _load(request: Request, dossier_id: int) -> dict:
    dossier = await queries.dossier_for_staff(dossier_id, request.user)
    if dossier is None:
        raise NotFoundException("Không tìm thấy hồ sơ.")
    return dossier


async def _start_page(request, dossier_id, error="", status_code=200) -> Template:
    dossier = await _load(request, dossier_id)
    result = await service.result_of(dossier_id)
    return Template("legal_forms/conversion_start.html", status_code=status_code, context={
        "d": dossier, "result": result, "error": error,
        "digest": service.printable_digest(result) if result else "",
        "may_convert": request.user.role in CONVERTERS})


async def _context(request: Request, dossier_id: int, conversion_id: int) -> dict:
    dossier = await _load(request, dossier_id)
    row = await service.conversion(dossier_id, conversion_id)
    if row is None:
        raise NotFoundException("Không tìm thấy bản chuyển đổi.")
    form_set = set_for_dossier(dossier["received_at"], dossier["created_at"])
    # The dateline of the paper is the conversion's moment, not today's.
    return {"d": dossier, "c": row, "form_set": form_set, "event": {"at": row["converted_at"]},
            "pdf_url": request.app.route_reverse("conversion.pdf", dossier_id=dossier_id,
                                                 conversion_id=conversion_id)}
