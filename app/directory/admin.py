"""The provincial admin's organisation pages: units (with validity and mergers) and
agencies (with counters and signing officials). Each change is one transaction with its
audit entry naming who did it and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from functools import partial

from app.audit import service as audit
from app.db import write_transaction
from app.directory.logic import (
    UnitFacts,
    agency_problems,
    level_code,
    merged_until,
    merger_problem,
    parent_problem,
    unit_problems,
)
from app.directory.tables import AdminUnit, Agency, AgencyCounter, AgencySigner
from app.refusals import Refusal, refuse


class DirectoryError(Refusal):
    """A refusal of this area (Vietnamese message, fields at fault)."""


_refuse = partial(refuse, error=DirectoryError)


@dataclass(frozen=True)
class UnitValues:
    code: str
    name: str
    level: str
    level_name: str
    parent: int | None
    era: str = "2025"
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class AgencyValues:
    code: str
    name: str
    short_name: str = ""
    kind: str = "so"
    parent: int | None = None
    admin_unit: int | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    portal_code: str = ""
    active: bool = True


def _plain(values) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(values).items()}


async def save_unit(actor_id: int, unit_id: int | None, values: UnitValues) -> int:
    _refuse(unit_problems(values.code, values.name, values.level, values.level_name,
                          values.valid_from, values.valid_to))
    async with write_transaction():
        same_code = (AdminUnit.code == values.code) & (AdminUnit.era == values.era)
        if unit_id is not None:
            same_code &= AdminUnit.id != unit_id
        if await AdminUnit.exists().where(same_code):
            _refuse({"code": f"Đã có đơn vị mã {values.code} trong thời kỳ {values.era}."})
        depth = 0
        if values.parent is not None:
            parent = await AdminUnit.select(AdminUnit.depth, AdminUnit.era).where(
                AdminUnit.id == values.parent).first()
            if parent is None or parent["era"] != values.era:
                _refuse({"parent": "Đơn vị cấp trên không tồn tại trong cùng thời kỳ."})
            parents = {r["id"]: r["parent"] for r in await AdminUnit.select(
                AdminUnit.id, AdminUnit.parent).where(AdminUnit.era == values.era)}
            problem = parent_problem(unit_id, values.parent, parents)
            if problem:
                _refuse({"parent": problem})
            depth = parent["depth"] + 1
        row = {"code": values.code, "name": values.name.strip(),
               "level": level_code(values.level), "level_name": values.level_name.strip(),
               "parent": values.parent, "era": values.era, "depth": depth,
               "valid_from": values.valid_from, "valid_to": values.valid_to}
        if unit_id is None:
            created = AdminUnit(**row, active=True)
            await created.save()
            unit_id = created.id
        elif not await AdminUnit.update(row).where(AdminUnit.id == unit_id).returning(
                AdminUnit.id):
            raise DirectoryError("Không tìm thấy đơn vị này.")
        else:
            await _redepth(unit_id, depth)
        await audit.record("directory.unit_saved", "admin_unit", unit_id, _plain(values),
                           actor_id=actor_id)
    return unit_id


async def _redepth(unit_id: int, depth: int) -> None:
    """Moving a unit moves its subtree: each level below gets its new depth."""
    level = [unit_id]
    while level:
        depth += 1
        level = [r["id"] for r in await AdminUnit.update({AdminUnit.depth: depth}).where(
            AdminUnit.parent.is_in(level)).returning(AdminUnit.id)]


async def _facts(unit_id: int | None) -> UnitFacts | None:
    row = await AdminUnit.select().where(AdminUnit.id == unit_id).first() if unit_id else None
    return UnitFacts(row["id"], row["code"], row["era"], row["parent"], row["valid_to"],
                     row["replaced_by"]) if row else None


async def merge_unit(actor_id: int, unit_id: int, successor_id: int | None, on: date | None,
                     reason: str, today: date, move_agencies: bool = False) -> int:
    """The unit ends the day before `on`, replaced by the successor; agencies located in it
    move to the successor only when asked. Dossiers are not touched: they keep their
    agency, and the agency's history keeps the unit. The number of agencies moved."""
    if not reason.strip():
        _refuse({"reason": "Nêu căn cứ sắp xếp (số nghị quyết, quyết định)."})
    async with write_transaction():
        unit = await _facts(unit_id)
        if unit is None:
            raise DirectoryError("Không tìm thấy đơn vị này.")
        problem = merger_problem(unit, await _facts(successor_id), on)
        if problem:
            _refuse({"successor": problem})
        await AdminUnit.update({
            AdminUnit.valid_to: merged_until(on), AdminUnit.replaced_by: successor_id,
            AdminUnit.active: on > today,
        }).where(AdminUnit.id == unit_id)
        moved = []
        if move_agencies:
            moved = await Agency.update({Agency.admin_unit: successor_id}).where(
                Agency.admin_unit == unit_id).returning(Agency.id)
        await audit.record("directory.unit_merged", "admin_unit", unit_id,
                           {"successor": successor_id, "from": on.isoformat(),
                            "reason": reason.strip(), "agencies_moved": len(moved)},
                           actor_id=actor_id)
    return len(moved)


async def save_agency(actor_id: int, agency_id: int | None, values: AgencyValues) -> int:
    _refuse(agency_problems(values.code, values.name, values.phone, values.email))
    async with write_transaction():
        same_code = Agency.code == values.code
        if agency_id is not None:
            same_code &= Agency.id != agency_id
        if await Agency.exists().where(same_code):
            _refuse({"code": f"Đã có cơ quan mã {values.code}."})
        if values.parent is not None:
            parents = {r["id"]: r["parent"] for r in await Agency.select(Agency.id,
                                                                          Agency.parent)}
            problem = parent_problem(agency_id, values.parent, parents)
            if values.parent not in parents or problem:
                _refuse({"parent": problem or "Cơ quan cấp trên không tồn tại."})
        if values.admin_unit is not None and not await AdminUnit.exists().where(
                AdminUnit.id == values.admin_unit):
            _refuse({"admin_unit": "Đơn vị hành chính không tồn tại."})
        row = {**asdict(values), "name": values.name.strip()}
        if agency_id is None:
            created = Agency(**row)
            await created.save()
            agency_id = created.id
        elif not await Agency.update(row).where(Agency.id == agency_id).returning(Agency.id):
            raise DirectoryError("Không tìm thấy cơ quan này.")
        await audit.record("directory.agency_saved", "agency", agency_id, _plain(values),
                           actor_id=actor_id)
    return agency_id


async def add_counter(actor_id: int, agency_id: int, name: str, location: str) -> None:
    if not name.strip():
        _refuse({"counter_name": "Nhập tên quầy, ví dụ Quầy số 3."})
    async with write_transaction():
        row = AgencyCounter(agency=agency_id, name=name.strip()[:120],
                            location=location.strip()[:255])
        await row.save()
        await audit.record("directory.counter_added", "agency", agency_id,
                           {"counter": row.id, "name": row.name}, actor_id=actor_id)


async def add_signer(actor_id: int, agency_id: int, full_name: str, title: str) -> None:
    if not full_name.strip() or not title.strip():
        _refuse({"signer_name": "Nhập họ tên và chức danh người ký."})
    async with write_transaction():
        position = await AgencySigner.count().where(AgencySigner.agency == agency_id)
        row = AgencySigner(agency=agency_id, full_name=full_name.strip()[:200],
                           title=title.strip()[:200], position=position + 1)
        await row.save()
        await audit.record("directory.signer_added", "agency", agency_id,
                           {"signer": row.id, "name": row.full_name, "title": row.title},
                           actor_id=actor_id)


async def retire(actor_id: int, table, row_id: int, agency_id: int) -> None:
    """A counter or signer no longer in use: kept (old documents name them), not offered."""
    async with write_transaction():
        done = await table.update({table.active: False}).where(
            (table.id == row_id) & (table.agency == agency_id)).returning(table.id)
        if not done:
            raise DirectoryError("Không tìm thấy mục này.")
        await audit.record(f"directory.{table._meta.tablename}_retired", "agency", agency_id,
                           {"id": row_id}, actor_id=actor_id)
