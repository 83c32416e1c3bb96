"""The service index (QĐ 766/QĐ-TTg): the public page with the province's and each agency's
score for a period, an indicator's own page (formula, threshold, source, the items behind
its numbers), and the charts page.

Who sees which list: procedures are public facts, so anyone sees the procedures behind an
indicator. Dossiers and feedback are not: a dossier code is the key of the public tracking
lookup (/tra-cuu?ma=…) and feedback carries people's words, so their lists are for staff —
their own agencies; provincial admins and auditors the whole province.
"""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_503_SERVICE_UNAVAILABLE

from app.reports.periods import Kind, Period, PeriodError, parse_slug, started_periods
from app.service_index import charts, logic, trends
from app.service_index import gather as index_gather
from app.service_index import service as index
from app.service_index.indicators import GROUP_NAMES, PROCEDURES, UNIT_NAMES

PAGE_SIZE = 100
# Which items of the denominator to list; by default those that did not count, which are
# the ones staff act on (a large month holds thousands that did).
CHOICES = {"khong-dat": "Không đạt", "dat": "Đạt", "tat-ca": "Tất cả"}
SHOWN = {Kind.MONTH: 24, Kind.QUARTER: 8, Kind.HALF: 4, Kind.NINE_MONTHS: 3, Kind.YEAR: 3}


def today() -> date:
    return index_gather.local_today()


def period_groups(day: date) -> list[tuple[Kind, list[Period]]]:
    return [(kind, started_periods(kind, day, count)) for kind, count in SHOWN.items()]


def chosen_period(request: Request, day: date) -> Period:
    """`ky=2026-03` (or 2026-q1, 2026-h1, 2026-9t, 2026); `thang=` as before; this month.
    The public may choose among the periods offered (each costs a computation the cache
    then keeps, so a visitor cannot make the server compute every month since 2000);
    staff any period."""
    params = request.query_params
    slug = params.get("ky") or params.get("thang") or ""
    period = parse_slug(slug) if slug else started_periods(Kind.MONTH, day, 1)[0]
    user = request.scope.get("user")
    offered = {p for _, periods in period_groups(day) for p in periods}
    if period not in offered and not (user is not None and user.is_staff):
        raise PeriodError("Chọn một kỳ trong danh sách (cán bộ xem được các kỳ khác).")
    return period


def chosen_agency(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:  # longer ones overflow SQLite's integers
        raise PeriodError("Mã cơ quan không hợp lệ.")
    return int(value)


def index_config() -> logic.IndexConfig:
    try:
        return index.load_config()
    except logic.ConfigError as exc:
        # An operator's mistake in the configuration file: say what, not a stack trace.
        raise HTTPException(status_code=HTTP_503_SERVICE_UNAVAILABLE,
                            detail=f"Bộ chỉ số tạm thời không tính được: {exc}") from exc


async def figures(period: Period, agency_id: int | None, config: logic.IndexConfig):
    """(shown, province, agencies): the cached index of the period, one agency's if asked."""
    province, agencies = await index.cached_province_index(
        period, config, closed=period.last_day < today())
    shown = province
    if agency_id is not None:
        shown = next((a for a in agencies if a.agency_id == agency_id), None)
        if shown is None:
            raise NotFoundException("Không có cơ quan này trong bộ chỉ số.")
    return shown, province, agencies


def list_scope(request: Request, unit: str, agency_id: int | None) -> list[int] | None | bool:
    """Whose items this user may list: None the province, a list of agencies, or False."""
    user = request.scope.get("user")
    if unit == PROCEDURES or (user is not None and user.role.sees_whole_province):
        return None if agency_id is None else [agency_id]
    if user is None or not user.is_staff:
        return False
    if agency_id is None:
        return list(user.agency_ids)
    if agency_id in user.agency_ids:
        return [agency_id]
    raise PermissionDeniedException("Bạn chỉ xem được danh sách của cơ quan mình.")


class ServiceIndexController(Controller):
    path = "/chi-so-phuc-vu"

    @get("/", name="service_index.page")
    async def page(self, request: HTMXRequest) -> Template:
        day, params = today(), request.query_params
        context = {"groups": period_groups(day), "errors": {}, "agency_id": None,
                   "chosen": params.get("ky") or params.get("thang") or ""}
        try:
            period = chosen_period(request, day)
            agency_id = chosen_agency(params.get("co_quan", ""))
        except PeriodError as exc:
            context["errors"] = {"ky": str(exc)}
            return Template("service_index/page.html", context=context,
                            status_code=HTTP_400_BAD_REQUEST)
        shown, province, agencies = await figures(period, agency_id, index_config())
        context.update(period=period, chosen=period.slug, province=province,
                       agencies=agencies, shown=shown, agency_id=agency_id)
        if request.htmx:
            return Template("service_index/_partial.html", context=context)
        return Template("service_index/page.html", context=context)

    @get("/bieu-do", name="service_index.charts")
    async def charts(self, request: Request) -> Template:
        """The province's score by month and late dossiers by agency, or one agency's
        on-time and online rates by month, for the 12 months up to the chosen period;
        each chart with its table."""
        day, params = today(), request.query_params
        try:
            period = chosen_period(request, day)
            agency_id = chosen_agency(params.get("co_quan", ""))
        except PeriodError as exc:
            raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
        config = index_config()
        shown, province, agencies = await figures(period, agency_id, config)
        history = await trends.months(period.last_day, day, config,
                                      known={period: (province, agencies)})
        online = trends.rate_series(history, "online_dossiers", agency_id)
        context = {"shown": shown, "period": period, "agency_id": agency_id,
                   "online": online, "online_chart": charts.line_chart(
                       "truc-tuyen", f"Tỷ lệ hồ sơ trực tuyến (3.3) · {shown.name}",
                       online.points, unit="%", goal=config.indicator(
                           "online_dossiers").threshold)}
        if agency_id is None:
            scores, late = trends.score_series(history), trends.late_by_agency(agencies)
            context.update(
                scores=scores, late=sorted(late, key=lambda r: (-r[1], r[0])),
                score_chart=charts.line_chart("diem", "Điểm bộ chỉ số toàn tỉnh theo tháng",
                                              scores.points),
                late_chart=charts.bar_chart("tre-han", f"Hồ sơ trễ hạn theo cơ quan · "
                                            f"{period.name}", late))
        else:
            on_time = trends.rate_series(history, "on_time", agency_id)
            context.update(on_time=on_time, on_time_chart=charts.line_chart(
                "dung-han", f"Tỷ lệ hồ sơ đúng hạn (2.1) · {shown.name}", on_time.points,
                unit="%"))
        return Template("service_index/charts.html", context=context)

    @get("/{indicator:str}", name="service_index.indicator")
    async def indicator(self, request: Request, indicator: FromPath[str]) -> Template:
        config = index_config()
        found = config.indicator(indicator)
        if found is None:
            raise NotFoundException("Không có chỉ số này.")
        params = request.query_params
        choice, page = params.get("chon", "khong-dat"), params.get("trang", "1")
        try:
            period = chosen_period(request, today())
            agency_id = chosen_agency(params.get("co_quan", ""))
            if choice not in CHOICES or not page.isdigit() or int(page) < 1:
                raise PeriodError("Lựa chọn danh sách hoặc số trang không hợp lệ.")
        except PeriodError as exc:
            raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
        shown, _, _ = await figures(period, agency_id, config)
        scope = list_scope(request, found.unit, agency_id)
        context = {"indicator": found, "scored": shown.result.indicator(indicator),
                   "shown": shown, "period": period, "agency_id": agency_id,
                   "unit_name": UNIT_NAMES[found.unit], "listed": scope is not False,
                   "choice": choice, "choices": CHOICES, "group": GROUP_NAMES}
        if scope is not False:
            public = found.unit == PROCEDURES  # the province's facts of the minute, filtered
            drill = await index.drill_down(period, None if public else scope, indicator,
                                           config, fresh=not public)
            items = [i for i in drill.items if (choice == "tat-ca"
                     or i.counted == (choice == "dat"))
                     and (agency_id is None or i.agency_id == agency_id)]
            pages = max(1, -(-len(items) // PAGE_SIZE))
            number = min(int(page), pages)
            context.update(drill=drill, count=len(items), page=number, pages=pages,
                           rows=items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE],
                           scope_name="toàn tỉnh" if scope is None else (
                               shown.name if agency_id is not None else "các cơ quan của bạn"))
        return Template("service_index/indicator.html", context=context)
