"""Public monthly lists of agencies and officers with late dossiers: the public pages (only
published lists), and the provincial admin's review — build a month's draft now, look at
it, approve exactly the rows seen (the worker then publishes it)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.formatting import now_utc, to_local
from app.late_lists import logic
from app.late_lists import service as late_lists
from app.reports.periods import Kind, PeriodError, parse_slug, periods_ending_before
from app.web.auth import requires_roles
from app.web.forms import read_form


def _month(slug: str) -> tuple[int, int]:
    try:
        period = parse_slug(slug)
    except PeriodError as exc:
        raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    if period.kind is not Kind.MONTH:
        raise HTTPException(status_code=HTTP_400_BAD_REQUEST,
                            detail="Danh sách được lập theo tháng, ví dụ 2026-03.")
    return period.year, period.month


class LateListController(Controller):
    path = "/danh-sach-tre-han"

    @get("/", name="late_lists.public_index")
    async def public_index(self) -> Template:
        return Template("late_lists/public_index.html",
                        context={"lists": await late_lists.lists("published")})

    @get("/{slug:str}", name="late_lists.public_month")
    async def public_month(self, slug: FromPath[str]) -> Template:
        year, month = _month(slug)
        found = await late_lists.one(year=year, month_number=month)
        if found is None or found[0]["status"] != "published":
            raise NotFoundException("Danh sách tháng này chưa được công bố.")
        row, rows = found
        return Template("late_lists/public_month.html", context={
            "list": row, "rows": rows, "period": late_lists.month(year, month)})


class LateListAdminController(Controller):
    path = "/quan-tri/danh-sach-tre-han"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN)]

    @get("/", name="late_lists.admin")
    async def admin(self, request: Request) -> Template:
        return await _admin_page(request)

    @post("/lap", name="late_lists.build")
    async def build(self, request: Request) -> Template | Redirect:
        chosen = (await read_form(request)).get("thang", "")
        if not chosen:
            return await _admin_page(request, {"thang": "Vui lòng chọn tháng."})
        try:
            year, month = _month(chosen)
        except HTTPException as exc:
            return await _admin_page(request, {"thang": exc.detail}, chosen)
        if late_lists.month(year, month).last_day >= to_local(now_utc()).date():
            return await _admin_page(request, {"thang": f"Tháng {month}/{year} chưa kết thúc: "
                                               "chưa lập được danh sách."}, chosen)
        list_id = await late_lists.build_draft(year, month, request.user.id)
        if list_id is None:
            return await _admin_page(request, {"thang": "Danh sách tháng này đã được duyệt, "
                                               "không lập lại."}, chosen)
        return Redirect(request.app.route_reverse("late_lists.review", list_id=list_id),
                        status_code=303)

    @get("/{list_id:int}", name="late_lists.review")
    async def review(self, request: Request, list_id: FromPath[int]) -> Template:
        found = await late_lists.one(list_id)
        if found is None:
            raise NotFoundException("Không tìm thấy danh sách.")
        row, rows = found
        return Template("late_lists/review.html", context={
            "list": row, "rows": rows, "period": late_lists.month(row["year"], row["month"]),
            "overdue": row["status"] == "draft"
            and to_local(now_utc()).date() > row["publish_by"], "error": "",
            "approved": request.query_params.get("da_duyet") == "1"})

    @post("/{list_id:int}/duyet", name="late_lists.approve")
    async def approve(self, request: Request, list_id: FromPath[int]) -> Redirect | Template:
        data = await read_form(request)
        if data.get("da_ra_soat") != "1":
            return await _review_error(request, list_id, "Đánh dấu đã rà soát danh sách "
                                       "trước khi duyệt.", HTTP_400_BAD_REQUEST)
        try:
            await late_lists.approve(list_id, data.get("digest", ""), request.user.id)
        except late_lists.LateListError as exc:
            return await _review_error(request, list_id, str(exc), exc.status_code)
        target = request.app.route_reverse("late_lists.review", list_id=list_id)
        return Redirect(f"{target}?da_duyet=1", status_code=303)


async def _review_error(request: Request, list_id: int, message: str, status: int) -> Template:
    found = await late_lists.one(list_id)
    if found is None:
        raise NotFoundException("Không tìm thấy danh sách.")
    row, rows = found
    return Template("late_lists/review.html", status_code=status, context={
        "list": row, "rows": rows, "period": late_lists.month(row["year"], row["month"]),
        "overdue": False, "error": message, "approved": False})


async def _admin_page(request: Request, errors: dict[str, str] | None = None,
                      chosen: str = "") -> Template:
    today = to_local(now_utc()).date()
    months = periods_ending_before(Kind.MONTH, today, 12)
    return Template("late_lists/admin.html", status_code=HTTP_400_BAD_REQUEST if errors
                    else 200, context={
                        "lists": await late_lists.lists(), "months": months, "today": today,
                        "errors": errors or {}, "chosen": chosen or months[0].slug,
                        "publish_day": logic.PUBLISH_DAY})
