"""The draft editor's form ⇄ `ProcedureContent`. Pure: no I/O.

The form is plain HTML (works without JavaScript): one field per part, components and legal
bases as numbered rows with a few spare blank rows; a blank row is skipped. Reading a form
reports only what cannot be read (a number that is not a number, a bad date); whether the
content is complete enough to publish is `content.publish_problems`, checked on publishing,
so a half-written draft can always be saved.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.catalog.content import METHOD_LABELS, Component, LegalBasis, ProcedureContent
from app.formatting import format_number

SPARE_ROWS = 3
MAX_ROWS = 60
_TEXT_FIELDS = ("code", "name", "level", "subjects", "steps_text", "where_to_submit",
                "time_limit_unit", "fee_text", "fee_exemptions", "result_kind", "result_text",
                "conditions", "online_level")
_FLAGS = ("online_payment", "boundary_free")


def parse_amount(text: str) -> Decimal | None:
    """"5", "0,5", "1.5" → Decimal; None when it is not a non-negative number."""
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_money(text: str) -> int | None:
    """"50.000", "50 000", "50000 đ" → 50000; "" → 0; None for a negative or not a number."""
    cleaned = re.sub(r"[\s.]|đồng|đ", "", text.strip().lower())
    if cleaned == "":
        return 0
    return int(cleaned) if re.fullmatch(r"\d{1,12}", cleaned) else None


def parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _optional_id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


def _row_count(data: dict[str, str], prefix: str) -> int:
    numbers = [int(m.group(1)) for key in data
               if (m := re.fullmatch(rf"{prefix}_(\d+)_\w+", key))]
    return min(max(numbers, default=0), MAX_ROWS)


def _components(data: dict[str, str], base: ProcedureContent, errors: dict[str, str]
                ) -> tuple[Component, ...]:
    before = dict(enumerate(base.components, start=1))
    rows = []
    for n in range(1, _row_count(data, "comp") + 1):
        name = data.get(f"comp_{n}_name", "").strip()
        if not name:
            continue
        quantity = data.get(f"comp_{n}_quantity", "1").strip() or "1"
        if not quantity.isdigit() or not 1 <= int(quantity) <= 99:
            errors.setdefault(f"comp_{n}_quantity", f"Thành phần {n}: số lượng từ 1 đến 99.")
            quantity = "1"
        # A row drawn from the draft's component N (hidden `ref`) keeps its identity and its
        # uploaded form file, wherever the row now is.
        previous = before.get(_optional_id(data.get(f"comp_{n}_ref", "")))
        rows.append(Component(
            name=name[:500], kind=data.get(f"comp_{n}_kind", "original"),
            quantity=int(quantity), required=data.get(f"comp_{n}_required") == "1",
            form_name=data.get(f"comp_{n}_form", "").strip()[:200],
            form_sha256=previous.form_sha256 if previous else "",
            form_filename=previous.form_filename if previous else "",
            component_id=previous.component_id if previous else None))
    return tuple(rows)


def _bases(data: dict[str, str], errors: dict[str, str]) -> tuple[LegalBasis, ...]:
    rows = []
    for n in range(1, _row_count(data, "basis") + 1):
        title = data.get(f"basis_{n}_title", "").strip()
        if not title:
            continue
        day_text = data.get(f"basis_{n}_from", "").strip()
        day = parse_day(day_text) if day_text else None
        if day_text and day is None:
            errors.setdefault(f"basis_{n}_from",
                              f"Căn cứ {n}: ngày có hiệu lực theo dạng dd/mm/yyyy.")
        rows.append(LegalBasis(title[:500], day))
    return tuple(rows)


def content_from_form(data: dict[str, str], base: ProcedureContent
                      ) -> tuple[ProcedureContent, dict[str, str]]:
    """The content typed into the editor, and field → message for what could not be read."""
    errors: dict[str, str] = {}
    values = {name: data.get(name, "").strip() for name in _TEXT_FIELDS}
    amount_text = data.get("time_limit_amount", "").strip()
    amount = parse_amount(amount_text) if amount_text else Decimal(0)  # a draft may lack it
    if amount is None:
        errors["time_limit_amount"] = "Thời hạn giải quyết là một số, ví dụ 5 hoặc 0,5."
    fee = parse_money(data.get("fee_amount", ""))
    if fee is None:
        errors["fee_amount"] = "Mức phí là số tiền không âm, ví dụ 50.000."
    content = ProcedureContent(
        **values,
        field_id=_optional_id(data.get("field_id", "")),
        agency_id=_optional_id(data.get("agency_id", "")),
        methods=tuple(m for m in METHOD_LABELS if data.get(f"method_{m}") == "1"),
        time_limit_amount=amount if amount is not None else Decimal(0),
        fee_amount=fee if fee is not None else 0,
        components=_components(data, base, errors),
        legal_bases=_bases(data, errors),
        **{flag: data.get(flag) == "1" for flag in _FLAGS},
    )
    return content, errors


def form_values(content: ProcedureContent) -> dict[str, str]:
    """What the editor shows for a stored content (the inverse of `content_from_form`)."""
    values = {name: str(getattr(content, name)) for name in _TEXT_FIELDS}
    values |= {
        "field_id": str(content.field_id or ""), "agency_id": str(content.agency_id or ""),
        "time_limit_amount": format_number(content.time_limit_amount.normalize())
        if content.time_limit_amount else "",
        "fee_amount": format_number(content.fee_amount) if content.fee_amount else "",
    }
    values |= {f"method_{m}": "1" for m in content.methods}
    values |= {flag: "1" for flag in _FLAGS if getattr(content, flag)}
    for n, c in enumerate(content.components, start=1):
        values |= {f"comp_{n}_name": c.name, f"comp_{n}_kind": c.kind,
                   f"comp_{n}_quantity": str(c.quantity), f"comp_{n}_form": c.form_name,
                   f"comp_{n}_ref": str(n)}
        if c.required:
            values[f"comp_{n}_required"] = "1"
    for n, b in enumerate(content.legal_bases, start=1):
        values |= {f"basis_{n}_title": b.title,
                   f"basis_{n}_from": b.effective_from.strftime("%d/%m/%Y")
                   if b.effective_from else ""}
    return values


def rows_to_show(values: dict[str, str], prefix: str, key: str) -> int:
    """Up to the last filled row, plus spare blank ones, for drawing the form."""
    filled = [n for n in range(1, MAX_ROWS + 1) if values.get(f"{prefix}_{n}_{key}", "").strip()]
    return min(max(filled, default=0) + SPARE_ROWS, MAX_ROWS)
