"""Loading the administrative-unit tree: today's units from `vietnam-provinces`, other eras
(the seeds' province → district → commune) from JSON files.

A file is one province of one era, nested to any depth:

    {"era": "2020", "active": false, "source": "...",
     "province": {"code": "62", "name": "Tỉnh Kon Tum", "level": "tinh", "level_name": "Tỉnh",
                  "active": false, "children": [{...same shape...}]}}

`active` on a node overrides the file's default. Each load is one write transaction with
one audit entry, and is skipped when the province row of that era already exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import vietnam_provinces as vp

from app.audit import service as audit
from app.db import write_transaction
from app.directory.tables import AdminUnit

CURRENT_ERA = "2025"
# Stay far below SQLite's bound-parameter limit whatever the build.
_CHUNK = 300


@dataclass
class UnitNode:
    code: str
    name: str
    level: str
    level_name: str
    active: bool = True
    children: list[UnitNode] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _type_name(division_type: vp.VietNamDivisionType) -> str:
    if division_type is vp.VietNamDivisionType.THANH_PHO_TRUNG_UONG:
        return "Thành phố"
    return division_type.value.capitalize()


def _full_name(level_name: str, name: str) -> str:
    # The package writes "Thành phố Hà Nội" but plain "Quảng Ngãi"; wards carry their type.
    return name if name.startswith(level_name) else f"{level_name} {name}"


def current_tree(province_code: int) -> UnitNode:
    """The province and its communes/wards as published in `vietnam-provinces`."""
    province = vp.Province.from_code(province_code)
    level_name = _type_name(province.division_type)
    wards = sorted(vp.Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    return UnitNode(
        code=f"{int(province.code):02d}",
        name=_full_name(level_name, province.name),
        level="tinh",
        level_name=level_name,
        children=[
            UnitNode(
                code=f"{int(w.code):05d}", name=w.name, level="xa",
                level_name=_type_name(w.division_type),
            )
            for w in wards
        ],
    )


def tree_from_json(data: dict, default_active: bool = True) -> UnitNode:
    active = bool(data.get("active", default_active))
    return UnitNode(
        code=str(data["code"]),
        name=data["name"],
        level=data["level"],
        level_name=data["level_name"],
        active=active,
        children=[tree_from_json(child, active) for child in data.get("children", ())],
    )


async def load_current_units(province_code: int = 51) -> int:
    """Load today's province and communes; the number of units inserted (0 if present)."""
    return await load_tree(
        CURRENT_ERA, current_tree(province_code), source=f"vietnam-provinces {vp.__version__}"
    )


async def load_units_file(path: str | Path) -> int:
    """Load a province tree of any depth from a JSON file; 0 if that era's province exists."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    root = tree_from_json(data["province"], bool(data.get("active", True)))
    return await load_tree(str(data["era"]), root, source=data.get("source", Path(path).name))


async def load_tree(era: str, root: UnitNode, source: str = "") -> int:
    codes = [node.code for node in root.walk()]
    if len(codes) != len(set(codes)):
        raise ValueError(f"duplicate unit codes in the {era} tree of {root.name}")
    async with write_transaction():
        if await AdminUnit.exists().where(
            (AdminUnit.era == era) & (AdminUnit.code == root.code) & (AdminUnit.depth == 0)
        ):
            return 0
        # Level by level, so every parent already has its id: one INSERT per level.
        root_id, total = None, 0
        level: list[tuple[UnitNode, int | None]] = [(root, None)]
        depth = 0
        while level:
            rows = [
                AdminUnit(
                    code=node.code, era=era, name=node.name, level=node.level,
                    level_name=node.level_name, parent=parent_id, depth=depth,
                    active=node.active,
                )
                for node, parent_id in level
            ]
            for start in range(0, len(rows), _CHUNK):
                await AdminUnit.insert(*rows[start:start + _CHUNK])
            ids = await _ids_at_depth(era, depth, [node.code for node, _ in level])
            if root_id is None:
                root_id = ids[root.code]
            total += len(rows)
            level = [(child, ids[node.code]) for node, _ in level for child in node.children]
            depth += 1
        await audit.record(
            "directory.units_loaded", "admin_unit", root_id,
            {"era": era, "province": root.code, "name": root.name, "count": total,
             "source": source},
        )
    return total


async def _ids_at_depth(era: str, depth: int, codes: list[str]) -> dict[str, int]:
    # Looked up rather than trusted from RETURNING, whose row order SQLite does not promise.
    found: dict[str, int] = {}
    for start in range(0, len(codes), _CHUNK):
        rows = await AdminUnit.select(AdminUnit.id, AdminUnit.code).where(
            (AdminUnit.era == era) & (AdminUnit.depth == depth)
            & AdminUnit.code.is_in(codes[start:start + _CHUNK])
        )
        found.update({row["code"]: row["id"] for row in rows})
    return found


async def unit_ids(era: str = CURRENT_ERA) -> dict[str, int]:
    """Code → id of every unit of an era (codes are national, so unique within an era)."""
    rows = await AdminUnit.select(AdminUnit.id, AdminUnit.code).where(AdminUnit.era == era)
    return {row["code"]: row["id"] for row in rows}
