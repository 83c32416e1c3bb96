"""National integrations: the portal's and Zalo's webhooks, the sync pages, and the sandbox
national portal's page where a tester files a dossier or a feedback item there.

Webhooks live under /api/v1/ (no session, no CSRF: the caller is a server) and are
authenticated by their signatures only; every call is logged, refused ones too.
"""

from __future__ import annotations

import base64
import time

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.integrations import admin
from app.integrations.calls import NAMES
from app.integrations.config import provider
from app.integrations.dvcqg import inbound
from app.integrations.dvcqg import sandbox as portal_sandbox
from app.integrations.dvcqg.portal import secret
from app.integrations.logic import Delivery
from app.integrations.zalo import service as zalo
from app.payments.logic import SIGNATURE_HEADER, sign
from app.web.auth import requires_roles, requires_staff

KIND_LABELS = {"dvcqg.dossier": "Trạng thái hồ sơ lên Cổng DVCQG",
               "dvcqg.feedback": "Phản ánh, kiến nghị lên Cổng DVCQG",
               "ioffice.document": "Văn bản sang hệ thống quản lý văn bản",
               "zalo.reply": "Trả lời Zalo"}
DELIVERY_LABELS = {d.value: d.label for d in Delivery}


class NationalWebhooks(Controller):
    path = "/api/v1"
    opt = {"exclude_from_auth": True}

    async def _filing(self, kind: str, request: Request) -> Response:
        body = await request.body()
        try:
            answer = await inbound.receive(kind, body, request.headers.get(SIGNATURE_HEADER, ""))
        except inbound.FilingRefused as exc:
            return Response({"ThongBao": str(exc)}, status_code=exc.status)
        return Response(answer)

    @post("/dvcqg/ho-so", name="national.filing_dossier", status_code=200)
    async def dossier(self, request: Request) -> Response:
        return await self._filing("dossier", request)

    @post("/dvcqg/phan-anh", name="national.filing_feedback", status_code=200)
    async def feedback(self, request: Request) -> Response:
        return await self._filing("feedback", request)

    @post("/zalo/webhook", name="zalo.webhook", status_code=200)
    async def zalo(self, request: Request) -> Response:
        body = await request.body()
        try:
            handled = await zalo.handle_webhook(body, request.headers.get(zalo.HEADER, ""),
                                                int(time.time() * 1000))
        except zalo.WebhookRefused as exc:
            await zalo.log_refused(body, exc)
            return Response({"error": str(exc)}, status_code=exc.status)
        return Response({"ok": True, "outcome": handled.outcome})


class NationalSyncController(Controller):
    path = "/quan-tri/lien-thong"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN, Role.AUDITOR)]

    @get("/", name="national.admin")
    async def index(self, request: Request) -> Template:
        user = request.user
        return Template("national/admin.html", context={
            "rows": await admin.waiting(user), "counts": await admin.counts(user),
            "calls": await admin.recent_calls() if user.role.sees_whole_province else [],
            "reconciliations": await admin.reconciliations(), "partner_names": NAMES,
            "resent": request.query_params.get("da_gui_lai", "")})

    @post("/{row_id:int}/gui-lai", name="national.resend",
          guards=[requires_roles(Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN)])
    async def resend(self, request: Request, row_id: FromPath[int]) -> Redirect:
        if not await admin.resend(request.user, row_id):
            raise NotFoundException("Không có lần gửi lỗi này trong phạm vi của bạn.")
        return Redirect(request.app.route_reverse("national.admin")
                        + f"?da_gui_lai={row_id}", status_code=303)


class DossierSyncController(Controller):
    path = "/can-bo/ho-so"
    guards = [requires_staff]

    @get("/{dossier_id:int}/lien-thong", name="national.dossier")
    async def dossier(self, request: Request, dossier_id: FromPath[int]) -> Template:
        found = await admin.dossier_view(request.user, dossier_id)
        if found is None:
            raise NotFoundException("Không tìm thấy hồ sơ.")
        return Template("national/dossier.html", context={
            "d": found, "kind_labels": KIND_LABELS, "delivery_labels": DELIVERY_LABELS})


async def _file_and_push(kind: str, payload: dict) -> str:
    """File on the sandbox portal and push to us as the portal does: signed bytes through
    the same entry point as the webhook; the filing stays pullable if this fails."""
    portal_id = await portal_sandbox.file(kind, payload)
    body = portal_sandbox.encode({**payload, "Ma": portal_id})
    try:
        answer = await inbound.receive(kind, body, sign(body, secret()))
    except inbound.FilingRefused as exc:
        return f"Cổng DVCQG đã nhận ({portal_id}) nhưng tỉnh từ chối: {exc}"
    await portal_sandbox.acknowledge_filing(portal_id, answer["MaThamChieu"])
    return f"Đã nộp {portal_id}; tỉnh nhận với mã {answer['MaThamChieu']}."


class SandboxPortalController(Controller):
    path = "/sandbox/dvcqg"

    @get("/", name="sandbox_portal.page")
    async def page(self, request: Request) -> Template:
        if provider("dvcqg") != "sandbox":
            raise NotFoundException()
        return Template("national/sandbox.html", context={
            "message": request.query_params.get("tb", ""),
            "filings": await portal_sandbox.recent_filings()})

    @post("/nop", name="sandbox_portal.file")
    async def file(self, request: Request) -> Redirect | Template:
        if provider("dvcqg") != "sandbox":
            raise NotFoundException()
        form = await request.form()
        data = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
        if data.get("kind") == "feedback":
            payload = {"TieuDe": data.get("title", ""), "NoiDung": data.get("content", ""),
                       "MaCoQuan": data.get("agency_code", ""), "DongYCongKhai": 1,
                       "NguoiGui": {"HoTen": data.get("name", ""),
                                    "SoDienThoai": data.get("phone", "")}}
            message = await _file_and_push("feedback", payload)
        else:
            upload = form.get("file")
            files = []
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                files.append({"TenTaiLieu": data.get("component", "") or upload.filename,
                              "NoiDung": base64.b64encode(content).decode()})
            payload = {"MaTTHC": data.get("procedure_code", ""), "TaiLieuNop": files,
                       "ChuHoSo": {"HoTen": data.get("name", ""),
                                   "SoDinhDanh": data.get("id_number", ""),
                                   "SoDienThoai": data.get("phone", ""),
                                   "DiaChi": data.get("address", "")}}
            message = await _file_and_push("dossier", payload)
        if "từ chối" in message:
            return Template("national/sandbox.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"message": message,
                                     "filings": await portal_sandbox.recent_filings()})
        return Redirect(request.app.route_reverse("sandbox_portal.page") + "?tb=" + message,
                        status_code=303)
