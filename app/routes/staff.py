"""Staff dashboard: one per role, scoped to the user's agencies."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from litestar import Controller, Request, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.directory import queries as directory
from app.dossiers import service as dossiers
from app.dossiers.logic import OPEN_STATUSES, Status
from app.formatting import LOCAL_TZ, now_utc, to_local
from app.notifications.staff import notices_for
from app.web.auth import requires_staff
from app.web.forms import FormErrors
from app.workflow import late


class StaffController(Controller):
    path = "/can-bo"
    guards = [requires_staff]

    @get("/", name="staff.dashboard")
    async def dashboard(self, request: Request) -> Template:
        user = request.user
        return Template("staff/dashboard.html", context={
            "agencies": await directory.agencies_named(user.agency_ids),
            "province_wide": user.role.sees_whole_province,
            "counts": await dossiers.status_counts(user),
            "recent": await dossiers.recent_dossiers(user, limit=10),
            "late_count": await late.count_overdue_without_apology(dossiers.visible_to(user)),
            "late_without_apology": await late.overdue_without_apology_page(
                dossiers.visible_to(user), limit=5),
            "notices": await notices_for(user.id),
        })

    @get("/tre-han", name="staff.late")
    async def late_dossiers(self, request: Request) -> Template:
        """Late dossiers with and without an apology, per agency and per officer."""
        errors, today = FormErrors(), to_local(now_utc()).date()
        start = _day(request, "tu_ngay", date(today.year, 1, 1), errors)
        end = _day(request, "den_ngay", today, errors)
        if not errors and end < start:
            errors.add("den_ngay", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        report = None
        if not errors:
            report = await late.late_report(
                dossiers.visible_to(request.user),
                received_from=datetime.combine(start, datetime.min.time(), LOCAL_TZ),
                received_to=datetime.combine(end + timedelta(days=1), datetime.min.time(),
                                             LOCAL_TZ))
        return Template("staff/late.html", status_code=HTTP_400_BAD_REQUEST if errors else 200,
                        context={"report": report, "errors": errors, "values": {
                            "tu_ngay": request.query_params.get("tu_ngay") or f"{start:%d/%m/%Y}",
                            "den_ngay": request.query_params.get("den_ngay") or f"{end:%d/%m/%Y}",
                        }})


    @get("/hang-doi", name="staff.queue")
    async def queue(self, request: HTMXRequest) -> Template:
        params = request.query_params
        mine = params.get("pham_vi", "cua-toi") != "don-vi"
        status_text = params.get("trang_thai", "")
        status = int(status_text) if status_text.isdigit() else None
        page_text = params.get("trang", "1")
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        rows, total = await dossiers.work_queue(request.user, mine=mine, status=status,
                                                page=page)
        context = {
            "rows": rows, "total": total, "page": page, "mine": mine, "status": status,
            "pages": max(1, -(-total // dossiers.QUEUE_PAGE_SIZE)), "now": now_utc(),
            "statuses": sorted({*OPEN_STATUSES, Status.NEW}),
        }
        # One URL: the whole page, or only the table when htmx asks for it.
        if request.htmx and request.htmx.target == "queue":
            return Template("staff/_queue_table.html", context=context)
        return Template("staff/queue.html", context=context)


def _day(request: Request, name: str, default: date, errors: FormErrors) -> date:
    text = request.query_params.get(name, "").strip()
    if not text:
        return default
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        errors.add(name, "Ngày phải theo dạng dd/mm/yyyy, ví dụ 01/01/2026.")
        return default
