"""Staff dashboard: one per role, scoped to the user's agencies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.directory import queries as directory
from app.dossiers import service as dossiers
from app.formatting import LOCAL_TZ, now_utc, to_local
from app.notifications.staff import notices_for
from app.web.auth import requires_staff
from app.web.forms import FormErrors, read_day
from app.workflow import late, late_list


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
        query = request.query_params
        start = read_day(query.get("tu_ngay", ""), errors, "tu_ngay", date(today.year, 1, 1))
        end = read_day(query.get("den_ngay", ""), errors, "den_ngay", today)
        if not errors and end < start:
            errors.add("den_ngay", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        report = listed = None
        values = {"tu_ngay": query.get("tu_ngay") or f"{start:%d/%m/%Y}",
                  "den_ngay": query.get("den_ngay") or f"{end:%d/%m/%Y}"}
        if not errors:
            period = {"received_from": datetime.combine(start, datetime.min.time(), LOCAL_TZ),
                      "received_to": datetime.combine(end + timedelta(days=1),
                                                      datetime.min.time(), LOCAL_TZ)}
            scope = dossiers.visible_to(request.user)
            report = await late.late_report(scope, **period)
            # A count was followed: the dossiers behind it.
            kind = query.get("ds", "")
            if kind in late_list.KIND_LABELS:
                listed = await late_list.late_dossiers(
                    scope, kind, agency=_id(query.get("co_quan")),
                    officer=_id(query.get("can_bo")), **period)
        return Template("staff/late.html", status_code=HTTP_400_BAD_REQUEST if errors else 200,
                        context={"report": report, "errors": errors, "values": values,
                                 "listed": listed, "kind_labels": late_list.KIND_LABELS,
                                 "base": urlencode(values)})


def _id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None

