"""The provincial admin's working calendar: office-hours versions and day overrides."""

from __future__ import annotations

import re
from datetime import date, datetime

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.calendar import admin
from app.tasks.calendar import recompute_due_dates
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form
from app.workflow.recompute import preview

_BLOCK = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


def parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_blocks(text: str) -> list[tuple[str, str]] | None:
    """"07:30-11:30, 13:00-17:00" → [("07:30", "11:30"), ("13:00", "17:00")]."""
    blocks = []
    for part in text.split(","):
        match = _BLOCK.match(part)
        if not match:
            return None
        blocks.append(tuple(value.zfill(5) for value in match.groups()))
    return blocks or None


class CalendarAdminController(Controller):
    path = "/quan-tri/lich-lam-viec"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN)]

    @get("/", name="calendar_admin.page")
    async def page(self, request: Request) -> Template:
        return await _page(request, FormErrors(), {})

    @post("/gio-lam-viec", name="calendar_admin.add_hours")
    async def add_hours(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors = FormErrors()
        day = parse_day(data.get("effective_from", ""))
        blocks = parse_blocks(data.get("blocks", ""))
        if day is None:
            errors.add("effective_from", "Ngày áp dụng phải theo dạng dd/mm/yyyy.")
        if blocks is None:
            errors.add("blocks", "Ghi các buổi làm việc dạng 07:30-11:30, 13:00-17:00.")
        question = (f"Áp dụng giờ làm việc {', '.join(f'{a}–{b}' for a, b in blocks or [])} "
                    f"từ ngày {day:%d/%m/%Y}?" if day and blocks else "")
        return await _decide(request, errors, data, question,
                             lambda: admin.propose_office_hours(day, blocks),
                             lambda: admin.add_office_hours(request.user.id, day, blocks))

    @post("/ngay", name="calendar_admin.add_day")
    async def add_day(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        errors = FormErrors()
        day = parse_day(data.get("day", ""))
        working = data.get("kind") == "working"
        if day is None:
            errors.add("day", "Ngày phải theo dạng dd/mm/yyyy.")
        if data.get("kind") not in ("off", "working"):
            errors.add("kind", "Chọn ngày nghỉ hoặc ngày làm bù.")
        if not data.get("reason"):
            errors.add("reason", "Ghi lý do (ví dụ số quyết định, thông báo).")
        kind = "ngày làm bù" if working else "ngày nghỉ thêm"
        question = f"Khai báo {day:%d/%m/%Y} là {kind}?" if day else ""
        return await _decide(request, errors, data, question,
                             lambda: admin.propose_override(day, working, data["reason"]),
                             lambda: admin.add_override(request.user.id, day, working,
                                                        data.get("reason", "")))

    @post("/ngay/{override_id:int}/xoa", name="calendar_admin.remove_day")
    async def remove_day(self, request: Request, override_id: FromPath[int]
                         ) -> Template | Redirect:
        data = await read_form(request)

        async def propose():
            proposal, row = await admin.propose_removal(override_id)
            kind = "ngày làm bù" if row["working"] else "ngày nghỉ"
            data["_question"] = f"Xóa khai báo {kind} {row['day']:%d/%m/%Y} ({row['reason']})?"
            return proposal

        return await _decide(request, FormErrors(), data, "", propose,
                             lambda: admin.remove_override(request.user.id, override_id))


async def _decide(request: Request, errors: FormErrors, data: dict, question: str,
                  propose, save) -> Template | Redirect:
    """Nothing changes before the admin has seen what it would do: the first post shows
    the preview (dossiers whose appointment moves, messages to be sent), the confirmed
    one saves; "Sửa lại" brings the form back with what was typed."""
    if not errors and data.get("sua") != "1":
        try:
            if data.get("xac_nhan") == "1":
                done = await save()
                # Queued after the commit: the task must see the new calendar.
                recompute_due_dates(done.reason, done.since.isoformat(), request.user.id)
                url = request.app.route_reverse("calendar_admin.page")
                return Redirect(f"{url}?da_luu=1", status_code=303)
            proposal = await propose()
            return Template("admin/calendar_confirm.html", context={
                "question": data.pop("_question", question),
                "preview": await preview(proposal.since, proposal.calendar),
                "fields": {k: v for k, v in data.items() if k not in ("xac_nhan", "sua")},
                "action": str(request.url.path)})
        except admin.CalendarError as exc:
            errors.add("calendar", str(exc))
    status = HTTP_400_BAD_REQUEST if errors else 200
    return await _page(request, errors, data, status_code=status)


async def _page(request: Request, errors: FormErrors, values: dict, status_code: int = 200
                ) -> Template:
    return Template("admin/calendar.html", status_code=status_code, context={
        **await admin.configuration(), "errors": errors, "values": values,
        "saved": request.query_params.get("da_luu") == "1"})
