"""Rules of the organisation: administrative units whose levels are data, their validity
and mergers, agencies and their tree. Pure: no I/O.

A unit is in effect on a day when the day lies within its validity; a merger ends the unit
the day before the successor takes over (`valid_to`) and names the successor. Nothing that
points at the old unit is rewritten: agencies and their dossiers keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.text import fold, is_phone

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def level_code(level_text: str) -> str:
    """"Tỉnh" → "tinh", "Cấp xã" → "xa", "Đặc khu" → "dac_khu": a level's code is data
    derived from its name, so a new kind of unit needs no code change."""
    folded = re.sub(r"^cap\s+", "", fold(level_text))
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def in_effect(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


@dataclass(frozen=True)
class UnitFacts:
    id: int
    code: str
    era: str
    parent: int | None
    valid_to: date | None
    replaced_by: int | None


def descendants(unit_id: int, parents: dict[int, int | None]) -> set[int]:
    """Every unit under `unit_id` in the tree given as child → parent."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [unit_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def parent_problem(unit_id: int | None, parent_id: int | None,
                   parents: dict[int, int | None]) -> str | None:
    """Why this parent would break the tree (a cycle), or None."""
    if parent_id is None or unit_id is None:
        return None
    if parent_id == unit_id or parent_id in descendants(unit_id, parents):
        return "Đơn vị cấp trên không thể là chính nó hoặc đơn vị trực thuộc nó."
    return None


def merger_problem(unit: UnitFacts, successor: UnitFacts | None, on: date | None) -> str | None:
    """Why `unit` cannot be merged into `successor` from day `on`, or None."""
    if successor is None:
        return "Chọn đơn vị tiếp nhận (đơn vị sau sắp xếp)."
    if on is None:
        return "Nhập ngày sắp xếp có hiệu lực (dd/mm/yyyy)."
    if successor.id == unit.id:
        return "Đơn vị không thể sáp nhập vào chính nó."
    if unit.replaced_by is not None:
        return "Đơn vị này đã được sắp xếp, sáp nhập trước đó."
    if successor.replaced_by is not None:
        return "Đơn vị tiếp nhận đã được sáp nhập vào đơn vị khác; chọn đơn vị hiện hành."
    if successor.valid_to is not None and successor.valid_to < on:
        return "Đơn vị tiếp nhận đã hết hiệu lực trước ngày sắp xếp."
    return None


def merged_until(on: date) -> date:
    """The old unit's last day: the day before the successor takes over."""
    return on - timedelta(days=1)


def unit_problems(code: str, name: str, level: str, level_name: str,
                  valid_from: date | None, valid_to: date | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not _CODE.match(code):
        problems["code"] = "Mã đơn vị gồm chữ, số, dấu chấm hoặc gạch (tối đa 40 ký tự)."
    if not name.strip():
        problems["name"] = "Nhập tên đơn vị hành chính."
    if not level_code(level):
        problems["level"] = "Nhập cấp của đơn vị, ví dụ Tỉnh, Huyện, Xã."
    if not level_name.strip():
        problems["level_name"] = "Nhập loại đơn vị, ví dụ Xã, Phường, Đặc khu."
    if valid_from and valid_to and valid_to < valid_from:
        problems["valid_to"] = "Ngày hết hiệu lực không thể trước ngày có hiệu lực."
    return problems


def agency_problems(code: str, name: str, phone: str, email: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not _CODE.match(code):
        problems["code"] = ("Mã cơ quan (mã định danh) gồm chữ, số, dấu chấm hoặc gạch, "
                            "ví dụ 000.00.17.H55.")
    if not name.strip():
        problems["name"] = "Nhập tên cơ quan."
    if phone and not (is_phone(phone) or re.fullmatch(r"0\d{2,3}[ .]?\d{3,4}[ .]?\d{3,4}",
                                                      phone.strip())):
        problems["phone"] = "Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0."
    if email and not _EMAIL.match(email):
        problems["email"] = "Thư điện tử không đúng định dạng."
    return problems


def tree_order(rows: list[dict]) -> list[dict]:
    """Rows (with id, parent, name) in depth-first order, each with its `indent`: the tree
    drawn as a list, children under their parent by name."""
    by_parent: dict[int | None, list[dict]] = {}
    ids = {row["id"] for row in rows}
    for row in rows:
        parent = row["parent"] if row["parent"] in ids else None
        by_parent.setdefault(parent, []).append(row)
    ordered: list[dict] = []

    def walk(parent: int | None, indent: int) -> None:
        for row in sorted(by_parent.get(parent, ()), key=lambda r: fold(r["name"])):
            ordered.append({**row, "indent": indent})
            walk(row["id"], indent + 1)

    walk(None, 0)
    return ordered
