"""Sources of group 1, transparency (766-index.md): 1.1 decisions on time, 1.2 pages public
on time, 1.3 complete pages, 1.4 dossiers synced to the national portal.

1.1 and 1.2 count procedures published (added, amended, abolished) by decisions signed in
the period, each procedure once: late once in the period is late. Each item listed carries
a note with the dates it was judged on, so the drill-down says why.
"""

from __future__ import annotations

from app.formatting import format_date
from app.service_index.evidence import Evidence, Result, Unavailable, evidence
from app.service_index.gather import Facts
from app.service_index.indicators import DOSSIERS, PROCEDURES
from app.service_index.rules import (
    decision_on_time,
    latest_decision_day,
    made_public_on_time,
    public_by,
)

NOT_CONNECTED = ("Hệ thống chưa kết nối Cổng Dịch vụ công quốc gia (MOTCUA_DVCQG chưa đặt): "
                 "không có hồ sơ nào được đồng bộ.")
NO_BASIS_DATE = "không có căn cứ pháp lý ghi ngày có hiệu lực"


def _decision(version: dict) -> str:
    return (f"Quyết định {version['decision_number']} ngày "
            f"{format_date(version['decision_signed_on'])}")


def _verdict(found: bool | None) -> str:
    return {True: "đúng hạn", False: "trễ hạn", None: "không xác định được"}[found]


def _by_procedure(verdicts: list[tuple[int, bool | None, str]], excluded_unknown: bool
                  ) -> Evidence:
    """(procedure, verdict, note) per version → procedures on time only if every version
    was; an unknown verdict (None) is late or, if so configured, not counted."""
    judged: dict[int, list[bool]] = {}
    notes: dict[int, list[str]] = {}
    for procedure, verdict, note in verdicts:
        notes.setdefault(procedure, []).append(note)
        if verdict is None and excluded_unknown:
            continue
        judged.setdefault(procedure, []).append(bool(verdict))
    on_time = {p for p, found in judged.items() if all(found)}
    return evidence(PROCEDURES, on_time, judged,
                    notes={p: "; ".join(n) for p, n in notes.items()})


async def decisions_on_time(facts: Facts) -> Result:
    """1.1: the decision dated no later than 5 working days before the newest legal basis
    takes effect."""
    verdicts = []
    for v in facts.catalogue.versions:
        basis = v["newest_basis_from"]
        verdict = decision_on_time(v["decision_signed_on"], basis, facts.calendar)
        detail = NO_BASIS_DATE if basis is None else (
            f"căn cứ có hiệu lực {format_date(basis)}, hạn ký "
            f"{format_date(latest_decision_day(basis, facts.calendar))}")
        verdicts.append((v["procedure"], verdict,
                         f"{_decision(v)} · {detail}: {_verdict(verdict)}"))
    return _by_procedure(verdicts, facts.config.undated_basis == "excluded")


async def pages_public_on_time(facts: Facts) -> Result:
    """1.2: made public in the catalogue within 5 working days of the decision's date."""
    verdicts = []
    for v in facts.catalogue.versions:
        signed = v["decision_signed_on"]
        verdict = made_public_on_time(signed, v["published_at"], facts.calendar)
        verdicts.append((v["procedure"], verdict, (
            f"{_decision(v)} · công khai {format_date(v['published_at'])}, hạn "
            f"{format_date(public_by(signed, facts.calendar))}: {_verdict(verdict)}")))
    return _by_procedure(verdicts, excluded_unknown=False)


async def complete_pages(facts: Facts) -> Result:
    """1.3: public pages with every part of Nghị định 63/2010 art. 8(2)."""
    pages = facts.catalogue.pages
    return evidence(PROCEDURES, {p for p, missing in pages.items() if not missing}, pages,
                    notes={p: "Thiếu: " + ", ".join(m) for p, m in pages.items() if m})


async def dossiers_synced(facts: Facts) -> Result:
    """1.4: dossiers received in the period that the national portal holds with their
    reception, over the dossiers the index counts as received (internal procedures and
    drafts are not the portal's)."""
    synced = facts.catalogue.synced
    if synced is None:
        return Unavailable(NOT_CONNECTED)
    received = synced.received & set(facts.received)
    return evidence(DOSSIERS, synced.synced & received, received)
