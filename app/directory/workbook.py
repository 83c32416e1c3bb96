"""Administrative units and agencies as spreadsheets: the sheets, and reading their rows
with every problem named by sheet, row and column. Pure: no I/O (the service passes in what
the database already holds)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.directory.logic import agency_problems, level_code, unit_problems
from app.documents.sheets import (
    Column,
    Problem,
    cell_day,
    cell_text,
    header_map,
    is_blank,
    write_workbook,
)

UNIT_SHEET = "Đơn vị hành chính"
UNIT_COLUMNS = [
    Column("code", "Mã"), Column("name", "Tên"), Column("level", "Cấp"),
    Column("level_name", "Loại đơn vị"), Column("parent", "Mã đơn vị cấp trên"),
    Column("era", "Thời kỳ", False), Column("valid_from", "Hiệu lực từ", False),
    Column("valid_to", "Hiệu lực đến", False), Column("replaced_by", "Thay thế bởi", False),
]
AGENCY_SHEET, COUNTER_SHEET, SIGNER_SHEET = "Cơ quan", "Quầy tiếp nhận", "Người ký"
AGENCY_COLUMNS = [
    Column("code", "Mã cơ quan"), Column("name", "Tên cơ quan"),
    Column("short_name", "Tên viết tắt", False), Column("kind", "Loại cơ quan", False),
    Column("parent", "Mã cơ quan cấp trên", False), Column("admin_unit", "Mã ĐVHC", False),
    Column("address", "Địa chỉ", False), Column("phone", "Điện thoại", False),
    Column("email", "Thư điện tử", False), Column("portal_code", "Mã trên Cổng DVCQG", False),
]
COUNTER_COLUMNS = [Column("agency", "Mã cơ quan"), Column("name", "Tên quầy"),
                   Column("location", "Vị trí", False)]
SIGNER_COLUMNS = [Column("agency", "Mã cơ quan"), Column("full_name", "Họ và tên"),
                  Column("title", "Chức danh")]
DEFAULT_ERA = "2025"


@dataclass
class Rows:
    items: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused: set[int] = field(default_factory=set)


def _read(sheets: dict[str, list[tuple]], name: str, columns: list[Column], result: Rows,
          required: bool = True):
    """(row number, {key: text or raw value}) of each non-blank row of a sheet."""
    rows = sheets.get(name)
    if not rows:
        if required:
            result.problems.append(Problem(name, 0, "", "không có trang này trong tệp."))
        return
    mapping, missing = header_map(name, rows[0], columns)
    result.problems.extend(missing)
    if missing:
        return
    for number, values in enumerate(rows[1:], start=2):
        if all(is_blank(v) for v in values):
            continue
        yield number, {key: values[index] if index < len(values) else None
                       for key, index in mapping.items()}


def _fail(result: Rows, sheet: str, row: int, columns: list[Column], key: str,
          message: str) -> None:
    header = next(c.header for c in columns if c.key == key)
    result.problems.append(Problem(sheet, row, header, message))
    result.refused.add(row)


def parse_units(sheets: dict[str, list[tuple]], known: dict[tuple[str, str], str | None]
                ) -> Rows:
    """Unit rows; `known` maps (era, code) of units already stored to their parent's code."""
    result, seen = Rows(), {}
    for number, raw in _read(sheets, UNIT_SHEET, UNIT_COLUMNS, result):
        text = {key: cell_text(value) for key, value in raw.items()}
        era = text.get("era") or DEFAULT_ERA
        days = {key: cell_day(raw.get(key)) for key in ("valid_from", "valid_to")}
        for key, day in days.items():
            if isinstance(day, str):
                _fail(result, UNIT_SHEET, number, UNIT_COLUMNS, key, "ghi ngày dạng dd/mm/yyyy.")
                days[key] = None
        problems = unit_problems(text["code"], text["name"], text["level"],
                                 text["level_name"] or text["level"], days["valid_from"],
                                 days["valid_to"])
        for key, message in problems.items():
            _fail(result, UNIT_SHEET, number, UNIT_COLUMNS, key, message)
        if (era, text["code"]) in seen:
            _fail(result, UNIT_SHEET, number, UNIT_COLUMNS, "code",
                  f"mã {text['code']} trùng với dòng {seen[(era, text['code'])]}.")
        seen.setdefault((era, text["code"]), number)
        result.items.append({
            "absent": {c.key for c in UNIT_COLUMNS if c.key not in raw},
            "row": number, "era": era, "code": text["code"], "name": text["name"],
            "level": level_code(text["level"]),
            "level_name": text["level_name"] or text["level"].strip().capitalize(),
            "parent": text["parent"] or None, "replaced_by": text.get("replaced_by") or None,
            **days})
    parents = {key: parent for key, parent in known.items()}
    parents |= {(u["era"], u["code"]): u["parent"] for u in result.items}
    tree = {key: (key[0], parent) if parent else None for key, parent in parents.items()}
    for unit in result.items:
        for key in ("parent", "replaced_by"):
            if unit[key] and (unit["era"], unit[key]) not in parents:
                _fail(result, UNIT_SHEET, unit["row"], UNIT_COLUMNS, key,
                      f"không có đơn vị mã {unit[key]} (thời kỳ {unit['era']}).")
        if _loops((unit["era"], unit["code"]), tree):
            _fail(result, UNIT_SHEET, unit["row"], UNIT_COLUMNS, "parent",
                  "đơn vị cấp trên tạo thành vòng lặp.")
    result.items = [u for u in result.items if u["row"] not in result.refused]
    return result


def _loops(start, parents: dict) -> bool:
    """Whether walking up from `start` through `parents` (key → parent key) comes back."""
    seen, current = set(), start
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def parse_agencies(sheets: dict[str, list[tuple]], unit_codes: set[str],
                   known: dict[str, str | None]) -> Rows:
    """Agency rows with their counters and signers; `known` maps stored agency codes to
    their parent's code, `unit_codes` the codes of units agencies may sit in."""
    result, seen = Rows(), {}
    for number, raw in _read(sheets, AGENCY_SHEET, AGENCY_COLUMNS, result):
        text = {key: cell_text(value) for key, value in raw.items()}
        for key, message in agency_problems(text["code"], text["name"], text.get("phone", ""),
                                            text.get("email", "")).items():
            _fail(result, AGENCY_SHEET, number, AGENCY_COLUMNS, key, message)
        if text["code"] in seen:
            _fail(result, AGENCY_SHEET, number, AGENCY_COLUMNS, "code",
                  f"mã {text['code']} trùng với dòng {seen[text['code']]}.")
        seen.setdefault(text["code"], number)
        if text.get("admin_unit") and text["admin_unit"] not in unit_codes:
            _fail(result, AGENCY_SHEET, number, AGENCY_COLUMNS, "admin_unit",
                  f"không có đơn vị hành chính mã {text['admin_unit']}.")
        result.items.append({"row": number, "counters": [], "signers": [],
                             "absent": {c.key for c in AGENCY_COLUMNS if c.key not in raw},
                             **{c.key: text.get(c.key, "") for c in AGENCY_COLUMNS}})
    parents = dict(known) | {a["code"]: a["parent"] or None for a in result.items}
    for agency in result.items:
        if agency["parent"] and agency["parent"] not in parents:
            _fail(result, AGENCY_SHEET, agency["row"], AGENCY_COLUMNS, "parent",
                  f"không có cơ quan mã {agency['parent']}.")
        elif _loops(agency["code"], parents):
            _fail(result, AGENCY_SHEET, agency["row"], AGENCY_COLUMNS, "parent",
                  "cơ quan cấp trên tạo thành vòng lặp.")
    by_code = {a["code"]: a for a in result.items}
    for sheet, columns, key in ((COUNTER_SHEET, COUNTER_COLUMNS, "counters"),
                                (SIGNER_SHEET, SIGNER_COLUMNS, "signers")):
        for number, raw in _read(sheets, sheet, columns, result, required=False):
            text = {k: cell_text(v) for k, v in raw.items()}
            owner = by_code.get(text["agency"])
            empty = [c.key for c in columns if c.required and not text.get(c.key)]
            if owner is None:
                _fail(result, sheet, number, columns, "agency",
                      f"không có cơ quan mã '{text['agency']}' ở trang '{AGENCY_SHEET}'.")
            elif empty:
                _fail(result, sheet, number, columns, empty[0], "ô này không được để trống.")
                result.refused.add(owner["row"])
            else:
                owner[key].append({k: v for k, v in text.items() if k != "agency"})
    result.items = [a for a in result.items if a["row"] not in result.refused]
    return result


def _headers(columns: list[Column]) -> list[str]:
    return [c.header for c in columns]


def write_units(units: list[dict]) -> bytes:
    rows = [[u["code"], u["name"], u["level"], u["level_name"], u["parent_code"] or "",
             u["era"], u["valid_from"], u["valid_to"], u["replaced_by_code"] or ""]
            for u in units]
    return write_workbook([(UNIT_SHEET, _headers(UNIT_COLUMNS), rows)])


def write_agencies(agencies: list[dict], people: dict[str, dict]) -> bytes:
    rows = [[a["code"], a["name"], a["short_name"], a["kind"], a["parent_code"] or "",
             a["unit_code"] or "", a["address"], a["phone"], a["email"], a["portal_code"]]
            for a in agencies]
    counters = [[code, name, location] for code, found in people.items()
                for name, location in found["counters"]]
    signers = [[code, name, title] for code, found in people.items()
               for name, title in found["signers"]]
    return write_workbook([(AGENCY_SHEET, _headers(AGENCY_COLUMNS), rows),
                           (COUNTER_SHEET, _headers(COUNTER_COLUMNS), counters),
                           (SIGNER_SHEET, _headers(SIGNER_COLUMNS), signers)])

