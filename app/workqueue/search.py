"""Finding dossiers for staff: the queue and the search box, within the user's scope.

`find()` is what the queue page calls. The scope is the one rule of
`app.dossiers.service.visible_to`; filters are portable Piccolo conditions on indexed
columns. Typed text goes to the engine's full-text index (`text_index`: FTS5 on SQLite,
a GIN-indexed tsvector on PostgreSQL) for at most `MAX_CANDIDATES` matching ids inside the
scope, newest first, which the filters, sort and paging then narrow; the page says when
that cap was reached. Without the index (its migration not applied), portable LIKE
conditions match the keys and the name as typed (with its diacritics), so the search
still works, only less forgivingly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from piccolo.columns.combination import Or, Where

from app.accounts.service import CurrentUser
from app.calendar.service import current_calendar
from app.catalog.tables import Field, Procedure
from app.dossiers.logic import OPEN_STATUSES, Status
from app.dossiers.service import resolve_code, visible_to
from app.dossiers.tables import Dossier
from app.formatting import LOCAL_TZ, now_utc
from app.processes.service import label_steps
from app.processes.tables import ProcessStepRow
from app.workflow.watch import RUNNING_STATUSES, _clock_runs, due_soon_horizon
from app.workqueue import text_index
from app.workqueue.logic import (
    ALL,
    DUE_SOON,
    OPEN,
    OVERDUE,
    PAGE_SIZE,
    QueueFilter,
    Terms,
    parse_terms,
)

MAX_CANDIDATES = 2000
DUE_SOON_WORKING_DAYS = 1.0  # as the deadline watch's "due soon" alert
QUEUE_STATUSES = sorted(s.value for s in (*OPEN_STATUSES, Status.NEW))


@dataclass(frozen=True)
class QueuePage:
    rows: list[dict]
    total: int
    capped: bool  # more dossiers matched the text than were looked at


def _scope_ids(user: CurrentUser) -> list[int] | None:
    return None if user.role.sees_whole_province else list(user.agency_ids)


def _like_terms(terms: Terms) -> Where:
    """The portable fallback: each key in a number or the code, each word in the name.
    (A query of punctuation only has no terms and never reaches here.)"""
    conditions = []
    for key, typed in zip(terms.keys, terms.typed_keys, strict=True):
        conditions.append(Or(Or(Dossier.applicant_id_number.like(f"{typed}%"),
                                Dossier.applicant_phone.like(f"{key}%")),
                             Dossier.code.ilike(f"%{typed}%")))
    conditions += [Dossier.applicant_name.ilike(f"%{word}%") for word in terms.typed_words]
    where = conditions[0]
    for condition in conditions[1:]:
        where &= condition
    return where


async def conditions(user: CurrentUser, f: QueueFilter, now: datetime) -> Where:
    """The filter's conditions without the typed text, within the user's scope."""
    where = visible_to(user)
    if f.status == OPEN:
        where &= Dossier.status.is_in(QUEUE_STATUSES)
    elif f.status != ALL:
        where &= Dossier.status == int(f.status)
    if f.mine:
        where &= Dossier.assignee == user.id
    if f.procedure is not None:
        where &= Dossier.procedure == f.procedure
    if f.field is not None:
        where &= Dossier.procedure.field == f.field
    if f.step is not None:
        where &= Dossier.current_step == f.step
    if f.channel is not None:
        where &= Dossier.channel == f.channel
    if f.received_from is not None:
        where &= Dossier.received_at >= datetime.combine(f.received_from, time.min, LOCAL_TZ)
    if f.received_to is not None:
        where &= Dossier.received_at < datetime.combine(
            f.received_to + timedelta(days=1), time.min, LOCAL_TZ)
    if f.due == OVERDUE:
        where &= _clock_runs() & (Dossier.due_at < now)
    elif f.due == DUE_SOON:
        horizon = due_soon_horizon(now, DUE_SOON_WORKING_DAYS, await current_calendar())
        where &= _clock_runs() & (Dossier.due_at >= now) & (Dossier.due_at <= horizon)
    return where


_SORTS = {
    "han": ((Dossier.due_at, True), (Dossier.id, True)),
    "moi-nhan": ((Dossier.received_at, False), (Dossier.id, False)),
    "cu-nhan": ((Dossier.received_at, True), (Dossier.id, True)),
    "ma": ((Dossier.code, True),),
}


def _columns() -> tuple:
    return (
        Dossier.id, Dossier.code, Dossier.status, Dossier.current_step, Dossier.channel,
        Dossier.process_version, Dossier.applicant_name, Dossier.applicant_id_number,
        Dossier.received_at, Dossier.due_at, Dossier.clock_paused_at, Dossier.agency,
        Dossier.procedure.name.as_alias("procedure_name"),
        Dossier.agency.short_name.as_alias("agency_short"),
        Dossier.agency.name.as_alias("agency_name"),
        Dossier.assignee.full_name.as_alias("assignee_name"),
    )


async def search_terms(text: str) -> Terms:
    """The typed text as search terms. A whole dossier code, typed with or without its
    dots, dashes and spaces, is first made canonical by the citizen lookup's own
    normaliser (`dossiers.service.resolve_code` → `logic.canonical_code`, which knows
    where the agency part ends from the agencies' codes), so "0000017h55 260312 0004"
    finds here what it finds there; what is not a whole code (a tail such as
    "260312-0004", a name, a number) goes on to `parse_terms`, which the lookup does not
    need: it takes only whole codes, and the four digits as a second factor."""
    return parse_terms(await resolve_code(text) or text) if text else Terms()


def page_query(where: Where, sort: str):
    """The rows of a page, in the chosen order (tests read its query plan)."""
    query = Dossier.select(*_columns()).where(where)
    for column, ascending in _SORTS[sort]:
        query = query.order_by(column, ascending=ascending)
    return query


async def find(user: CurrentUser, f: QueueFilter, *, now: datetime | None = None,
               page_size: int = PAGE_SIZE) -> QueuePage:
    """One page of the dossiers the filter asks for, and how many there are in all."""
    now = now or now_utc()
    where = await conditions(user, f, now)
    capped = False
    terms = await search_terms(f.text)
    if terms:
        ids = await text_index.matching_ids(terms, _scope_ids(user), MAX_CANDIDATES + 1)
        if ids is None:
            where &= _like_terms(terms)
        else:
            capped = len(ids) > MAX_CANDIDATES
            where &= Dossier.id.is_in(ids[:MAX_CANDIDATES] or [-1])
    total = await Dossier.count().where(where)
    rows = await page_query(where, f.sort).limit(page_size).offset((f.page - 1) * page_size)
    running = {s.value for s in RUNNING_STATUSES}
    for row in rows:  # late now: the clock runs and the appointment has passed
        row["late"] = bool(row["due_at"] and row["due_at"] < now and row["status"] in running
                           and not row["clock_paused_at"])
    return QueuePage(rows=await label_steps(rows), total=total, capped=capped)


async def filter_options(user: CurrentUser, f: QueueFilter) -> dict[str, list]:
    """Choices for the filter lists: fields and procedures of the user's agencies, and the
    step numbers their processes have. Province-wide roles would get every procedure of
    the province (about two thousand, in every htmx answer), so theirs are listed once a
    field is chosen."""
    scope = _scope_ids(user)
    own = Procedure.agency.is_in(scope or [-1]) if scope is not None else None
    fields = Field.select(Field.id, Field.name).order_by(Field.name)
    if own is not None:
        fields = fields.where(Field.id.is_in(
            [r["field"] for r in await Procedure.select(Procedure.field).where(own)] or [-1]))
    procedures = Procedure.select(Procedure.id, Procedure.name).order_by(Procedure.name)
    if own is not None:
        procedures = procedures.where(own)
    elif f.field is not None:
        procedures = procedures.where(Procedure.field == f.field)
    else:
        procedures = procedures.where(Procedure.id == (f.procedure or -1))
    procedure_rows = await procedures
    # The internal processes' versions (app.processes) say how many steps there are.
    last = await ProcessStepRow.select(ProcessStepRow.position).where(
        ProcessStepRow.version.procedure.is_in([p["id"] for p in procedure_rows] or [-1])
        if own is not None else ProcessStepRow.position > 0).order_by(
        ProcessStepRow.position, ascending=False).first()
    return {"procedures": procedure_rows, "fields": await fields,
            "steps": list(range(1, (last["position"] if last else 0) + 1)),
            "procedures_need_field": own is None and f.field is None}
