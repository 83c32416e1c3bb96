"""Feedback and petitions: citizens submit, follow and rate; the provincial admin routes;
agencies answer; published answers are public with personal data removed."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_404_NOT_FOUND

from app.accounts.roles import Role
from app.catalog.tables import Procedure
from app.feedback import service as feedback
from app.feedback.logic import Category, FeedbackError, Move, Status, publication
from app.formatting import now_utc
from app.integrations.dvcqg import feedback as national_feedback
from app.web.auth import requires_applicant, requires_roles
from app.web.forms import read_form
from app.web.kept_forms import refill

FEEDBACK_STAFF = (Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN, Role.LEADER, Role.HANDLER,
                  Role.AUDITOR)
FEEDBACK_ACTORS = FEEDBACK_STAFF[:-1]  # the auditor reads, never acts


def _id(data: dict[str, str]) -> int:
    return int(data["feedback_id"]) if data.get("feedback_id", "").isdigit() else 0


async def not_staff(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Citizens signed in, or anyone without an account (who proves a phone instead)."""
    user = connection.scope.get("user")
    if user is not None and user.is_staff:
        raise PermissionDeniedException("Cán bộ không gửi phản ánh, kiến nghị tại đây.")


class FeedbackController(Controller):
    path = "/phan-anh"

    @get("/cong-khai", name="feedback.public")
    async def public(self) -> Template:
        return Template("feedback/public.html", context={"rows": await feedback.published()})

    @get("/gui", name="feedback.new", guards=[not_staff])
    async def new(self, request: Request) -> Template:
        return await _new_form(refill(request, {}), "")

    @post("/gui", name="feedback.submit", guards=[not_staff])
    async def submit(self, request: Request) -> Template | Redirect:
        """Signed in: saved now. Without an account: a code is sent to the phone first."""
        data = await read_form(request)
        try:
            if request.user is None:
                return Redirect(await feedback.start_verification(data), status_code=303)
            await feedback.submit(request.user, data)
        except FeedbackError as exc:
            return await _new_form(data, str(exc), HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse("feedback.mine") + "?da_gui=1",
                        status_code=303)

    @get("/xac-thuc/{token:str}", name="feedback.verify")
    async def verify(self, token: FromPath[str]) -> Template:
        row, problem = await feedback.pending(token)
        return Template("feedback/verify.html", context={"problem": problem, "error": ""},
                        status_code=200 if row else HTTP_404_NOT_FOUND)

    @post("/xac-thuc/{token:str}", name="feedback.confirm")
    async def confirm(self, request: Request, token: FromPath[str]) -> Template:
        data = await read_form(request)
        try:
            code, path = await feedback.confirm(token, data.get("code", ""))
        except FeedbackError as exc:
            row, problem = await feedback.pending(token)
            return Template("feedback/verify.html", status_code=HTTP_400_BAD_REQUEST,
                            context={"problem": problem, "error": str(exc)})
        return Template("feedback/sent.html", context={"code": code, "path": path})

    @get("/theo-doi/{token:str}", name="feedback.follow")
    async def follow(self, token: FromPath[str]) -> Template:
        return await _follow(token)

    @post("/theo-doi/{token:str}", name="feedback.follow_act")
    async def follow_act(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        row = await feedback.by_private_link(token)
        if row is None:
            return await _follow(token)
        data = await read_form(request)
        try:
            if "satisfied" in data or data.get("what") == "rate":
                await feedback.rate(row["id"], None, data.get("satisfied", ""),
                                    via_private_link=True)
            else:
                await feedback.act(row["id"], None, Move.SUPPLY, data, via_private_link=True)
        except FeedbackError as exc:
            return await _follow(token, str(exc), HTTP_400_BAD_REQUEST)
        return Redirect(request.url.path, status_code=303)

    @get("/cua-toi", name="feedback.mine", guards=[requires_applicant])
    async def mine(self, request: Request) -> Template:
        return await _mine(request)

    @post("/danh-gia", name="feedback.rate", guards=[requires_applicant])
    async def rate(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        try:
            await feedback.rate(_id(data), request.user, data.get("satisfied", ""))
        except FeedbackError as exc:
            return await _mine(request, str(exc), HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse("feedback.mine") + "?da_danh_gia=1",
                        status_code=303)

    @post("/bo-sung", name="feedback.supply", guards=[requires_applicant])
    async def supply(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        try:
            await feedback.act(_id(data), request.user, Move.SUPPLY, data)
        except FeedbackError as exc:
            return await _mine(request, str(exc), HTTP_400_BAD_REQUEST)
        return Redirect(request.app.route_reverse("feedback.mine"), status_code=303)


async def _follow(token: str, error: str = "", status_code: int = 200) -> Template:
    row = await feedback.by_private_link(token)
    return Template("feedback/follow.html", context={"f": row, "error": error,
                                                     "Status": Status},
                    status_code=status_code if row else HTTP_404_NOT_FOUND)


async def _new_form(values: dict, error: str, status_code: int = 200) -> Template:
    procedures = await Procedure.select(Procedure.id, Procedure.name).where(
        Procedure.active.eq(True) & Procedure.internal.eq(False)).order_by(Procedure.name)
    return Template("feedback/new.html", status_code=status_code, context={
        "values": values, "error": error, "procedures": procedures,
        "agencies": await feedback.routing_choices()})


async def _mine(request: Request, error: str = "", status_code: int = 200) -> Template:
    return Template("feedback/mine.html", status_code=status_code, context={
        "rows": await feedback.for_submitter(request.user), "error": error, "Status": Status,
        "sent": request.query_params.get("da_gui") == "1"})


class FeedbackStaffController(Controller):
    path = "/can-bo/phan-anh"
    guards = [requires_roles(*FEEDBACK_STAFF)]

    @get("/", name="feedback.staff")
    async def index(self, request: Request) -> Template:
        overdue = request.query_params.get("qua_han") == "1"
        return Template("feedback/staff_list.html", context={
            "rows": await feedback.for_staff(request.user, overdue), "overdue": overdue,
            "now": now_utc(), "Status": Status})

    @get("/{feedback_id:int}", name="feedback.detail")
    async def detail(self, request: Request, feedback_id: FromPath[int]) -> Template:
        act = request.app.route_reverse("feedback.act", feedback_id=feedback_id)
        return await _detail(request, feedback_id, values=refill(request, {}, whole=act))

    @post("/{feedback_id:int}/xu-ly", name="feedback.act")
    async def act(self, request: Request, feedback_id: FromPath[int]) -> Template | Redirect:
        row = await _load(request, feedback_id)
        data = await read_form(request)
        if data.get("move") == Move.PUBLISH and data.get("xac_nhan") != "1" and data.get("text"):
            # Publishing is shown first: what the public page will say, and the names found.
            form = await request.form()
            chosen = [str(n) for n in form.getall("an_ten")] if "an_ten" in form else []
            shown = publication(row["title"], row["content"], data["text"],
                                row["submitter_name"], chosen if "xem_lai" in data else None,
                                data.get("an_ten_khac", "").split(","))
            return Template("feedback/publish_preview.html", context={
                "f": row, "shown": shown, "text": data["text"],
                "extra": data.get("an_ten_khac", "")})
        if data.get("move") == Move.PUBLISH:
            form = await request.form()
            data["an_ten"] = "\n".join(str(n) for n in form.getall("an_ten")) if (
                "an_ten" in form) else ""
        try:
            await feedback.act(feedback_id, request.user, data.get("move", ""), data)
        except FeedbackError as exc:
            return await _detail(request, feedback_id, str(exc), HTTP_400_BAD_REQUEST,
                                 values=data)
        url = request.app.route_reverse("feedback.detail", feedback_id=feedback_id)
        return Redirect(url, status_code=303)

    @post("/{feedback_id:int}/gui-lai-cong-dvcqg", name="feedback.resend_national",
          guards=[requires_roles(*FEEDBACK_ACTORS)])
    async def resend_national(self, request: Request, feedback_id: FromPath[int]) -> Redirect:
        await _load(request, feedback_id)  # scope: staff of the agency it was routed to
        resent = await national_feedback.resend(feedback_id, request.user.id)
        url = request.app.route_reverse("feedback.detail", feedback_id=feedback_id)
        return Redirect(f"{url}?da_gui_lai={int(resent)}", status_code=303)


async def _load(request: Request, feedback_id: int) -> dict:
    row = await feedback.visible(feedback_id, request.user)
    if row is None:
        raise NotFoundException("Không tìm thấy phản ánh, kiến nghị.")
    return row


async def _detail(request: Request, feedback_id: int, error: str = "",
                  status_code: int = 200, values: dict | None = None) -> Template:
    row = await _load(request, feedback_id)
    return Template("feedback/staff_detail.html", status_code=status_code, context={
        "f": row, "moves": feedback.moves(row, request.user), "Move": Move, "error": error,
        "values": values or {},
        "Status": Status, "categories": list(Category),
        "agencies": await feedback.routing_choices(),
        "national": await national_feedback.sync_status(feedback_id),
        "can_resend": request.user.role in FEEDBACK_ACTORS,
        "resent": request.query_params.get("da_gui_lai")})
