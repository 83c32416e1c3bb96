"""Gathering what a printed form shows for one dossier (the dossier itself is read, within
the user's scope, by `app.dossiers.queries.dossier_for_staff`)."""

from __future__ import annotations

import json
from datetime import datetime, time
from decimal import Decimal

from app.calendar.deadlines import deadline
from app.calendar.service import current_calendar
from app.catalog.tables import ProcedureStep
from app.directory.queries import letterhead_of
from app.directory.tables import Agency
from app.dossiers import queries
from app.dossiers.tables import DossierApology, DossierPause, RuleVersion
from app.legal_forms import numbers
from app.legal_forms.control_sheet import (
    PAPER_TRANSFER_CUTOFF,
    SheetEvent,
    SheetStep,
    control_rows,
    reception_handover_due,
)
from app.legal_forms.sets import (
    FORM_EVENTS,
    FormKind,
    FormSet,
    FormSpec,
    available_forms,
    set_for_dossier,
)

# The counter issues the reception forms; the handling agency writes the later letters.
COUNTER_FORMS = frozenset({FormKind.RECEIPT, FormKind.SUPPLEMENT, FormKind.REFUSAL})


class FormNotAvailable(LookupError):
    """The dossier has no such form (its event did not happen, or its set has none)."""


def dossier_form_set(dossier: dict) -> FormSet:
    return set_for_dossier(dossier["received_at"], dossier["created_at"])


def offered_forms(dossier: dict) -> list[FormSpec]:
    return available_forms(dossier_form_set(dossier), {e["action"] for e in dossier["events"]})


async def _agency(agency_id: int | None) -> dict | None:
    if agency_id is None:
        return None
    return await Agency.select(Agency.id, Agency.name, Agency.address, Agency.phone,
                               Agency.email).where(Agency.id == agency_id).first()


def _latest_event(dossier: dict, actions: frozenset[str]) -> dict | None:
    matching = [e for e in dossier["events"] if e["action"] in actions]
    return matching[-1] if matching else None


async def _transfer_cutoff(rule_version_id: int | None) -> time:
    """The paper-transfer cut-off of the rules the dossier was received under."""
    row = await RuleVersion.select(RuleVersion.config).where(
        RuleVersion.id == rule_version_id).first() if rule_version_id else None
    config = row["config"] if row else {}
    if isinstance(config, str):
        config = json.loads(config or "{}")
    try:
        return time.fromisoformat(config.get("paper_transfer_cutoff", ""))
    except (TypeError, ValueError):
        return PAPER_TRANSFER_CUTOFF


async def control_sheet(dossier: dict, counter_agency: str) -> list:
    steps = await ProcedureStep.select(
        ProcedureStep.position, ProcedureStep.name, ProcedureStep.allotted_hours,
        ProcedureStep.agency.name.as_alias("agency_name"),
    ).where(ProcedureStep.procedure == dossier["procedure"]).order_by(ProcedureStep.position)
    pauses = [(p["started_at"], p["ended_at"]) for p in await DossierPause.select(
        DossierPause.started_at, DossierPause.ended_at).where(
        (DossierPause.dossier == dossier["id"]) & DossierPause.ended_at.is_not_null())]
    calendar = await current_calendar()
    cutoff = await _transfer_cutoff(dossier.get("rule_version"))

    def due_for(start: datetime, hours: Decimal) -> datetime:
        # Supplement waits inside a step do not count against the step (as for the dossier).
        return deadline(start, hours, "hours", pauses=pauses, calendar=calendar)

    # Each transfer event names the agency it went to (older events, without one, fall back
    # to the dossier's current agency).
    transfer_agencies = [e.get("agency_name") or dossier["agency_name"]
                         for e in dossier["events"] if e["action"] == "transferred"]
    return control_rows(
        [SheetEvent(e["action"], e["at"], e["step"], e.get("actor_name") or "", e["comment"])
         for e in dossier["events"]],
        [SheetStep(s["position"], s["name"], s["agency_name"] or dossier["agency_name"],
                   Decimal(s["allotted_hours"])) for s in steps],
        counter_agency=counter_agency, appointment=dossier["due_at"], due_for=due_for,
        transfer_agencies=transfer_agencies,
        reception_due=lambda received: reception_handover_due(received, calendar, cutoff),
    )


async def form_context(dossier: dict, kind: FormKind, actor_id: int | None = None) -> dict:
    """Everything the form's template shows, or FormNotAvailable. A letter printed for the
    first time is given its register number (by `actor_id`)."""
    form_set = dossier_form_set(dossier)
    spec = form_set.spec(kind)
    if spec is None or spec not in offered_forms(dossier):
        raise FormNotAvailable(kind)
    counter = await _agency(dossier["receiving_agency"] or dossier["agency"])
    handling = await _agency(dossier["agency"])
    event = _latest_event(dossier, FORM_EVENTS[kind])
    context = {
        "d": dossier, "form_set": form_set, "spec": spec, "event": event,
        "issuer": counter if kind in COUNTER_FORMS else handling,
        "counter": counter, "handling": handling,
    }
    if kind == FormKind.APOLOGY:
        apologies = await DossierApology.select(
            DossierApology.all_columns(),
            DossierApology.created_by.full_name.as_alias("created_by_name"),
        ).where(DossierApology.dossier == dossier["id"]).order_by(DossierApology.id)
        # The apology of the last apology event the dossier shows: the latest one, or an
        # earlier one for the dossier as it stood then (the archive prints each issue).
        shown = sum(1 for e in dossier["events"] if e["action"] == "apology_recorded")
        context["apology"] = apologies[min(shown, len(apologies)) - 1] if apologies else None
    if kind == FormKind.SUPPLEMENT:
        context["requested"] = await queries.requested_components(dossier["id"])
    if kind == FormKind.CONTROL_SHEET:
        context["rows"] = await control_sheet(dossier, counter["name"])
    if kind == FormKind.RECEIPT:
        context["book"] = await numbers.book_entry(dossier)
    await _number(context, dossier, kind, actor_id)
    return context


async def _number(context: dict, dossier: dict, kind: FormKind, actor_id: int | None) -> None:
    """The letterhead of the issuer, the letter's date and "Số: 07/PXL-STP"."""
    issuer, spec, event = context["issuer"], context["spec"], context["event"]
    head = await letterhead_of(issuer["id"])
    apology = context.get("apology")
    about = apology or event
    dated = (about or {}).get("created_at") or (about or {}).get("at") or dossier["created_at"]
    context.update(head=head, dated_at=dated, number="")
    if spec.symbol and about is not None:
        number = await numbers.letter_number(dossier["id"], kind.value, about["id"],
                                             issuer["id"], dated, actor_id)
        context["number"] = f"{number:02d}/{spec.symbol}-{head.symbol}"
