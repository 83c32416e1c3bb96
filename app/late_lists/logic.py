"""Rules of the public late lists. Pure: no I/O.

A dossier is late in a calendar month when the service index's rule of progress (2.1,
`app.service_index.rules`) finds it late at the month's end — processed after its
appointment, open past it at the end, or with an apology (form 04) — leaving out the
index's "more than one supplement request" rule, which is about how a dossier was handled,
not about its date. Each late dossier counts for its agency and for its officer (the one
holding it, else who last moved it out of processing, as on the staff late page).
The list of month M is due in public by the 5th of month M+1 (seed 002's plan).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from app.service_index.rules import DossierTiming, on_time

PUBLISH_DAY = 5
NO_OFFICER = "Chưa giao người xử lý"
ANY_NUMBER_OF_SUPPLEMENTS = 10**9


def late_at_end(timing: DossierTiming, end: datetime) -> bool:
    return not on_time(timing, end, ANY_NUMBER_OF_SUPPLEMENTS)


def publish_by(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, PUBLISH_DAY)


def previous_month(day: date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


@dataclass(frozen=True)
class LateDossier:
    agency: str
    officer: str  # full name, or NO_OFFICER
    letters: int  # apology letters issued before the month's end


@dataclass(frozen=True)
class Row:
    kind: str  # agency | officer
    name: str
    agency_name: str
    late: int
    apologised: int
    letters: int


def rows(dossiers: Iterable[LateDossier]) -> list[Row]:
    """Agencies, then officers (within their agency), each most late first."""
    agencies: dict[str, list[int]] = {}
    officers: dict[tuple[str, str], list[int]] = {}
    for d in dossiers:
        for counts in (agencies.setdefault(d.agency, [0, 0, 0]),
                       officers.setdefault((d.officer, d.agency), [0, 0, 0])):
            counts[0] += 1
            counts[1] += d.letters > 0
            counts[2] += d.letters
    out = [Row("agency", name, name, *c) for name, c in agencies.items()]
    out += [Row("officer", officer, agency, *c) for (officer, agency), c in officers.items()]
    return sorted(out, key=lambda r: (r.kind != "agency", -r.late, r.agency_name, r.name))


def digest(found: list[Row]) -> str:
    """Names the rows as built: an approval must be of these rows."""
    text = json.dumps([asdict(r) for r in found], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
