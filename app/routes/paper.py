"""Paper-only receptions recorded in bulk at the counter, and the share handled in the
system for everyone who oversees the counters."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.counter import paper
from app.counter.paper import share
from app.counter.service import procedures_for_counter
from app.formatting import now_utc, to_local
from app.web.auth import requires_roles, requires_staff
from app.web.forms import FormErrors, read_form


def _day(text: str, errors: FormErrors, name: str, default: date) -> date:
    if not text.strip():
        return default
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        errors.add(name, "Ngày phải theo dạng dd/mm/yyyy, ví dụ 01/03/2026.")
        return default


class PaperController(Controller):
    path = "/mot-cua/ho-so-giay"
    guards = [requires_staff]

    @get("/", name="paper.page")
    async def page(self, request: Request) -> Template:
        errors, values = FormErrors(), dict(request.query_params)
        return await _page(request, errors, values)

    @post("/", name="paper.record", guards=[requires_roles(Role.COUNTER_OFFICER)])
    async def record(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors = FormErrors()
        today = to_local(now_utc()).date()
        day = _day(data.get("ngay", ""), errors, "ngay", today)
        if day > today:
            errors.add("ngay", "Không ghi số hồ sơ cho ngày chưa đến.")
        allowed = {row["id"] for row in await procedures_for_counter(request.user)}
        counts, count_errors = paper.parse_counts(data, allowed)
        for name, message in count_errors.messages.items():
            errors.add(name, message)
        if not request.user.agency_ids:
            errors.add("counts", "Tài khoản chưa được gán cơ quan: liên hệ quản trị.")
        if not errors and not counts:
            errors.add("counts", "Nhập số hồ sơ giấy của ít nhất một thủ tục.")
        if errors:
            return await _page(request, errors, data, status_code=HTTP_400_BAD_REQUEST)
        await paper.record(request.user, day, counts)
        url = request.app.route_reverse("paper.page")
        return Redirect(f"{url}?ngay={day:%d/%m/%Y}&da_luu=1", status_code=303)


async def _page(request: Request, errors: FormErrors, values: dict, status_code: int = 200
                ) -> Template:
    user, today = request.user, to_local(now_utc()).date()
    day = _day(values.get("ngay", "") if not errors.messages.get("ngay") else "", errors,
               "ngay", today)
    start = _day(values.get("tu_ngay", ""), errors, "tu_ngay", date(today.year, 1, 1))
    end = _day(values.get("den_ngay", ""), errors, "den_ngay", today)
    rows = await paper.share_report(user, start, end)
    recording = user.role == Role.COUNTER_OFFICER
    return Template("counter/paper.html", status_code=status_code, context={
        "errors": errors, "values": values, "day": day, "start": start, "end": end,
        "rows": rows, "total": share(sum(r.in_system for r in rows),
                                     sum(r.on_paper for r in rows)),
        "in_system": sum(r.in_system for r in rows), "on_paper": sum(r.on_paper for r in rows),
        "procedures": await procedures_for_counter(user) if recording else [],
        "existing": await paper.counts_on(user, day) if recording else {},
        "saved": request.query_params.get("da_luu") == "1", "field": paper.FIELD,
    })
