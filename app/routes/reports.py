"""TTHC reports: the list of exports with their periods, downloads, and an export on demand
for any closed reporting period — month, quarter, 6 months, 9 months, year (queued for the
worker; the page says so and the list shows it when ready)."""

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
from app.reports import service as reports
from app.reports.periods import Kind, PeriodError, parse_slug, periods_ending_before
from app.reports.service import XLSX
from app.settings import get_settings
from app.tasks.reports import export_monthly_report
from app.web.auth import requires_roles
from app.web.forms import read_form

VIEWERS = (Role.PROVINCIAL_ADMIN, Role.AUDITOR, Role.LEADER, Role.AGENCY_ADMIN)


# How many closed periods of each kind the export form offers, newest first.
CHOICES = {Kind.MONTH: 24, Kind.QUARTER: 8, Kind.HALF: 4, Kind.NINE_MONTHS: 3, Kind.YEAR: 3}


async def _page(request: Request, errors: dict[str, str] | None = None,
                status_code: int = 200, chosen: str = "") -> Template:
    cutoff = get_settings().report_cutoff_day
    today = to_local(now_utc()).date()
    groups = [(kind, periods_ending_before(kind, today, count, cutoff))
              for kind, count in CHOICES.items()]
    return Template("reports/page.html", status_code=status_code, context={
        "exports": await reports.list_exports(), "groups": groups,
        "chosen": chosen or groups[0][1][0].slug, "errors": errors or {},
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
        try:
            if not chosen:
                raise PeriodError("Vui lòng chọn kỳ báo cáo.")
            period = parse_slug(chosen, get_settings().report_cutoff_day)
        except PeriodError as exc:
            return await _page(request, {"ky": str(exc)}, HTTP_400_BAD_REQUEST, chosen)
        await jobs.enqueue(export_monthly_report, period.year, period.month, request.user.id,
                           period.kind.value)
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
