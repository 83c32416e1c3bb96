"""Reading the process editor's form: the approving decision and the table of steps. Pure.

The editor is one plain form (no JavaScript needed): a row per step with its order number,
name, kind, performers (checkboxes), unit and hours, a "remove" box, and one blank row to
add a step. Rows are sorted by the order typed, so a step is moved by renumbering it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.formatting import format_number
from app.processes.logic import Performer, ProcessStep, StepKind

MAX_STEPS = 30
MAX_HOURS = Decimal(10_000)


@dataclass
class VersionHeader:
    decision_number: str = ""
    decision_date: date | None = None
    effective_date: date | None = None
    note: str = ""


@dataclass
class EditorInput:
    """The decision, the steps read, the errors by field, and each row as typed (shown
    again when something is refused)."""

    header: VersionHeader
    steps: list[ProcessStep]
    errors: dict[str, str] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    header_text: dict[str, str] = field(default_factory=dict)


def row_of(step: ProcessStep) -> dict:
    """A stored step as the editor shows it."""
    hours = format_number(step.hours.normalize()) if step.hours else ""
    return {"order": str(step.position), "name": step.name, "kind": step.kind.value,
            "performers": sorted(p.value for p in step.performers), "hours": hours,
            "agency": str(step.agency_id or "")}


def _day(text: str) -> date | None:
    return datetime.strptime(text.strip(), "%d/%m/%Y").date() if text.strip() else None


def parse_hours(text: str) -> Decimal:
    """ "4", "4,5" or "4.5" office hours; ValueError otherwise."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0 or value > MAX_HOURS or value != round(value, 2):
        raise ValueError(text)
    return value


def read_editor(get: Callable[[str], str], get_all: Callable[[str], list[str]],
                agency_ids: set[int]) -> EditorInput:
    """The decision and the steps from the submitted form. `get`/`get_all` read a field
    (one value / all values); `agency_ids` are the units a step may name."""
    errors: dict[str, str] = {}
    header = VersionHeader(decision_number=get("decision_number")[:100],
                           note=get("note")[:2000])
    header_text = {name: get(name) for name in ("decision_number", "decision_date",
                                                 "effective_date", "note")}
    raw_rows = []
    for name in ("decision_date", "effective_date"):
        try:
            setattr(header, name, _day(get(name)))
        except ValueError:
            errors[name] = "Ngày phải theo dạng dd/mm/yyyy, ví dụ 01/03/2026."
    rows = []
    for index in range(MAX_STEPS + 1):
        key = f"step-{index}-"
        name = get(key + "name")[:300]
        if get(key + "remove") or not (name or get(key + "hours")):
            continue
        raw_rows.append({"order": get(key + "order"), "name": name, "kind": get(key + "kind"),
                         "performers": get_all(key + "performers"),
                         "hours": get(key + "hours"), "agency": get(key + "agency"),
                         "index": index})
        order_text = get(key + "order") or str(index + 1)
        try:
            order = int(order_text)
        except ValueError:
            errors[key + "order"] = f"Thứ tự “{order_text}” phải là số."
            order = index + 1
        try:
            kind = StepKind(get(key + "kind"))
        except ValueError:
            errors[key + "kind"] = f"Bước “{name}”: chọn loại bước."
            kind = StepKind.HANDLING
        try:
            performers = frozenset(Performer(p) for p in get_all(key + "performers"))
        except ValueError:
            errors[key + "performers"] = f"Bước “{name}”: người thực hiện không hợp lệ."
            performers = frozenset()
        try:
            hours = parse_hours(get(key + "hours"))
        except ValueError:
            errors[key + "hours"] = (f"Bước “{name}”: thời gian là số giờ làm việc, "
                                     "ví dụ 4 hoặc 0,5.")
            hours = Decimal(0)
        agency_text = get(key + "agency")
        agency_id = int(agency_text) if agency_text.isdigit() else None
        if agency_text and agency_id not in agency_ids:
            errors[key + "agency"] = f"Bước “{name}”: cơ quan thực hiện không hợp lệ."
            agency_id = None
        rows.append((order, index, name, kind, performers, hours, agency_id))
    if len(rows) > MAX_STEPS:
        errors["steps"] = f"Quy trình có tối đa {MAX_STEPS} bước."
    rows.sort(key=lambda r: (r[0], r[1]))
    steps = [ProcessStep(position=n, name=name, kind=kind, performers=performers,
                         hours=hours, agency_id=agency_id)
             for n, (_, _, name, kind, performers, hours, agency_id) in enumerate(rows, 1)]
    # Shown again, the kept rows are numbered 0..n-1: their errors follow them.
    renumber = {row.pop("index"): n for n, row in enumerate(raw_rows)}
    errors = {_renumbered(key, renumber): message for key, message in errors.items()}
    return EditorInput(header, steps, errors, raw_rows, header_text)


def _renumbered(key: str, renumber: dict[int, int]) -> str:
    match = re.match(r"^step-(\d+)-(.*)$", key)
    return f"step-{renumber[int(match[1])]}-{match[2]}" if match else key
