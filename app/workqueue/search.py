"""Finding dossiers for staff: the queue and the search box, within the user's scope.

`find()` is what the queue page calls. The scope is the one rule of
`app.dossiers.service.visible_to`; filters are portable Piccolo conditions on indexed
columns. Typed text goes to the FTS5 index (`text_index`, SQLite) for at most
`MAX_CANDIDATES` matching ids inside the scope, newest first, which the filters, sort and
paging then narrow; the page says when that cap was reached. Without the index, portable
LIKE conditions match the keys and the name as typed (with its diacritics; a PostgreSQL
dialect would add unaccent), so the search still works, only less forgivingly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from piccolo.columns.combination import Or, Where

from app.accounts.service import CurrentUser
from app.calendar.service import current_calendar
from app.catalog.tables import Field, Procedure
from app.dossiers.logic import OPEN_STATUSES, Status
from app.dossiers.service import resolve_code, scope_condition, scope_of
from app.dossiers.tables import Dossier
from app.formatting import LOCAL_TZ, now_utc
from app.prepared import padded_ids, prepared
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


async def condition_values(user: CurrentUser, f: QueueFilter, now: datetime) -> dict:
    """The filter as the values of `queue_where` (None: no such condition): what the
    prepared queue queries take."""
    values = {**scope_of(user), "statuses": None, "status": None, "assignee": None,
              "procedure": f.procedure, "field": f.field, "step": f.step,
              "channel": f.channel, "received_from": None, "received_to": None,
              "due_before": None, "due_from": None, "due_to": None, "ids": None}
    if f.status == OPEN:
        values["statuses"] = QUEUE_STATUSES
    elif f.status != ALL:
        values["status"] = int(f.status)
    if f.mine:
        values["assignee"] = user.id
    if f.received_from is not None:
        values["received_from"] = datetime.combine(f.received_from, time.min, LOCAL_TZ)
    if f.received_to is not None:
        values["received_to"] = datetime.combine(f.received_to + timedelta(days=1), time.min,
                                                 LOCAL_TZ)
    if f.due == OVERDUE:
        values["due_before"] = now
    elif f.due == DUE_SOON:
        values["due_from"] = now
        values["due_to"] = due_soon_horizon(now, DUE_SOON_WORKING_DAYS,
                                            await current_calendar())
    return values


def queue_where(applicant, draft, agency_ids, statuses, status, assignee, procedure, field,
                step, channel, received_from, received_to, due_before, due_from, due_to,
                ids) -> Where:
    """The filter's conditions within the user's scope; a None value adds no condition."""
    where = scope_condition(applicant, draft, agency_ids)
    for column, value in ((Dossier.status, status), (Dossier.assignee, assignee),
                          (Dossier.procedure, procedure), (Dossier.procedure.field, field),
                          (Dossier.current_step, step), (Dossier.channel, channel)):
        if value is not None:
            where &= column == value
    if statuses is not None:
        where &= Dossier.status.is_in(statuses)
    if received_from is not None:
        where &= Dossier.received_at >= received_from
    if received_to is not None:
        where &= Dossier.received_at < received_to
    if due_before is not None:
        where &= _clock_runs() & (Dossier.due_at < due_before)
    if due_from is not None:
        where &= _clock_runs() & (Dossier.due_at >= due_from) & (Dossier.due_at <= due_to)
    if ids is not None:
        where &= Dossier.id.is_in(ids)
    return where


async def conditions(user: CurrentUser, f: QueueFilter, now: datetime) -> Where:
    """The filter's conditions without the typed text, within the user's scope."""
    return queue_where(**await condition_values(user, f, now))


# The queue is every officer's first page: its count and rows built once per shape
# (app.prepared). Pages past PREPARED_PAGES are built each time: their OFFSET is written
# into the SQL, and deep pages are rare.
PREPARED_PAGES = 5


@prepared
def _queue_count(**values):
    return Dossier.count().where(queue_where(**values))


@prepared.inlining("sort", "limit", "offset")
def _queue_rows(sort, limit, offset, **values):
    return page_query(queue_where(**values), sort).limit(limit).offset(offset)


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
    values = await condition_values(user, f, now)
    capped = False
    terms = await search_terms(f.text)
    if terms:
        ids = await text_index.matching_ids(terms, _scope_ids(user), MAX_CANDIDATES + 1)
        if ids is None:  # no text index: LIKE conditions, as many as the words typed
            where = queue_where(**values) & _like_terms(terms)
            total = await Dossier.count().where(where)
            rows = await page_query(where, f.sort).limit(page_size).offset(
                (f.page - 1) * page_size)
            return await _queue_page(rows, total, capped, now)
        capped = len(ids) > MAX_CANDIDATES
        values["ids"] = padded_ids(ids[:MAX_CANDIDATES] or [-1])
    total = await _queue_count(**values)
    page = {"sort": f.sort, "limit": page_size, "offset": (f.page - 1) * page_size}
    rows = await (_queue_rows(**page, **values) if f.page <= PREPARED_PAGES
                  else _queue_rows.uncached(**page, **values))
    return await _queue_page(rows, total, capped, now)


async def _queue_page(rows: list[dict], total: int, capped: bool, now: datetime) -> QueuePage:
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
    own = padded_ids(scope or [-1]) if scope is not None else None
    field_ids = None
    if own is not None:
        fields_of = {r["field"] for r in await _fields_of(agency_ids=own)} - {None}
        field_ids = padded_ids(sorted(fields_of) or [-1])
    fields = await _field_choices(ids=field_ids)
    if own is not None:
        procedure_rows = await _procedure_choices(agency_ids=own, field=None, procedure=None)
    elif f.field is not None:
        procedure_rows = await _procedure_choices(agency_ids=None, field=f.field,
                                                  procedure=None)
    else:
        procedure_rows = await _procedure_choices(agency_ids=None, field=None,
                                                  procedure=f.procedure or -1)
    # The internal processes' versions (app.processes) say how many steps there are.
    last = await _last_step(procedure_ids=padded_ids([p["id"] for p in procedure_rows] or [-1])
                            if own is not None else None)
    return {"procedures": procedure_rows, "fields": fields,
            "steps": list(range(1, (last["position"] if last else 0) + 1)),
            "procedures_need_field": own is None and f.field is None}


# The filter lists come with every queue page: built once (app.prepared).
@prepared
def _fields_of(agency_ids):
    return Procedure.select(Procedure.field).where(Procedure.agency.is_in(agency_ids))


@prepared
def _field_choices(ids):
    fields = Field.select(Field.id, Field.name).order_by(Field.name)
    return fields if ids is None else fields.where(Field.id.is_in(ids))


@prepared
def _procedure_choices(agency_ids, field, procedure):
    """Procedures of the user's agencies, of one field, or the one chosen."""
    procedures = Procedure.select(Procedure.id, Procedure.name).order_by(Procedure.name)
    if agency_ids is not None:
        return procedures.where(Procedure.agency.is_in(agency_ids))
    if field is not None:
        return procedures.where(Procedure.field == field)
    return procedures.where(Procedure.id == procedure)


@prepared
def _last_step(procedure_ids):
    return ProcessStepRow.select(ProcessStepRow.position).where(
        ProcessStepRow.version.procedure.is_in(procedure_ids) if procedure_ids is not None
        else ProcessStepRow.position > 0).order_by(
        ProcessStepRow.position, ascending=False).first()
