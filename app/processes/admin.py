"""Drafting and publishing process versions (the admin pages and the demo loader).

Who: the provincial admin for every procedure, an agency admin for its own agency's
procedures. A procedure has at most one draft at a time, started as a copy of its latest
version. Publishing checks the decision, the effective date and the steps
(`app.processes.logic.publish_problems`); a published version never changes. Every change
is one transaction with its audit entry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.catalog.logic import describe_time_limit
from app.catalog.tables import Procedure
from app.db import write_transaction
from app.formatting import LOCAL_TZ, format_date, now_utc, to_local
from app.processes.forms import VersionHeader
from app.processes.logic import ProcessStep
from app.processes.publishing import legal_office_hours, publish_problems
from app.processes.service import DRAFT, PUBLISHED, load_version, version_steps
from app.processes.tables import ProcessStepRow, ProcessVersion


class ProcessError(ValueError):
    """A refusal fit to show (Vietnamese); `problems` lists each one when there are many."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


def local_midnight(day: date) -> datetime:
    """A version takes effect at 00:00 local time on its date."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return to_local(moment).date()


def may_manage(user: CurrentUser, procedure: dict) -> bool:
    if user.role == Role.PROVINCIAL_ADMIN:
        return True
    return user.role == Role.AGENCY_ADMIN and procedure["agency"] in user.agency_ids


async def procedure_for(user: CurrentUser, procedure_id: int) -> dict | None:
    """The procedure if `user` may manage its process (None otherwise: same as missing)."""
    row = await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name, Procedure.agency,
        Procedure.time_limit_amount, Procedure.time_limit_unit,
        Procedure.agency.name.as_alias("agency_name"),
    ).where(Procedure.id == procedure_id).first()
    return row if row is not None and may_manage(user, row) else None


async def _version(user: CurrentUser, version_id: int) -> tuple[dict, dict]:
    version = await ProcessVersion.select().where(ProcessVersion.id == version_id).first()
    procedure = version and await procedure_for(user, version["procedure"])
    if not procedure:
        raise ProcessError("Không tìm thấy phiên bản quy trình.")
    return version, procedure


async def _draft(user: CurrentUser, version_id: int) -> tuple[dict, dict]:
    version, procedure = await _version(user, version_id)
    if version["status"] != DRAFT:
        raise ProcessError("Phiên bản đã ban hành không sửa được; hãy lập phiên bản mới.")
    return version, procedure


async def _replace_steps(version_id: int, steps: list[ProcessStep]) -> None:
    await ProcessStepRow.delete().where(ProcessStepRow.version == version_id)
    if steps:
        await ProcessStepRow.insert(*[ProcessStepRow(
            version=version_id, position=s.position, name=s.name.strip(), kind=s.kind.value,
            performers=",".join(sorted(p.value for p in s.performers)), agency=s.agency_id,
            allotted_hours=s.hours) for s in steps])


async def start_draft(user: CurrentUser, procedure_id: int) -> int:
    """A new draft copying the latest version's steps (or empty); the existing draft if
    there is one."""
    async with write_transaction():
        if await procedure_for(user, procedure_id) is None:
            raise ProcessError("Không tìm thấy thủ tục.")
        versions = await ProcessVersion.select().where(
            ProcessVersion.procedure == procedure_id).order_by(ProcessVersion.number)
        drafts = [v for v in versions if v["status"] == DRAFT]
        if drafts:
            return drafts[0]["id"]
        draft = ProcessVersion(procedure=procedure_id, number=len(versions) + 1,
                               status=DRAFT, created_at=now_utc(), created_by=user.id)
        await draft.save()
        if versions:
            rows = await version_steps(versions[-1]["id"])
            await ProcessStepRow.insert(*[ProcessStepRow(
                version=draft.id, position=r["position"], name=r["name"], kind=r["kind"],
                performers=r["performers"], agency=r["agency"],
                allotted_hours=r["allotted_hours"]) for r in rows])
        await audit.record("process.draft_started", "process_version", draft.id,
                           {"procedure": procedure_id, "number": draft.number},
                           actor_id=user.id)
    return draft.id


async def save_draft(user: CurrentUser, version_id: int, header: VersionHeader,
                     steps: list[ProcessStep]) -> None:
    async with write_transaction():
        await _draft(user, version_id)
        await ProcessVersion.update({
            ProcessVersion.decision_number: header.decision_number.strip(),
            ProcessVersion.decision_date: header.decision_date,
            ProcessVersion.effective_from: (local_midnight(header.effective_date)
                                            if header.effective_date else None),
            ProcessVersion.note: header.note.strip(),
        }).where(ProcessVersion.id == version_id)
        await _replace_steps(version_id, steps)
        await audit.record("process.draft_saved", "process_version", version_id, {
            "decision_number": header.decision_number.strip(),
            "steps": [[s.name, s.kind.value, sorted(s.performers), str(s.hours), s.agency_id]
                      for s in steps]}, actor_id=user.id)


async def _header_problems(version: dict) -> list[str]:
    problems = []
    if not version["decision_number"]:
        problems.append("Cần nhập số quyết định phê duyệt quy trình.")
    if version["decision_date"] is None:
        problems.append("Cần nhập ngày ký quyết định phê duyệt.")
    effective = version["effective_from"]
    if effective is None:
        problems.append("Cần nhập ngày quy trình có hiệu lực.")
        return problems
    if version["decision_date"] and effective < local_midnight(version["decision_date"]):
        problems.append("Ngày có hiệu lực không được trước ngày ký quyết định.")
    latest = await ProcessVersion.select(ProcessVersion.effective_from).where(
        (ProcessVersion.procedure == version["procedure"])
        & (ProcessVersion.status == PUBLISHED)).order_by(
        ProcessVersion.effective_from, ascending=False).first()
    if latest and latest["effective_from"] and effective < latest["effective_from"]:
        problems.append("Ngày có hiệu lực không được trước ngày có hiệu lực của phiên bản "
                        f"đang áp dụng ({format_date(latest['effective_from'])}).")
    return problems


async def check_publishable(version: dict, procedure: dict) -> list[str]:
    loaded = await load_version(version["id"])
    amount, unit = Decimal(str(procedure["time_limit_amount"])), procedure["time_limit_unit"]
    problems = await _header_problems(version)
    problems += publish_problems(loaded.process.steps, legal_office_hours(amount, unit),
                                 f"({describe_time_limit(amount, unit)})")
    return problems


async def _publish(version: dict, procedure: dict, actor_id: int | None) -> None:
    problems = await check_publishable(version, procedure)
    if problems:
        raise ProcessError("Chưa thể ban hành quy trình.", problems)
    await ProcessVersion.update({
        ProcessVersion.status: PUBLISHED, ProcessVersion.published_at: now_utc(),
        ProcessVersion.published_by: actor_id,
    }).where(ProcessVersion.id == version["id"])
    await audit.record("process.published", "process_version", version["id"], {
        "procedure": procedure["id"], "number": version["number"],
        "decision_number": version["decision_number"],
        "effective_from": version["effective_from"].isoformat()}, actor_id=actor_id)


async def publish(user: CurrentUser, version_id: int) -> None:
    async with write_transaction():
        version, procedure = await _draft(user, version_id)
        await _publish(version, procedure, user.id)


async def publish_new(procedure_id: int, header: VersionHeader, steps: list[ProcessStep],
                      actor_id: int | None = None) -> int:
    """Draft and publish a version in one go, with the same checks (the demo province and
    set-up scripts); its id."""
    async with write_transaction():
        procedure = await Procedure.select(
            Procedure.id, Procedure.agency, Procedure.time_limit_amount,
            Procedure.time_limit_unit).where(Procedure.id == procedure_id).first()
        number = await ProcessVersion.count().where(ProcessVersion.procedure == procedure_id)
        version = ProcessVersion(
            procedure=procedure_id, number=number + 1, status=DRAFT, created_at=now_utc(),
            created_by=actor_id, decision_number=header.decision_number,
            decision_date=header.decision_date, note=header.note,
            effective_from=local_midnight(header.effective_date)
            if header.effective_date else None)
        await version.save()
        await _replace_steps(version.id, steps)
        row = await ProcessVersion.select().where(ProcessVersion.id == version.id).first()
        await _publish(row, procedure, actor_id)
    return version.id


async def discard_draft(user: CurrentUser, version_id: int) -> int:
    """Delete a draft; the procedure's id (where the admin goes back to)."""
    async with write_transaction():
        version, procedure = await _draft(user, version_id)
        await ProcessVersion.delete().where(ProcessVersion.id == version_id)
        await audit.record("process.draft_discarded", "process_version", version_id,
                           {"procedure": procedure["id"], "number": version["number"]},
                           actor_id=user.id)
    return procedure["id"]
