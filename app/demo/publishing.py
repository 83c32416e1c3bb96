"""The demo catalogue published as a province publishes it: every demo procedure becomes
version 1 of its page under a publishing decision (number, signing day, effective day),
made public a few days after signing, through the catalogue's own publishing code
(`app.catalog.publishing`), so the public history, each published version and the service
index's 1.1–1.3 have real content to show.

The decisions, the legal bases and subjects per field, and the results per procedure are in
`data/publishing.json`; the rest of each page is the procedure as `procedures.json` loaded
it. Runs inside the catalogue load's write transaction.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from app.catalog.content import LegalBasis, ProcedureContent
from app.catalog.in_force import bring_into_force
from app.catalog.publishing import DecisionInput, decision_id, publish_content
from app.catalog.reading import legacy_content
from app.catalog.tables import Field, Procedure
from app.catalog.versions import Decision
from app.formatting import LOCAL_TZ, now_utc

DATA = Path(__file__).resolve().parent / "data" / "publishing.json"
PUBLISHED_AT = time(9, 0)  # the catalogue updated in the morning of `published_on`


def _basis(plain: dict) -> LegalBasis:
    day = plain.get("effective_from")
    return LegalBasis(plain["title"], date.fromisoformat(day) if day else None)


def demo_content(content: ProcedureContent, field: dict, result: str, extra_basis: dict | None
                 ) -> ProcedureContent:
    """A procedure's page as loaded, completed with what the national database publishes:
    methods (in person and by post everywhere, online where offered), subjects, result and
    legal bases."""
    methods = ("in_person", "post") + (("online",) if content.online_level != "none" else ())
    bases = tuple(_basis(b) for b in field["legal_bases"])
    if extra_basis:
        bases += (_basis(extra_basis),)
    return replace(content, methods=methods, subjects=field["subjects"], result_text=result,
                   legal_bases=bases)


def decision_problems(document: dict, field_codes: set[str]) -> list[str]:
    """What is wrong with the publishing document (empty when fine): every field published
    once, by a decision whose dates hold together, with its subjects and bases."""
    problems = []
    named = [f for d in document["decisions"] for f in d["fields"]]
    if sorted(named) != sorted(field_codes):
        problems.append(f"fields published {sorted(named)} != catalogue {sorted(field_codes)}")
    for d in document["decisions"]:
        signed, effective, public = (date.fromisoformat(d[k]) for k in
                                     ("signed_on", "effective_from", "published_on"))
        if not signed <= effective or not signed <= public:
            problems.append(f"{d['number']}: dates out of order")
    problems += [f"field {code} lacks subjects or legal bases" for code in field_codes
                 if not document["fields"].get(code, {}).get("legal_bases")]
    return problems


async def publish_demo_catalogue() -> int:
    """Publish every demo procedure as version 1; how many were published."""
    document = json.loads(DATA.read_text(encoding="utf-8"))
    fields = {row["id"]: row["code"] for row in await Field.select(Field.id, Field.code)}
    problems = decision_problems(document, set(fields.values()))
    if problems:
        raise ValueError("demo publishing decisions: " + "; ".join(problems))
    by_field = {code: d for d in document["decisions"] for code in d["fields"]}
    decisions: dict[str, int] = {}
    procedures = await Procedure.select(Procedure.id, Procedure.code, Procedure.field,
                                        Procedure.internal).order_by(Procedure.id)
    for row in procedures:
        field_code = fields[row["field"]]
        d = by_field[field_code]
        if d["number"] not in decisions:
            decisions[d["number"]] = await decision_id(DecisionInput(
                Decision(d["number"], date.fromisoformat(d["signed_on"]),
                         date.fromisoformat(d["effective_from"])),
                issuer=document["issuer"], title=d["title"]), None)
        content = demo_content(await legacy_content(row["id"]), document["fields"][field_code],
                               document["results"].get(row["code"], ""),
                               None if row["internal"] else document["one_stop_basis"])
        published = datetime.combine(date.fromisoformat(d["published_on"]), PUBLISHED_AT,
                                     LOCAL_TZ)
        await publish_content(None, row["id"], content, decisions[d["number"]], published,
                              strict=False)
    await bring_into_force(now_utc())  # versions scheduled then are in force by now
    return len(procedures)
