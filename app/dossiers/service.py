"""Reading dossiers for dashboards, the applicant's page and the public lookup.

Scope is enforced here, not in templates: staff see only their agencies' dossiers
(province-wide roles see all), applicants only their own.
"""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count

from app.accounts.service import CurrentUser
from app.directory.tables import Agency
from app.dossiers.logic import (
    Status,
    canonical_code,
    last_digits_problem,
)
from app.dossiers.tables import Dossier
from app.prepared import prepared


def visible_to(user: CurrentUser):
    """The one scope rule, as a query condition: what this user may see."""
    return scope_condition(**scope_of(user))


def scope_of(user: CurrentUser) -> dict:
    """What the scope rule needs to know of the user (a prepared query takes these as its
    values): an applicant's id, or the draft status staff never see and, for staff of
    agencies, those agencies."""
    if not user.is_staff:
        return {"applicant": user.id, "draft": None, "agency_ids": None}
    # Drafts belong to the applicant alone until they are submitted.
    if user.role.sees_whole_province:
        return {"applicant": None, "draft": Status.DRAFT.value, "agency_ids": None}
    # A staff user with no agency sees nothing rather than everything.
    return {"applicant": None, "draft": Status.DRAFT.value,
            "agency_ids": list(user.agency_ids) or [-1]}


def scope_condition(applicant, draft, agency_ids):
    if applicant is not None:
        return Dossier.applicant == applicant
    submitted = Dossier.status != draft
    if agency_ids is None:
        return submitted
    return submitted & (Dossier.agency.is_in(agency_ids)
                        | Dossier.receiving_agency.is_in(agency_ids))


async def status_counts(user: CurrentUser) -> list[dict]:
    """Dossiers per status within the user's scope, for the dashboard."""
    query = Dossier.select(Dossier.status, Count(Dossier.id, alias="n")).group_by(
        Dossier.status
    )
    rows = await query.where(visible_to(user))
    counts = {row["status"]: row["n"] for row in rows}
    return [
        {"status": status, "label": status.label, "count": counts.get(status.value, 0)}
        for status in Status
        if status is not Status.DRAFT
    ]


async def recent_dossiers(user: CurrentUser, limit: int = 20) -> list[dict]:
    query = Dossier.select(
        Dossier.id, Dossier.code, Dossier.status, Dossier.received_at, Dossier.due_at,
        Dossier.applicant_name, Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.name.as_alias("agency_name"),
    )
    return await query.where(visible_to(user)).order_by(Dossier.id, ascending=False).limit(limit)


async def resolve_code(typed: str) -> str | None:
    """The dossier code meant by what was typed (dots, dashes and spaces optional)."""
    if len(typed) > 80:
        return None
    agencies = [row["code"] for row in await agency_codes()]
    return canonical_code(typed, agencies)


@prepared
def agency_codes():
    return Agency.select(Agency.code)


@prepared
def lookup_row(code):
    """What the public lookup shows of a dossier, with the applicant's digits to check and
    what its timeline and payment hints need (id, fees)."""
    return Dossier.select(
        Dossier.code, Dossier.status, Dossier.received_at, Dossier.due_at,
        Dossier.finished_at, Dossier.returned_at, Dossier.applicant_phone,
        Dossier.applicant_id_number, Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.name.as_alias("agency_name"), Dossier.id, Dossier.fees_due,
        Dossier.fees_paid,
    ).where(Dossier.code == code).first()


def _last4(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


async def proven_row(code: str, second_factor: str) -> dict | None:
    """The dossier row behind a public lookup, with its id and fees (for the timeline and
    what is left to pay), or None for an unknown code and wrong digits alike."""
    code = await resolve_code(code)
    if code is None or last_digits_problem(second_factor) is not None:
        return None
    row = await lookup_row(code=code)
    if row is None:
        return None
    factor = second_factor.strip()
    if factor not in {_last4(row["applicant_phone"]), _last4(row["applicant_id_number"])}:
        return None
    del row["applicant_phone"], row["applicant_id_number"]
    return row


async def public_lookup(code: str, second_factor: str) -> dict | None:
    """Status of a dossier for an anonymous visitor who knows its code and the last four
    digits of the applicant's phone or ID number. Unknown code and wrong digits both
    return None, so the page cannot be used to probe which codes exist. No personal
    data beyond what the applicant already knows is returned."""
    row = await proven_row(code, second_factor)
    if row is None:
        return None
    del row["id"], row["fees_due"], row["fees_paid"]
    return row
