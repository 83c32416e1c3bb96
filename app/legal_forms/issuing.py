"""Letters are numbered when they are issued, not when they are printed.

A paper register gives a letter its number when the letter goes out: the receipt when the
dossier is accepted, the supplement request, the refusal, the apology, the notice of
stopping. The workflow's `perform` calls `number_issued_letters` once, inside the
action's transaction, with the transition's effects (`Effect.ISSUE_FORM_0x`); so the
number exists, with its audit entry, as soon as the action is saved, and printing only
reads it (a GET writes nothing). Which effect is which letter, who issues it and what it
is about is decided here; the numbering itself is `numbers.letter_number`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from types import MappingProxyType

from app.dossiers.tables import Dossier, DossierApology
from app.legal_forms import numbers
from app.legal_forms.sets import FormKind, set_for_dossier
from app.workflow import Effect

# The workflow's effects that issue a numbered letter (forms 01–05). The control sheet
# (06) travels with the dossier and the tracking book (07) is a register: no number.
LETTER_OF_EFFECT: MappingProxyType = MappingProxyType({
    Effect.ISSUE_FORM_01: FormKind.RECEIPT,
    Effect.ISSUE_FORM_02: FormKind.SUPPLEMENT,
    Effect.ISSUE_FORM_03: FormKind.REFUSAL,
    Effect.ISSUE_REFUSAL_LETTER: FormKind.REFUSAL,  # refused after reception: same form
    Effect.ISSUE_FORM_04: FormKind.APOLOGY,
    Effect.ISSUE_FORM_05: FormKind.STOP_NOTICE,
})
# The counter issues the reception letters; the handling agency writes the later ones.
COUNTER_FORMS = frozenset({FormKind.RECEIPT, FormKind.SUPPLEMENT, FormKind.REFUSAL})


def letters_issued(effects: Iterable[Effect | str]) -> list[FormKind]:
    """The numbered letters a transition with these effects issues, in effect order."""
    kinds: list[FormKind] = []
    for effect in effects:
        kind = LETTER_OF_EFFECT.get(effect)
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def issuer_of(kind: FormKind, agency_id: int, receiving_agency_id: int | None) -> int:
    """The agency whose register numbers this letter."""
    return (receiving_agency_id or agency_id) if kind in COUNTER_FORMS else agency_id


def letter_key(dossier_id: int, kind: FormKind, about_id: int | None) -> str:
    """One letter: the dossier, the form, and the event (or apology) it is about."""
    return f"{dossier_id}:{kind.value}:{about_id or 0}"


async def about_id(dossier_id: int, kind: FormKind, event_id: int) -> int:
    """An apology letter is about its apology (a dossier may have several); the others
    about the event that issued them."""
    if kind != FormKind.APOLOGY:
        return event_id
    row = await DossierApology.select(DossierApology.id).where(
        DossierApology.dossier == dossier_id).order_by(DossierApology.id, ascending=False).first()
    return row["id"] if row else event_id


async def number_issued_letters(dossier_id: int, effects: Iterable[Effect | str],
                                event_id: int, at: datetime, actor_id: int | None
                                ) -> dict[FormKind, int]:
    """Number the letters this action issues; must run inside its write transaction, after
    the dossier row, its event and any apology were saved. Forms the dossier's form set
    does not number (or does not have, such as a stop notice before 07/2025) are skipped."""
    kinds = letters_issued(effects)
    if not kinds:
        return {}
    row = await Dossier.select(Dossier.received_at, Dossier.created_at, Dossier.agency,
                               Dossier.receiving_agency).where(Dossier.id == dossier_id).first()
    form_set = set_for_dossier(row["received_at"], row["created_at"])
    given = {}
    for kind in kinds:
        spec = form_set.spec(kind)
        if spec is None or not spec.symbol:
            continue
        key = letter_key(dossier_id, kind, await about_id(dossier_id, kind, event_id))
        given[kind] = await numbers.letter_number(
            key, dossier_id, kind.value, issuer_of(kind, row["agency"], row["receiving_agency"]),
            at, actor_id)
    return given
