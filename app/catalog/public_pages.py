"""The catalogue's public pages as they stood on a given day, with the parts each lacked
(service-index indicator 1.3, Nghị định 63/2010 art. 8(2)), read in a few queries for the
whole province rather than one procedure at a time.

On day D a procedure's public page is its newest version made public by the end of D and
in effect on D, unless that version abolished it. A procedure with no published version
at all (loaded before versions were kept: the demo, older data) shows its row while it is
active. One approximation: such a procedure, once first published through a decision,
counts from that version's day on, not before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.calendar.deadlines import end_of_day
from app.catalog.content import Component, missing_parts
from app.catalog.in_force import content_from_row, load_content
from app.catalog.tables import Procedure, ProcedureComponent, ProcedureVersion
from app.catalog.versions import PUBLISHED, Change

BATCH = 500
_PUBLISHED = [s.value for s in PUBLISHED]


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for at in range(0, len(ordered), BATCH):
        yield ordered[at:at + BATCH]


async def _newest_versions(day: date) -> tuple[dict[int, dict], set[int]]:
    """procedure → its newest version public and in effect on `day`; and every procedure
    that has any published version (so it is not read from its row)."""
    rows = await ProcedureVersion.select(
        ProcedureVersion.id, ProcedureVersion.procedure, ProcedureVersion.number,
        ProcedureVersion.change, ProcedureVersion.effective_from, ProcedureVersion.published_at,
    ).where(ProcedureVersion.status.is_in(_PUBLISHED) & ProcedureVersion.procedure.is_not_null())
    newest: dict[int, dict] = {}
    end = end_of_day(day)
    for row in rows:
        if row["effective_from"] > day or row["published_at"] is None \
                or row["published_at"] >= end:
            continue
        held = newest.get(row["procedure"])
        if held is None or row["number"] > held["number"]:
            newest[row["procedure"]] = row
    return newest, {r["procedure"] for r in rows}


async def _version_contents(version_ids: Iterable[int]) -> dict[int, object]:
    found = {}
    for ids in _batches(version_ids):
        for row in await ProcedureVersion.select(
                ProcedureVersion.id, ProcedureVersion.content).where(
                ProcedureVersion.id.is_in(ids)):
            found[row["id"]] = load_content(row["content"])
    return found


async def _row_contents(procedure_rows: list[dict]) -> dict[int, object]:
    """Contents of procedures read from their rows, with their active components."""
    components: dict[int, list[Component]] = {}
    for ids in _batches(r["id"] for r in procedure_rows):
        for c in await ProcedureComponent.select(
                ProcedureComponent.procedure, ProcedureComponent.name, ProcedureComponent.kind,
                ProcedureComponent.quantity, ProcedureComponent.required).where(
                ProcedureComponent.procedure.is_in(ids) & ProcedureComponent.active.eq(True)
        ).order_by(ProcedureComponent.position):
            components.setdefault(c["procedure"], []).append(Component(
                name=c["name"], kind=c["kind"], quantity=c["quantity"], required=c["required"]))
    return {r["id"]: content_from_row(r, components.get(r["id"], ())) for r in procedure_rows}


async def pages_on(day: date) -> list[dict]:
    """Every public procedure (not internal) as on `day`: id, code, name, agency and the
    Vietnamese names of the parts its page lacked (complete when `missing` is empty),
    ordered by code."""
    newest, versioned = await _newest_versions(day)
    procedures = await Procedure.select().where(Procedure.internal.eq(False))
    shown = {v["id"]: p for p, v in newest.items() if v["change"] != Change.ABOLISH.value}
    contents = await _version_contents(shown)
    by_procedure = {p: contents[v] for v, p in shown.items()}
    legacy = [r for r in procedures if r["id"] not in versioned and r["active"]]
    by_procedure.update(await _row_contents(legacy))
    found = [{"id": r["id"], "code": r["code"], "name": r["name"], "agency": r["agency"],
              "missing": missing_parts(by_procedure[r["id"]])}
             for r in procedures if r["id"] in by_procedure]
    return sorted(found, key=lambda r: r["code"])
