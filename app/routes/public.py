"""Public pages: home, procedure search, procedure page, dossier lookup. No login."""

from __future__ import annotations

from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from app.catalog import forms, search_view
from app.catalog import search as catalog_search
from app.catalog import service as catalog
from app.dossiers import lookup_limit
from app.dossiers.logic import last_digits_problem
from app.dossiers.lookup_limit import LookupThrottled
from app.legal_forms import conversion
from app.portal import tracking
from app.web.forms import client_ip


class PublicController(Controller):
    path = "/"

    @get("/", name="home")
    async def home(self) -> Template:
        return Template(
            "public/home.html", context={"procedure_count": await catalog.count_procedures()}
        )

    @get("/thu-tuc", name="catalog.search")
    async def search(self, request: HTMXRequest) -> Template:
        params = request.query_params
        q = params.get("q", "").strip()[:200]
        filters = catalog_search.filters_from(params)
        results = await catalog_search.search(q, filters)
        # The same URL serves the whole page or, for htmx, only the results list.
        if request.htmx and request.htmx.target == "search-results":
            return Template("public/_search_results.html",
                            context=search_view.page_context(request, q, filters, results))
        return Template("public/search.html", context=search_view.page_context(
            request, q, filters, results, await catalog_search.filter_options()))

    @get("/thu-tuc/{procedure_id:int}", name="catalog.procedure")
    async def procedure(self, procedure_id: FromPath[int]) -> Template:
        procedure = await catalog.get_procedure(procedure_id)
        if procedure is None:
            raise NotFoundException("Không tìm thấy thủ tục này.")
        return Template("public/procedure.html", context={"procedure": procedure})

    @get("/thu-tuc/{procedure_id:int}/mau/{component_id:int}", name="catalog.form")
    async def form_template(self, procedure_id: FromPath[int],
                            component_id: FromPath[int]) -> Response:
        component = await forms.component_with_form(procedure_id, component_id)
        if component is None:
            raise NotFoundException("Không tìm thấy mẫu đơn, tờ khai này.")
        content, media_type, name = await forms.template_file(component)
        return Response(content, media_type=media_type, headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "public, max-age=86400"})

    # The media type named here, not guessed from the template's file name on every
    # response (mimetypes, ~7 µs of a lookup; issue #21): the same text/html header.
    @get("/tra-cuu", name="lookup", media_type=MediaType.HTML)
    async def lookup(self, request: Request) -> Response:
        ma = request.query_params.get("ma", "").strip()[:60]
        so = request.query_params.get("so", "").strip()[:10]
        # A QR code opens the page with the code only: ask for the digits, no error and
        # no failed attempt counted.
        prefilled = bool(ma) and not so
        searched = bool(ma or so) and not prefilled
        if searched and last_digits_problem(so):  # a typing slip, not a guess: not counted
            return _lookup_page(request, HTTP_400_BAD_REQUEST, {
                "ma": ma, "so": so, "searched": False, "result": None,
                "problem": last_digits_problem(so)})
        try:
            result = await lookup_limit.attempt(
                client_ip(request), lambda: tracking.public_view(ma, so),
                code=ma, digits=so) if searched else None
        except LookupThrottled as exc:
            return _lookup_page(request, HTTP_429_TOO_MANY_REQUESTS, {
                "ma": ma, "so": so, "searched": False, "result": None,
                "throttled_minutes": exc.minutes})
        context = {"ma": ma, "so": so, "searched": searched, "result": result,
                   "prefilled": prefilled}
        if result:  # lets whoever holds a paper conversion check it against the file
            context["result_facts"] = await conversion.public_result_facts(
                result["dossier_id"], result["issued_result"])
        return _lookup_page(request, 200 if result or not searched else 404, context)


def _lookup_page(request: Request, status_code: int, context: dict) -> Response:
    """`public/lookup.html`, drawn from its kept pieces (app.portal.lookup_view)."""
    page = request.app.template_engine.engine.globals["lookup_view"].page(request, context)
    if page is None:  # a kept form's notice to show: the template draws it
        return Template("public/lookup.html", context=context, status_code=status_code)
    return Response(page, media_type=MediaType.HTML, status_code=status_code)
