"""The counter's tracking book: filtered table (whole page or htmx fragment) and XLSX."""

from __future__ import annotations

import asyncio

from litestar import Controller, Request, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Response, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.dossiers.logic import Status
from app.formatting import now_utc, to_local
from app.legal_forms import book_service
from app.legal_forms.book import BookFilter, FilterError, parse_filter
from app.web.auth import requires_staff


class TrackingBookController(Controller):
    path = "/mot-cua/so-theo-doi"
    guards = [requires_staff]

    @get("/", name="book.page")
    async def page(self, request: HTMXRequest) -> Template:
        counters = await book_service.counters_for(request.user)
        context = {"counters": counters, "statuses": [s for s in Status if s != Status.DRAFT],
                   "rows": [], "total": 0, "error": "", "page": 1, "pages": 1}
        status_code = 200
        try:
            f = parse_filter(request.query_params, to_local(now_utc()).date())
            counter_id = _counter_id(request, counters)
            context.update(f=f, counter_id=counter_id,
                           procedures=await book_service.procedures_for(counter_id))
            rows, total = await book_service.read_book(request.user, counter_id, f)
            context.update(rows=rows, total=total, page=f.page,
                           pages=max(1, -(-total // book_service.PAGE_SIZE)),
                           query=_query(counter_id, f))
        except FilterError as exc:
            context.setdefault("f", None)
            context.update(error=str(exc), procedures=context.get("procedures", []))
            status_code = HTTP_400_BAD_REQUEST
        context.setdefault("counter_id", None)
        # One URL: the whole page, or only the table when htmx asks for it.
        name = "_book_table" if request.htmx and request.htmx.target == "book" else "book"
        return Template(f"legal_forms/{name}.html", context=context, status_code=status_code)

    @get("/xlsx", name="book.xlsx")
    async def xlsx(self, request: Request) -> Response:
        counters = await book_service.counters_for(request.user)
        try:
            f = parse_filter(request.query_params, to_local(now_utc()).date())
            counter_id = _counter_id(request, counters)
            rows, _ = await book_service.read_book(request.user, counter_id, f, export=True)
        except FilterError as exc:
            return Response(str(exc), status_code=HTTP_400_BAD_REQUEST,
                            media_type="text/plain; charset=utf-8")
        name = next(c["name"] for c in counters if c["id"] == counter_id)
        filename = f"so-theo-doi-{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}.xlsx"
        # Seconds of CPU for a busy month: off the event loop.
        content = await asyncio.to_thread(book_service.book_xlsx, rows, name, f)
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _counter_id(request: Request, counters: list[dict]) -> int:
    text = request.query_params.get("bo_phan", "")
    if not text:
        if not counters:
            raise FilterError("Tài khoản chưa thuộc bộ phận nào.")
        return counters[0]["id"]
    if not text.isdigit():
        raise FilterError("Bộ phận không hợp lệ.")
    return int(text)


def _query(counter_id: int, f: BookFilter) -> str:
    from urllib.parse import urlencode

    return urlencode({"bo_phan": counter_id, **f.query()})
