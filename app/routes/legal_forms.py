"""Printable legal forms of one dossier: the list, each form as a page and as a PDF."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from app.dossiers import queries
from app.legal_forms import service
from app.legal_forms.render import render_html, render_pdf
from app.legal_forms.sets import FormKind
from app.web.auth import requires_staff


class LegalFormController(Controller):
    path = "/can-bo/ho-so/{dossier_id:int}/bieu-mau"
    guards = [requires_staff]

    @get("/", name="legal_forms.index")
    async def index(self, request: Request, dossier_id: FromPath[int]) -> Template:
        dossier = await _load(request, dossier_id)
        return Template("legal_forms/index.html", context={
            "d": dossier, "form_set": service.dossier_form_set(dossier),
            "forms": service.offered_forms(dossier)})

    @get("/{form:str}", name="legal_forms.page")
    async def page(self, request: Request, dossier_id: FromPath[int],
                   form: FromPath[str]) -> Response:
        template, context = await _form(request, dossier_id, form)
        context["pdf_url"] = request.app.route_reverse(
            "legal_forms.pdf", dossier_id=dossier_id, form=form)
        return Response(render_html(request, template, context, pdf=False),
                        media_type="text/html; charset=utf-8")

    @get("/{form:str}/pdf", name="legal_forms.pdf")
    async def pdf(self, request: Request, dossier_id: FromPath[int],
                  form: FromPath[str]) -> Response:
        template, context = await _form(request, dossier_id, form)
        filename = f"{context['d']['code']}-mau-{context['spec'].number}.pdf"
        return Response(await render_pdf(request, template, context), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})


async def _load(request: Request, dossier_id: int) -> dict:
    dossier = await queries.dossier_for_staff(dossier_id, request.user)
    if dossier is None:
        raise NotFoundException("Không tìm thấy hồ sơ.")
    return dossier


async def _form(request: Request, dossier_id: int, form: str) -> tuple[str, dict]:
    dossier = await _load(request, dossier_id)
    try:
        kind = FormKind(form)
        context = await service.form_context(dossier, kind, request.user.id)
    except (ValueError, service.FormNotAvailable):
        raise NotFoundException("Hồ sơ này không có biểu mẫu đó.") from None
    return f"legal_forms/{context['spec'].layout}.html", context
