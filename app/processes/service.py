"""Reading internal processes for the workflow: which version a dossier is under, and its
steps as `app.processes.logic.Process` (with each step's row id, for the history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.prepared import padded_ids, prepared
from app.processes.logic import Performer, Process, ProcessStep
from app.processes.tables import ProcessStepRow, ProcessVersion

PUBLISHED = "published"
DRAFT = "draft"


@dataclass(frozen=True)
class LoadedProcess:
    """A version's steps for the machine, and the row id of each (by position)."""

    version_id: int | None
    process: Process
    step_ids: tuple[int, ...] = ()

    def step_id(self, position: int | None) -> int | None:
        if position is None or not 1 <= position <= len(self.step_ids):
            return None
        return self.step_ids[position - 1]


EMPTY = LoadedProcess(None, Process())


def parse_performers(text: str) -> frozenset[Performer]:
    return frozenset(Performer(p) for p in text.split(",") if p)


def step_from_row(row: dict, default_agency: int | None, position: int) -> ProcessStep:
    return ProcessStep(
        position=position, name=row["name"], kind=row["kind"],
        performers=parse_performers(row["performers"]),
        hours=Decimal(str(row["allotted_hours"])), agency_id=row["agency"] or default_agency)


async def version_steps(version_id: int) -> list[dict]:
    return await _version_steps(version_id=version_id)


# Read on every workflow page and action, and on the procedure page: built once.
@prepared
def _version_steps(version_id):
    return ProcessStepRow.select(
        ProcessStepRow.all_columns(), ProcessStepRow.agency.name.as_alias("agency_name"),
    ).where(ProcessStepRow.version == version_id).order_by(ProcessStepRow.position).order_by(
        ProcessStepRow.id)


@prepared
def _version_agency(version_id):
    return ProcessVersion.select(ProcessVersion.procedure.agency.as_alias("agency")).where(
        ProcessVersion.id == version_id).first()


@prepared
def _version_in_force(procedure_id, at):
    return ProcessVersion.select(ProcessVersion.id).where(
        (ProcessVersion.procedure == procedure_id) & (ProcessVersion.status == PUBLISHED)
        & (ProcessVersion.effective_from <= at)
    ).order_by(ProcessVersion.effective_from, ascending=False).order_by(
        ProcessVersion.number, ascending=False).first()


async def load_version(version_id: int) -> LoadedProcess:
    """The version's steps, numbered 1..n in their order; a step without its own unit
    belongs to the procedure's agency."""
    version = await _version_agency(version_id=version_id)
    if version is None:
        return EMPTY
    rows = await version_steps(version_id)
    steps = tuple(step_from_row(row, version["agency"], n) for n, row in enumerate(rows, 1))
    return LoadedProcess(version_id, Process(steps), tuple(row["id"] for row in rows))


async def version_in_force(procedure_id: int, at: datetime) -> int | None:
    """The published version with the latest effective date not after `at` (the latest
    number among equals), or None when the procedure has no approved process yet."""
    row = await _version_in_force(procedure_id=procedure_id, at=at)
    return row["id"] if row else None


async def process_for(dossier_row: dict, at: datetime) -> LoadedProcess:
    """The process a dossier is under: the version it was received under, or (before
    reception) the one in force now."""
    version_id = dossier_row.get("process_version") or await version_in_force(
        dossier_row["procedure"], at)
    return await load_version(version_id) if version_id else EMPTY



@prepared  # every queue page labels its rows' steps
def _steps_of(versions):
    return ProcessStepRow.select(
        ProcessStepRow.version, ProcessStepRow.position, ProcessStepRow.name,
    ).where(ProcessStepRow.version.is_in(versions)).order_by(ProcessStepRow.position)


async def label_steps(rows: list[dict]) -> list[dict]:
    """Add `step_label` ("Bước 2/5: Thụ lý hồ sơ") to dossier rows that carry
    `process_version` and `current_step`, with one query for the whole page."""
    wanted = {r["process_version"] for r in rows if r.get("process_version")}
    steps = await _steps_of(versions=padded_ids(sorted(wanted) or [-1]))
    counts: dict[int, int] = {}
    names: dict[tuple[int, int], str] = {}
    for step in steps:
        version = step["version"]
        counts[version] = max(counts.get(version, 0), step["position"])
        names[version, step["position"]] = step["name"]
    for row in rows:
        version, position = row.get("process_version"), row.get("current_step")
        name = names.get((version, position)) if version and position else None
        row["step_label"] = (f"Bước {position}/{counts[version]}: {name}" if name
                             else f"bước {position}" if position else "")
    return rows
