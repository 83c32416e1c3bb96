"""The staff work queue: one search box, filters in the URL, sort, paging, and bulk
assign/forward for leaders. One URL gives the page or, to htmx, only the table."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.dossiers import queries
from app.dossiers.logic import Channel, Status
from app.formatting import now_utc
from app.web.auth import requires_roles, requires_staff
from app.web.forms import FormErrors, read_form
from app.workqueue import batch, search
from app.workqueue.logic import DUE_LABELS, SORT_LABELS, QueueFilter, page_count, parse_filter

SEARCH_FORM_ID = "queue-search"  # htmx names it in HX-Trigger when the box is submitted


class QueueController(Controller):
    path = "/can-bo/hang-doi"
    guards = [requires_staff]

    @get("/", name="staff.queue")
    async def queue(self, request: HTMXRequest) -> Template | Redirect | ClientRedirect:
        errors = FormErrors()
        f = parse_filter(request.query_params, errors)
        found = (await search.find(request.user, f) if not errors
                 else search.QueuePage([], 0, False))
        # Enter in the search box: an exact key with one dossier opens it.
        submitted = (request.htmx.trigger == SEARCH_FORM_ID if request.htmx
                     else request.query_params.get("mo") == "1")
        if submitted and f.text and found.total == 1 and f.page == 1:
            url = request.app.route_reverse("dossier.detail", dossier_id=found.rows[0]["id"])
            return ClientRedirect(url) if request.htmx else Redirect(url, status_code=303)
        context = await _context(request, f, found, errors)
        if request.htmx and request.htmx.target == "queue":
            return Template("staff/_queue_table.html", context=context)
        return Template("staff/queue.html", context=context,
                        status_code=HTTP_400_BAD_REQUEST if errors else 200)

    @post("/xu-ly-hang-loat", name="queue.bulk", guards=[requires_roles(Role.LEADER)])
    async def bulk(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        form = await request.form()
        ticked = [str(v) for v in form.getall("ho_so")] if "ho_so" in form else []
        try:
            run_id = await batch.run(request.user, token=data.get("ma_lan_gui", ""),
                                     action=data.get("thao_tac", ""),
                                     assignee=data.get("nguoi_xu_ly", ""), dossier_ids=ticked)
        except batch.BatchError as exc:
            # The queue comes back as it was, with the ticks and choices kept.
            errors = FormErrors()
            errors.add("thao_tac", str(exc))
            f = parse_filter(dict(parse_qsl(data.get("loc", ""))), FormErrors())
            found = await search.find(request.user, f)
            context = await _context(request, f, found, errors, bulk_values={
                "ticked": set(ticked), "thao_tac": data.get("thao_tac", ""),
                "nguoi_xu_ly": data.get("nguoi_xu_ly", "")})
            return Template("staff/queue.html", context=context,
                            status_code=HTTP_400_BAD_REQUEST)
        url = request.app.route_reverse("queue.outcome", run_id=run_id)
        return Redirect(url, status_code=303)

    @get("/ket-qua/{run_id:int}", name="queue.outcome", guards=[requires_roles(Role.LEADER)])
    async def outcome(self, request: Request, run_id: FromPath[int]) -> Template:
        run = await batch.outcome_of(run_id, request.user)
        if run is None:
            raise NotFoundException("Không tìm thấy lần xử lý này.")
        return Template("staff/queue_outcome.html", context={"run": run})


async def _assignees(agency_ids) -> list[dict]:
    people: dict[int, dict] = {}
    for agency_id in agency_ids:
        for person in await queries.colleagues(agency_id):
            people.setdefault(person["id"], person)
    return sorted(people.values(), key=lambda p: p["full_name"])


async def _context(request: Request, f: QueueFilter, found: search.QueuePage,
                   errors: FormErrors, bulk_values: dict | None = None) -> dict:
    user = request.user
    may_bulk = batch.may_act_in_bulk(user)
    return {
        "f": f, "rows": found.rows, "total": found.total, "capped": found.capped,
        "max_candidates": search.MAX_CANDIDATES, "page": f.page,
        "pages": page_count(found.total), "now": now_utc(), "errors": errors,
        "query": urlencode(f.query()), "page_query": lambda **c: urlencode(f.query(**c)),
        "statuses": [s for s in Status if s != Status.DRAFT], "channels": list(Channel),
        "due_labels": DUE_LABELS, "sort_labels": SORT_LABELS,
        "options": await search.filter_options(user, f),
        "may_bulk": may_bulk, "bulk_actions": batch.BULK_ACTIONS,
        "assignees": await _assignees(user.agency_ids) if may_bulk else [],
        "bulk_token": batch.new_token() if may_bulk else "",
        "bulk": bulk_values or {"ticked": set(), "thao_tac": "", "nguoi_xu_ly": ""},
        "form_id": SEARCH_FORM_ID,
    }
