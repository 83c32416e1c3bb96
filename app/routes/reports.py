"""Monthly TTHC reports: the list of exports with their periods, downloads, and an export
on demand (queued for the worker; the page says so and the list shows it when ready)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.files import store
from app.formatting import now_utc, to_local
from app.jobs import api as jobs
from app.reports import logic
from app.reports import service as reports
from app.reports.service import XLSX
from app.settings import get_settings
from app.tasks.reports import export_monthly_report
from app.web.auth import requires_roles
from app.web.forms import read_form

VIEWERS = (Role.PROVINCIAL_ADMIN, Role.AUDITOR, Role.LEADER, Role.AGENCY_ADMIN)


async def _page(request: Request, errors: dict[str, str] | None = None,
                status_code: int = 200, chosen: str = "") -> Template:
    cutoff = get_settings().report_cutoff_day
    latest = logic.last_closed_period(to_local(now_utc()).date(), cutoff)
    # The last 24 closed periods, newest first, as the choices of the export form.
    periods, year, month = [], latest.year, latest.month
    for _ in range(24):
        periods.append(logic.monthly_period(year, month, cutoff))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return Template("reports/page.html", status_code=status_code, context={
        "exports": await reports.list_exports(), "periods": periods,
        "chosen": chosen or latest.slug, "errors": errors or {},
        "queued": request.query_params.get("dang_tao", ""), "cutoff": cutoff,
        "can_export": request.user.role == Role.PROVINCIAL_ADMIN,
    })


class ReportsController(Controller):
    path = "/bao-cao"
    guards = [requires_roles(*VIEWERS)]

    @get("/", name="reports.list")
    async def list_reports(self, request: Request) -> Template:
        return await _page(request)

    @post("/", name="reports.export", guards=[requires_roles(Role.PROVINCIAL_ADMIN)])
    async def export(self, request: Request) -> Template | Redirect:
        chosen = (await read_form(request)).get("ky", "")
        year, _, month = chosen.partition("-")
        try:
            if not (year.isdigit() and month.isdigit()):
                raise logic.PeriodError("Vui lòng chọn kỳ báo cáo.")
            period = logic.monthly_period(int(year), int(month),
                                          get_settings().report_cutoff_day)
        except logic.PeriodError as exc:
            return await _page(request, {"ky": str(exc)}, HTTP_400_BAD_REQUEST, chosen)
        await jobs.enqueue(export_monthly_report, period.year, period.month, request.user.id)
        target = request.app.route_reverse("reports.list")
        return Redirect(f"{target}?dang_tao={period.slug}", status_code=303)

    @get("/{export_id:int}/{kind:str}", name="reports.download")
    async def download(self, export_id: FromPath[int], kind: FromPath[str]) -> Response:
        found = await reports.file_for(export_id, kind) if kind in ("xlsx", "pdf") else None
        if found is None:
            raise NotFoundException("Không tìm thấy tệp báo cáo.")
        sha256, period = found
        filename = f"bao-cao-tthc-{period.slug}.{kind}"
        return Response(store.read(sha256), media_type=XLSX if kind == "xlsx"
                        else "application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
