"""The applicant's own dossier page: timeline, appointment, what to do, payment and
withdrawal request. Only the owner (scope in the service)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.documents.qr import lookup_qr_svg
from app.payments.gateway import get_gateway
from app.portal import tracking
from app.web.auth import requires_applicant
from app.web.forms import FormErrors, read_form
from app.web.kept_forms import refill
from app.workflow import TransitionError


class MyDossierController(Controller):
    path = "/ho-so-cua-toi"
    guards = [requires_applicant]

    @get("/{dossier_id:int}", name="portal.dossier")
    async def dossier(self, request: Request, dossier_id: FromPath[int]) -> Template:
        d = await _own(request, dossier_id)
        return Template("portal/dossier.html", context={
            "d": d, "online_payment": get_gateway() is not None,
            "qr_svg": lookup_qr_svg(str(request.base_url), d["code"]) if d["status"] else ""})

    @get("/{dossier_id:int}/rut-ho-so", name="portal.withdraw_form")
    async def withdraw_form(self, request: Request, dossier_id: FromPath[int]) -> Template:
        d = await _own(request, dossier_id)
        if not d["can_withdraw"]:
            raise NotFoundException("Hồ sơ này hiện không thể rút.")
        return Template("portal/withdraw.html", context={"d": d, "errors": FormErrors(),
                                                         "values": refill(request, {})})

    @post("/{dossier_id:int}/rut-ho-so", name="portal.withdraw")
    async def withdraw(self, request: Request, dossier_id: FromPath[int]) -> Template | Redirect:
        d = await _own(request, dossier_id)
        data = await read_form(request)
        errors = FormErrors()
        reason = data.get("reason", "")
        if not reason:
            errors.add("reason", "Nêu lý do rút hồ sơ.")
        else:
            try:
                await tracking.request_withdrawal(request.user, dossier_id, reason)
            except TransitionError as exc:
                errors.add("reason", str(exc))
        if errors:
            return Template("portal/withdraw.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"d": d, "errors": errors, "values": data})
        url = request.app.route_reverse("portal.dossier", dossier_id=dossier_id)
        return Redirect(url + "?da_yeu_cau_rut=1", status_code=303)


async def _own(request: Request, dossier_id: int) -> dict:
    d = await tracking.owner_view(request.user, dossier_id)
    if d is None:
        raise NotFoundException("Không tìm thấy hồ sơ.")
    return d
