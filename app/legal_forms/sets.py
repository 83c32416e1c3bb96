"""Dated form sets: which form number, title and layout apply on a given day. Pure.

The law changes the forms (Thông tư 01/2018/TT-VPCP, then Thông tư 03/2025/TT-VPCP from
1 July 2025), so the sets are data (`data/form_sets.json`) and each dossier prints with the
set in force on the day it was received: a dossier received in 2024 keeps its 2018 forms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.formatting import to_local

DATA_FILE = Path(__file__).resolve().parent / "data" / "form_sets.json"


class FormKind(StrEnum):
    """The forms; values are the URL slugs of the staff pages."""

    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP_NOTICE = "stop_notice"
    CONTROL_SHEET = "control_sheet"
    TRACKING_BOOK = "tracking_book"


@dataclass(frozen=True)
class FormSpec:
    kind: FormKind
    number: str  # "Mẫu số 01"
    title: str
    layout: str  # template legal_forms/<layout>.html
    symbol: str = ""  # "PXL": the letter is numbered "Số: 07/PXL-<issuer>"; "" not numbered


@dataclass(frozen=True)
class FormSet:
    code: str
    circular: str
    decree: str
    effective_from: date
    conversion_mark: str
    conversion_basis: str
    forms: MappingProxyType  # FormKind -> FormSpec

    def spec(self, kind: FormKind) -> FormSpec | None:
        """The form of this kind in this set, or None when the set has no such form."""
        return self.forms.get(kind)


def parse_form_sets(data: dict[str, Any]) -> tuple[FormSet, ...]:
    """Form sets from their plain description, oldest first. Raises ValueError on a
    malformed description, so a bad edit fails at start-up rather than at printing."""
    sets = []
    for raw in data["form_sets"]:
        forms = {}
        for key, spec in raw["forms"].items():
            kind = FormKind(key)
            if not spec.get("title") or not spec.get("layout"):
                raise ValueError(f"form {key} of {raw['code']} needs a title and a layout")
            forms[kind] = FormSpec(kind, str(spec["number"]), spec["title"], spec["layout"],
                                   spec.get("symbol", ""))
        sets.append(FormSet(
            code=raw["code"], circular=raw["circular"], decree=raw["decree"],
            effective_from=date.fromisoformat(raw["effective_from"]),
            conversion_mark=raw["conversion_mark"], conversion_basis=raw["conversion_basis"],
            forms=MappingProxyType(forms)))
    sets.sort(key=lambda s: s.effective_from)
    if len({s.effective_from for s in sets}) != len(sets):
        raise ValueError("two form sets start on the same day")
    if not sets:
        raise ValueError("no form set configured")
    return tuple(sets)


@cache
def configured_sets() -> tuple[FormSet, ...]:
    return parse_form_sets(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def set_in_force(day: date, sets: tuple[FormSet, ...] | None = None) -> FormSet:
    """The set in force on `day`: the latest that started on or before it. A day before
    the first set (old imported dossiers) uses the first set rather than none."""
    sets = sets if sets is not None else configured_sets()
    chosen = sets[0]
    for form_set in sets:
        if form_set.effective_from <= day:
            chosen = form_set
    return chosen


def set_for_dossier(received_at: datetime | None, created_at: datetime,
                    sets: tuple[FormSet, ...] | None = None) -> FormSet:
    """A dossier's set: by its local reception day; one never received (refused at the
    reception queue) by the day it was created."""
    return set_in_force(to_local(received_at or created_at).date(), sets)


# Which dossier event makes a form exist: a form is only offered once its event happened.
FORM_EVENTS: MappingProxyType = MappingProxyType({
    FormKind.RECEIPT: frozenset({"accepted"}),
    FormKind.SUPPLEMENT: frozenset({"supplement_requested"}),
    FormKind.REFUSAL: frozenset({"reception_refused", "refused"}),
    FormKind.APOLOGY: frozenset({"apology_recorded"}),
    FormKind.STOP_NOTICE: frozenset({"stopped"}),
    FormKind.CONTROL_SHEET: frozenset({"accepted"}),
})


def available_forms(form_set: FormSet, event_actions: set[str] | frozenset[str]) -> list[FormSpec]:
    """The dossier forms to offer: those the set has and whose event the dossier has."""
    return [spec for kind, events in FORM_EVENTS.items()
            if (spec := form_set.spec(kind)) is not None and events & event_actions]
