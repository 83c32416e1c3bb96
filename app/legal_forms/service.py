"""Gathering what a printed form shows for one dossier (the dossier itself is read, within
the user's scope, by `app.dossiers.queries.dossier_for_staff`)."""

from __future__ import annotations

import json
from datetime import datetime, time
from decimal import Decimal

from app.calendar.deadlines import deadline
from app.calendar.service import current_calendar
from app.directory.queries import letterhead_of, signature_of
from app.directory.tables import Agency
from app.dossiers import queries
from app.dossiers.tables import DossierApology, DossierPause, RuleVersion
from app.formatting import now_utc
from app.legal_forms import numbers
from app.legal_forms.appointment import collection_note
from app.legal_forms.control_sheet import (
    PAPER_TRANSFER_CUTOFF,
    SheetEvent,
    SheetStep,
    control_rows,
    reception_handover_due,
)
from app.legal_forms.issuing import COUNTER_FORMS, letter_key
from app.legal_forms.sets import (
    FORM_EVENTS,
    FormKind,
    FormSet,
    FormSpec,
    available_forms,
    set_for_dossier,
)
from app.processes.service import process_for, version_steps

# Letters the head of the handling agency signs (its first signing official, by name).
HEAD_SIGNED = frozenset({FormKind.APOLOGY, FormKind.STOP_NOTICE})


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
    """Form 06's rows under the process version the dossier is under."""
    loaded = await process_for(dossier, now_utc())
    names = {row["position"]: row["agency_name"] for row in await version_steps(
        loaded.version_id)} if loaded.version_id else {}
    all_pauses = await DossierPause.select(DossierPause.started_at, DossierPause.ended_at
                                           ).where(DossierPause.dossier == dossier["id"])
    pauses = [(p["started_at"], p["ended_at"]) for p in all_pauses]
    calendar = await current_calendar()
    cutoff = await _transfer_cutoff(dossier.get("rule_version"))
    closed = [(start, end) for start, end in pauses if end is not None]

    def due_for(start: datetime, hours: Decimal) -> datetime:
        # Supplement waits inside a step do not count against the step (as for the dossier).
        return deadline(start, hours, "hours", pauses=closed, calendar=calendar)

    # Each transfer event names the agency it went to (older events, without one, fall back
    # to the dossier's current agency).
    transfer_agencies = [e.get("agency_name") or dossier["agency_name"]
                         for e in dossier["events"] if e["action"] == "transferred"]
    return control_rows(
        [SheetEvent(e["action"], e["at"], e["position"], e.get("actor_name") or "",
                    e["comment"], e.get("assignee_name") or "") for e in dossier["events"]],
        [SheetStep(s.position, s.name,
                   names.get(s.position) or dossier["procedure_agency_name"],
                   s.hours, s.kind.value) for s in loaded.process.steps],
        counter_agency=counter_agency, appointment=dossier["due_at"], due_for=due_for,
        transfer_agencies=transfer_agencies, pauses=pauses,
        reception_due=lambda received: reception_handover_due(received, calendar, cutoff),
    )


async def form_context(dossier: dict, kind: FormKind) -> dict:
    """Everything the form's template shows, or FormNotAvailable. Reads only."""
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
    if kind in HEAD_SIGNED:
        context["signer"] = await signature_of(context["issuer"]["id"], "Thủ trưởng cơ quan")
    if kind == FormKind.SUPPLEMENT:
        context["requested"] = await queries.requested_components(dossier["id"])
    if kind == FormKind.CONTROL_SHEET:
        context["rows"] = await control_sheet(dossier, counter["name"])
    if kind == FormKind.RECEIPT:
        context["book"] = await numbers.book_entry(dossier)
        context["collect_note"] = collection_note(dossier["due_at"], await current_calendar())
    await _number(context, dossier, kind)
    return context


async def _number(context: dict, dossier: dict, kind: FormKind) -> None:
    """The letterhead of the issuer, the letter's date and "Số: 07/PXL-STP": the number
    given when the letter was issued (`issuing`), read only; a letter issued before
    numbering began shows dots, for the number to be written by hand."""
    issuer, spec, event = context["issuer"], context["spec"], context["event"]
    head = await letterhead_of(issuer["id"])
    apology = context.get("apology")
    about = apology or event
    dated = (about or {}).get("created_at") or (about or {}).get("at") or dossier["created_at"]
    context.update(head=head, dated_at=dated, number="")
    if spec.symbol and about is not None:
        number = await numbers.issued_number(letter_key(dossier["id"], kind, about["id"]))
        shown = "……" if number is None else f"{number:02d}"
        context["number"] = f"{shown}/{spec.symbol}-{head.symbol}"
