"""Register numbers of issued letters, and a dossier's place in its counter's book.

A letter (forms 01–05) is numbered the first time it is printed, per issuing agency, form
and year, in one IMMEDIATE transaction with its audit entry; every later print shows the
same number. The tracking book has one volume a year per counter ("Quyển số: 01/2026");
a dossier's entry number is its rank among that counter's receptions of the year.
"""

from __future__ import annotations

from datetime import datetime, time

from piccolo.query.functions.aggregate import Max

from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.tables import Dossier
from app.formatting import LOCAL_TZ, now_utc, to_local
from app.legal_forms.book_service import at_counter
from app.legal_forms.tables import IssuedForm

BOOK_VOLUME = 1  # one electronic volume a year; a counter on paper keeps its own numbering


async def letter_number(dossier_id: int, kind: str, about_id: int | None, agency_id: int,
                        at: datetime, actor_id: int | None) -> int:
    """The letter's number: the one it was given, or the next of its agency, form and year
    (the year of the event the letter is about)."""
    key = f"{dossier_id}:{kind}:{about_id or 0}"
    found = await IssuedForm.select(IssuedForm.number).where(IssuedForm.key == key).first()
    if found is not None:
        return found["number"]
    year = to_local(at).year
    async with write_transaction():
        found = await IssuedForm.select(IssuedForm.number).where(IssuedForm.key == key).first()
        if found is not None:  # numbered by a print that won the race
            return found["number"]
        top = await IssuedForm.select(Max(IssuedForm.number, alias="top")).where(
            (IssuedForm.agency == agency_id) & (IssuedForm.kind == kind)
            & (IssuedForm.year == year)).first()
        number = ((top or {}).get("top") or 0) + 1
        row = IssuedForm(key=key, dossier=dossier_id, kind=kind, agency=agency_id, year=year,
                         number=number, issued_at=now_utc())
        await row.save()
        await audit.record("legal_form.numbered", "issued_form", row.id, {
            "dossier": dossier_id, "kind": kind, "year": year, "number": number},
            actor_id=actor_id)
    return number


async def book_entry(dossier: dict) -> tuple[str, int] | None:
    """("01/2026", rank) of a received dossier in its counter's book; None if not received."""
    received = dossier["received_at"]
    if received is None:
        return None
    counter = dossier["receiving_agency"] or dossier["agency"]
    year = to_local(received).year
    start = datetime.combine(to_local(received).date().replace(month=1, day=1), time.min,
                             LOCAL_TZ)
    before = (Dossier.received_at < received) | (
        (Dossier.received_at == received) & (Dossier.id <= dossier["id"]))
    rank = await Dossier.count().where(
        at_counter(counter) & (Dossier.received_at >= start) & before)
    return f"{BOOK_VOLUME:02d}/{year}", rank
