"""The counter: choose a procedure, receive the dossier, print the receipt slip."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.catalog import service as catalog
from app.counter import service as counter
from app.counter.logic import OUTCOME_LABELS, Outcome, decide
from app.directory import queries as directory
from app.web.auth import requires_roles
from app.web.forms import FormErrors, read_form
from app.workflow import TransitionError


class CounterController(Controller):
    path = "/mot-cua"
    guards = [requires_roles(Role.COUNTER_OFFICER, Role.POSTAL_STAFF)]

    @get("/tiep-nhan", name="counter.choose")
    async def choose(self, request: Request) -> Template | Redirect:
        chosen = request.query_params.get("thu_tuc", "")
        if chosen.isdigit():
            return Redirect(request.app.route_reverse("counter.form", procedure_id=int(chosen)))
        return Template("counter/choose.html", context={
            "procedures": await counter.procedures_for_counter(request.user)})

    @get("/tra-ket-qua", name="counter.returns")
    async def returns(self, request: Request) -> Template:
        return Template("counter/returns.html", context={
            "rows": await counter.results_to_return(request.user)})

    @get("/tiep-nhan/{procedure_id:int}", name="counter.form")
    async def form(self, request: Request, procedure_id: FromPath[int]) -> Template:
        searched = request.query_params.get("cccd", "").strip()[:20]
        found = await counter.find_applicant(searched) if searched else None
        values = found or ({"applicant_id_number": searched} if searched else {})
        return await _reception_page(request, procedure_id, values, FormErrors(),
                                     searched=searched, found=found)

    @post("/tiep-nhan/{procedure_id:int}", name="counter.receive")
    async def receive(self, request: Request, procedure_id: FromPath[int]) -> Template | Redirect:
        data = await read_form(request)
        token = data.get("reception_token", "")
        if not counter.valid_token(token):
            errors = FormErrors()
            errors.add("procedure", counter.STALE_FORM)
            return await _reception_page(request, procedure_id, data, errors,
                                         status_code=HTTP_400_BAD_REQUEST)
        earlier = await counter.dossier_for_token(token)
        if earlier is not None:
            return _already_received(request, earlier)
        form = await request.form()
        component_ids = [int(v) for v in form.getall("components", []) if str(v).isdigit()]
        decision = decide(data, await counter.missing_required(procedure_id, component_ids))
        reception, errors = counter.Reception.from_form(
            data, component_ids, accepting=decision.outcome == Outcome.ACCEPT)
        for name, message in decision.errors.items():
            errors.add(name, message)
        if not errors:
            try:
                dossier_id = await counter.receive(request.user, procedure_id, reception,
                                                   decision.outcome, dict(decision.params),
                                                   token=token)
            except counter.AlreadyReceived as done:  # the same form, a moment earlier
                return _already_received(request, done.dossier_id)
            except (counter.ReceptionRefused, TransitionError) as exc:
                errors.add("procedure", str(exc))
            else:
                if decision.outcome == Outcome.ACCEPT:
                    slip = request.app.route_reverse("dossier.slip", dossier_id=dossier_id)
                    return Redirect(slip, status_code=303)
                page = request.app.route_reverse("dossier.detail", dossier_id=dossier_id)
                return Redirect(f"{page}?da_thuc_hien={decision.outcome.action}",
                                status_code=303)
        return await _reception_page(request, procedure_id, data, errors, component_ids,
                                     status_code=HTTP_400_BAD_REQUEST)


def _already_received(request: Request, dossier_id: int) -> Redirect:
    """The form was sent before: show what it made (the dossier page says so), never a
    second dossier."""
    page = request.app.route_reverse("dossier.detail", dossier_id=dossier_id)
    return Redirect(f"{page}?da_gui_truoc=1", status_code=303)


async def _reception_page(request, procedure_id, values, errors, ticked=(), status_code=200,
                          searched="", found=None):
    procedure = await catalog.get_procedure(procedure_id)
    if procedure is None:
        raise NotFoundException("Không tìm thấy thủ tục này.")
    agencies = await directory.active_agencies()
    # A form shown again after an error keeps its token: nothing was made with it yet.
    token = values.get("reception_token", "")
    return Template("counter/reception.html", status_code=status_code, context={
        "token": token if counter.valid_token(token) else counter.new_reception_token(),
        "procedure": procedure, "values": values, "errors": errors, "ticked": set(ticked),
        "searched": searched, "found": found, "outcomes": OUTCOME_LABELS,
        "agencies": agencies})
