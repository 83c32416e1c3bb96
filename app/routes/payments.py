"""Online payment: start, return from the gateway, receipt; the gateway's callback; the
sandbox gateway's own pages (only when MOTCUA_PAYMENT_GATEWAY=sandbox); and the staff
reconciliation of payments the system could not settle by itself."""

from __future__ import annotations

import time

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from app.payments import reconcile, rejects, sandbox
from app.payments import service as payments
from app.payments.gateway import GatewayUnavailable, gateway_name, get_gateway
from app.payments.logic import SIGNATURE_HEADER, PaymentStatus, read_hours
from app.web.auth import requires_applicant, requires_roles
from app.web.forms import FormErrors, client_ip, read_form
from app.web.ratelimit import address_key

RETURN_PATH = "/thanh-toan/{reference:str}"
# A callback is a small JSON object; anything much larger is not from a gateway.
CALLBACK_MAX_BYTES = 16 * 1024


def _gateway():
    gateway = get_gateway()
    if gateway is None:
        raise NotFoundException("Chưa cung cấp thanh toán trực tuyến.")
    return gateway


class PaymentController(Controller):
    guards = [requires_applicant]

    @post("/ho-so-cua-toi/{dossier_id:int}/thanh-toan", name="payment.start")
    async def start(self, request: Request, dossier_id: FromPath[int]) -> Redirect:
        try:
            url = await payments.create_payment(
                _gateway(), request.user, dossier_id, return_path="/thanh-toan/{reference}")
        except GatewayUnavailable as exc:
            # The pending payment stays: the provider may have taken it before failing,
            # and a later callback or the staff reconciliation page settles it.
            raise HTTPException(str(exc), status_code=HTTP_503_SERVICE_UNAVAILABLE) from None
        except payments.PaymentError as exc:
            raise NotFoundException(str(exc)) from None
        return Redirect(url, status_code=303)

    @get(RETURN_PATH, name="payment.return")
    async def returned(self, request: HTMXRequest, reference: FromPath[str]) -> Template:
        """Where the gateway sends the payer back. The callback may not have arrived
        yet, so the gateway is asked directly; a pending page re-checks by itself."""
        payment = await _payment(request, reference)
        if payment["status"] == PaymentStatus.PENDING:
            await payments.refresh(_gateway(), reference)
            payment = await _payment(request, reference)
        context = {"p": payment, "status": PaymentStatus(payment["status"])}
        if request.htmx:
            return Template("payments/_status.html", context=context)
        return Template("payments/return.html", context=context)

    @get(RETURN_PATH + "/bien-lai", name="payment.receipt")
    async def receipt(self, request: Request, reference: FromPath[str]) -> Template:
        payment = await _payment(request, reference)
        if payment["status"] != PaymentStatus.PAID:
            raise NotFoundException("Khoản thanh toán này chưa hoàn tất, chưa có biên lai.")
        return Template("payments/receipt.html", context={"p": payment})


async def _payment(request: Request, reference: str) -> dict:
    payment = await payments.payment_of(request.user, reference[:40])
    if payment is None:
        raise NotFoundException("Không tìm thấy khoản thanh toán.")
    return payment


@post("/api/v1/payments/callback", name="payment.callback", exclude_from_auth=True,
      request_max_body_size=CALLBACK_MAX_BYTES)
async def payment_callback(request: Request) -> Response:
    """Server-to-server report from the gateway, signed with HMAC-SHA256 over the body.
    An address sending bad signatures waits (`rejects.BAD_SIGNATURES_PER_ADDRESS`)."""
    address, now = address_key(client_ip(request)), time.time()
    if rejects.BAD_SIGNATURES_PER_ADDRESS.blocked(address, now):
        rejects.REJECTED.record(address, b"")
        wait = rejects.BAD_SIGNATURES_PER_ADDRESS.retry_after(address, now)
        return Response({"outcome": "throttled"}, status_code=HTTP_429_TOO_MANY_REQUESTS,
                        headers={"retry-after": str(wait)})
    status, outcome = await payments.receive_callback(
        await request.body(), request.headers.get(SIGNATURE_HEADER, ""), address)
    if outcome == "rejected_signature":
        rejects.BAD_SIGNATURES_PER_ADDRESS.hit(address, now)
    return Response({"outcome": outcome}, status_code=status)


class SandboxController(Controller):
    """The sandbox gateway's pages: outside our login, like a real gateway's site."""

    path = "/sandbox/thanh-toan"

    @get("/{reference:str}", name="sandbox.page")
    async def page(self, reference: FromPath[str]) -> Template:
        return Template("payments/sandbox.html", context={"t": await _sandbox_txn(reference)})

    @post("/{reference:str}", name="sandbox.complete")
    async def complete(self, request: Request, reference: FromPath[str]) -> Response:
        await _sandbox_txn(reference)
        data = await read_form(request)
        try:
            row = await sandbox.complete(reference, data.get("outcome", ""))
        except sandbox.SandboxError as exc:
            return Template("payments/sandbox.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"t": await _sandbox_txn(reference), "error": str(exc)})
        delay = sandbox.DELAY_SECONDS if data.get("delay") else 0.0
        times = 2 if data.get("duplicate") else 1
        return Redirect(row["return_url"], status_code=303, background=BackgroundTask(
            sandbox.deliver_callback, row, delay=delay, times=times))


async def _sandbox_txn(reference: str) -> dict:
    row = await sandbox.transaction(reference[:40]) if gateway_name() == "sandbox" else None
    if row is None:
        raise NotFoundException("Giao dịch không tồn tại.")
    return row


VIEW_LABELS = ((reconcile.Views.ATTENTION, "Cần xử lý"),
               (reconcile.Views.STALE, "Chờ kết quả quá lâu"),
               (reconcile.Views.RESOLVED, "Đã xử lý"))


class ReconciliationController(Controller):
    """Paid money not in its dossier, and payments pending too long (staff, own agencies)."""

    path = "/can-bo/thanh-toan"
    guards = [requires_roles(*reconcile.VIEWERS)]

    @get("/", name="payments.reconcile")
    async def page(self, request: Request) -> Template:
        return await _reconcile_page(request, FormErrors())

    @post("/{payment_id:int}/ghi-nhan", name="payments.apply",
          guards=[requires_roles(*reconcile.RECONCILERS)])
    async def apply(self, request: Request, payment_id: FromPath[int]) -> Response:
        return await _decide(request, payment_id, reconcile.apply_to_dossier(
            request.user, payment_id))

    @post("/{payment_id:int}/hoan-tien", name="payments.refund",
          guards=[requires_roles(*reconcile.RECONCILERS)])
    async def refund(self, request: Request, payment_id: FromPath[int]) -> Response:
        note = (await read_form(request)).get("ghi_chu", "")
        return await _decide(request, payment_id, reconcile.mark_refunded(
            request.user, payment_id, note), typed={payment_id: note})

    @post("/{payment_id:int}/kiem-tra", name="payments.recheck",
          guards=[requires_roles(*reconcile.RECONCILERS)])
    async def recheck(self, request: Request, payment_id: FromPath[int]) -> Response:
        return await _decide(request, payment_id, reconcile.recheck(
            request.user, payment_id, get_gateway()), then=reconcile.Views.STALE,
            flag="da_kiem_tra")


async def _decide(request: Request, payment_id: int, decision, *,
                  then: str = reconcile.Views.RESOLVED, flag: str = "da_xu_ly",
                  typed: dict[int, str] | None = None) -> Response:
    try:
        await decision
    except LookupError:
        raise NotFoundException("Không tìm thấy khoản thanh toán trong phạm vi của bạn.") from None
    except reconcile.ReconcileError as exc:
        errors = FormErrors()
        errors.add(f"tt-{payment_id}", str(exc))
        return await _reconcile_page(request, errors, view=then if flag == "da_kiem_tra"
                                     else reconcile.Views.ATTENTION, typed=typed)
    return Redirect(f"{request.app.route_reverse('payments.reconcile')}"
                    f"?loai={then}&{flag}={payment_id}", status_code=303)


async def _reconcile_page(request: Request, errors: FormErrors,
                          view: str | None = None, typed: dict[int, str] | None = None
                          ) -> Template:
    """The page; after a refused decision, with the note the officer typed (`typed`)."""
    params = request.query_params
    view = view or params.get("loai", "")
    view = view if view in reconcile.Views.ALL else reconcile.Views.ATTENTION
    hours_text = params.get("gio", "").strip()[:10]
    hours = read_hours(hours_text)
    if hours is None:
        errors.add("gio", "Số giờ phải là số nguyên từ 1 đến 2160.")
        hours = read_hours("")
    done_text, checked_text = params.get("da_xu_ly", ""), params.get("da_kiem_tra", "")
    done = (await reconcile.resolved_payment(request.user, int(done_text))
            if done_text.isdigit() and len(done_text) < 12 else None)
    checked = (await reconcile.checked_payment(request.user, int(checked_text))
               if checked_text.isdigit() and len(checked_text) < 12 else None)
    return Template("payments/reconcile.html",
                    status_code=HTTP_400_BAD_REQUEST if errors else 200, context={
        "view": view, "views": VIEW_LABELS, "hours": hours, "hours_text": hours_text or hours,
        "counts": await reconcile.counts(request.user, hours), "errors": errors,
        "rows": await reconcile.payments_needing(request.user, view, hours), "done": done,
        "checked": checked, "typed": typed or {},
        "limit": reconcile.LIST_LIMIT, "can_act": request.user.role in reconcile.RECONCILERS})
