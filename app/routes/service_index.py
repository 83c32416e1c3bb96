"""The service index (QĐ 766/QĐ-TTg): a public page with the province's and each agency's
score for a month, and a staff-only drill-down to the dossiers behind a rate.

Why the drill-down is staff-only: a dossier code is the key of the public tracking lookup
(/tra-cuu?ma=…), so a public list of codes would let anyone follow other people's
dossiers. Staff see only their own agencies' dossiers; provincial admins and auditors see
the whole province.
"""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_503_SERVICE_UNAVAILABLE

from app.formatting import now_utc, to_local
from app.reports.logic import Period, PeriodError
from app.service_index import logic
from app.service_index import service as index
from app.web.auth import requires_staff

MONTHS_SHOWN = 24
DRILL_PAGE_SIZE = 100
# Which dossiers of the denominator to list; by default those that did not count, which are
# the ones staff act on (a large month holds thousands that did).
CHOICES = {"khong-dat": "Không đạt", "dat": "Đạt", "tat-ca": "Tất cả"}


def _months(today: date) -> list[Period]:
    year, month, out = today.year, today.month, []
    for _ in range(MONTHS_SHOWN):
        out.append(index.month_period(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _period(value: str, default: Period) -> Period:
    """`thang=YYYY-MM`, or the current month when absent."""
    if not value:
        return default
    year, _, month = value.partition("-")
    if not (len(year) == 4 and year.isdigit() and month.isdigit()):
        raise PeriodError("Chọn tháng theo dạng năm-tháng, ví dụ 2026-03.")
    return index.month_period(int(year), int(month))


def _agency(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:  # longer ones overflow SQLite's integers
        raise PeriodError("Mã cơ quan không hợp lệ.")
    return int(value)


def _config() -> logic.IndexConfig:
    try:
        return index.load_config()
    except logic.ConfigError as exc:
        # An operator's mistake in the configuration file: say what, not a stack trace.
        raise HTTPException(status_code=HTTP_503_SERVICE_UNAVAILABLE,
                            detail=f"Bộ chỉ số tạm thời không tính được: {exc}") from exc


class ServiceIndexController(Controller):
    path = "/chi-so-phuc-vu"

    @get("/", name="service_index.page")
    async def page(self, request: HTMXRequest) -> Template:
        months = _months(to_local(now_utc()).date())
        params = request.query_params
        context = {"months": months, "errors": {}, "chosen": params.get("thang", ""),
                   "agency_id": None, "not_yet": index.NOT_YET,
                   "drillable": index.DOSSIER_INDICATORS}
        try:
            period = _period(params.get("thang", ""), months[0])
            agency_id = _agency(params.get("co_quan", ""))
        except PeriodError as exc:
            context["errors"] = {"thang": str(exc)}
            return Template("service_index/page.html", context=context,
                            status_code=HTTP_400_BAD_REQUEST)
        province, agencies = await index.cached_province_index(period, _config())
        shown = province
        if agency_id is not None:
            shown = next((a for a in agencies if a.agency_id == agency_id), None)
            if shown is None:
                raise NotFoundException("Cơ quan này không có hồ sơ trong tháng đã chọn.")
        context.update(period=period, chosen=period.slug, province=province,
                       agencies=agencies, shown=shown, agency_id=agency_id)
        if request.htmx:
            return Template("service_index/_partial.html", context=context)
        return Template("service_index/page.html", context=context)

    @get("/{indicator:str}", name="service_index.dossiers", guards=[requires_staff])
    async def dossiers(self, request: Request, indicator: FromPath[str]) -> Template:
        config = _config()
        found = config.indicator(indicator)
        if found is None or indicator not in index.DOSSIER_INDICATORS:
            raise NotFoundException("Chỉ số này không có danh sách hồ sơ.")
        params = request.query_params
        try:
            period = _period(params.get("thang", ""),
                             _months(to_local(now_utc()).date())[0])
            agency_id = _agency(params.get("co_quan", ""))
        except PeriodError as exc:
            raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
        user = request.user
        if user.role.sees_whole_province:
            scope = None if agency_id is None else [agency_id]
        elif agency_id is None:
            scope = list(user.agency_ids)
        elif agency_id in user.agency_ids:
            scope = [agency_id]
        else:
            raise PermissionDeniedException("Bạn chỉ xem được hồ sơ của cơ quan mình.")
        choice = params.get("chon", "khong-dat")
        page = params.get("trang", "1")
        if choice not in CHOICES or not page.isdigit() or int(page) < 1:
            raise HTTPException(status_code=HTTP_400_BAD_REQUEST,
                                detail="Lựa chọn danh sách hoặc số trang không hợp lệ.")
        numerator, denominator = await index.drill_down(period, scope, indicator, config)
        counted = {r.id for r in numerator}
        listed = [r for r in denominator if choice == "tat-ca"
                  or (r.id in counted) == (choice == "dat")]
        pages = max(1, -(-len(listed) // DRILL_PAGE_SIZE))
        page_no = min(int(page), pages)
        return Template("service_index/dossiers.html", context={
            "indicator": found, "period": period, "counted": len(numerator),
            "total": len(denominator), "agency_id": agency_id,
            "whole_province": scope is None, "in_numerator": counted,
            "rows": listed[(page_no - 1) * DRILL_PAGE_SIZE:page_no * DRILL_PAGE_SIZE],
            "listed": len(listed), "page": page_no, "pages": pages,
            "choice": choice, "choices": CHOICES,
        })
