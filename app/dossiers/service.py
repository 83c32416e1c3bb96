"""Reading dossiers for dashboards, the applicant's page and the public lookup.

Scope is enforced here, not in templates: staff see only their agencies' dossiers
(province-wide roles see all), applicants only their own.
"""

from __future__ import annotations

import time

from piccolo.query.functions.aggregate import Count

from app.accounts.service import CurrentUser
from app.directory.tables import Agency
from app.dossiers.logic import (
    Status,
    canonical_code,
    last_digits_problem,
)
from app.dossiers.tables import Dossier, DossierResult
from app.prepared import prepared
from app.web.short_cache import database_key, kept, memory_cache

# The agencies' codes a lookup resolves with, re-read at most every few seconds: reading
# them all was the lookup's largest query (9 % of its CPU with 12 agencies, growing with a
# province's hundreds). A code this stale copy cannot place is resolved again from the
# table before the lookup says "not found" (proven_row), so a new agency's dossiers are
# found at once; per process, in memory: a shared cache would cost a round trip per lookup.
AGENCY_CODES = memory_cache(max_entries=16)
AGENCY_CODES_SECONDS = 5.0


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


async def resolve_code(typed: str, *, recent: bool = False) -> str | None:
    """The dossier code meant by what was typed (dots, dashes and spaces optional), placed
    with the agencies' codes as they are now, or with a copy up to AGENCY_CODES_SECONDS
    old (`recent`, for a caller that resolves again when the code is not found)."""
    if len(typed) > 80:
        return None
    return canonical_code(typed, await (recent_agency_codes() if recent else _codes_now()))


async def _codes_now() -> tuple[str, ...]:
    return tuple(row["code"] for row in await agency_codes())


async def recent_agency_codes() -> tuple[str, ...]:
    return await kept(AGENCY_CODES, database_key("agency_codes"), _codes_now,
                      now=time.monotonic(), ttl=AGENCY_CODES_SECONDS)


@prepared
def agency_codes():
    return Agency.select(Agency.code)


@prepared
def lookup_row(code):
    """What the public lookup shows of a dossier, with the applicant's digits to check,
    what its timeline and payment hints need (id, fees) and its electronic result's
    digests (None without a result; one result per dossier), read in the same query
    rather than a second one per lookup."""
    result = Dossier.id.join_on(DossierResult.dossier)
    return Dossier.select(
        Dossier.code, Dossier.status, Dossier.received_at, Dossier.due_at,
        Dossier.finished_at, Dossier.returned_at, Dossier.applicant_phone,
        Dossier.applicant_id_number, Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.name.as_alias("agency_name"), Dossier.id, Dossier.fees_due,
        Dossier.fees_paid, result.sha256.as_alias("result_sha256"),
        result.signed_sha256.as_alias("result_signed_sha256"),
    ).where(Dossier.code == code).first()


def _last4(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


async def proven_row(code: str, second_factor: str) -> dict | None:
    """The dossier row behind a public lookup, with its id and fees (for the timeline and
    what is left to pay), or None for an unknown code and wrong digits alike."""
    if last_digits_problem(second_factor) is not None:
        return None
    resolved = await resolve_code(code, recent=True)
    row = await lookup_row(code=resolved) if resolved is not None else None
    if row is None:
        # Not found with the kept agency codes: an agency made or renamed since would
        # place the code differently, so only the table's codes may say "not found".
        again = await resolve_code(code)
        row = await lookup_row(code=again) if again not in (None, resolved) else None
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
    del row["result_sha256"], row["result_signed_sha256"]
    return row
