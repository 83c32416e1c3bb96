"""What the transparency indicators (1.1–1.4) and the result kind read: the catalogue's
publishing decisions and public pages, the national-portal sync, and which procedures
issue a document as their result.

The catalogue owns its reads (`app.catalog.reading.publication_facts`,
`app.catalog.public_pages.pages_on`) and the national link owns "synced"
(`app.integrations.dvcqg.indicator.sync_evidence`); this module only keeps them to the
public procedures of the scope and remembers every procedure named, so a drill-down can
list one that is no longer offered (abolished in the period).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.catalog.public_pages import pages_on
from app.catalog.reading import publication_facts
from app.catalog.tables import Procedure
from app.integrations.config import provider
from app.integrations.dvcqg.indicator import SyncFacts, sync_evidence
from app.reports.logic import Period

DOCUMENT = "document"


@dataclass
class CatalogueFacts:
    # versions published by decisions signed in the period (app.catalog.reading)
    versions: list[dict] = field(default_factory=list)
    # procedure → the parts its public page lacked on the period's last day (or today)
    pages: dict[int, list[str]] = field(default_factory=dict)
    # procedure → code, name, agency: every procedure the two above name
    named: dict[int, dict] = field(default_factory=dict)
    # 1.4: None when the national portal is not connected (MOTCUA_DVCQG empty)
    synced: SyncFacts | None = None
    # procedures whose result is a document (recorded kind, else the configured default)
    document_results: set[int] = field(default_factory=set)


def _in_scope(row: dict, agency_ids: list[int] | None) -> bool:
    return not row["internal"] and (agency_ids is None or row["agency"] in agency_ids)


async def catalogue_facts(period: Period, agency_ids: list[int] | None, today: date,
                          default_result_kind: str) -> CatalogueFacts:
    out = CatalogueFacts()
    procedures = {r["id"]: r for r in await Procedure.select(
        Procedure.id, Procedure.code, Procedure.name, Procedure.agency, Procedure.internal,
        Procedure.result_kind, Procedure.current_version)}
    out.document_results = {
        i for i, r in procedures.items()
        if (r["result_kind"] if r["current_version"] is not None
            else default_result_kind) == DOCUMENT}
    for row in await publication_facts(period.first_day, period.last_day):
        procedure = procedures.get(row["procedure"])
        if procedure is not None and _in_scope(procedure, agency_ids):
            out.versions.append(row)
            out.named[procedure["id"]] = procedure
    for page in await pages_on(min(period.last_day, today)):
        procedure = procedures[page["id"]]
        if _in_scope(procedure, agency_ids):
            out.pages[page["id"]] = page["missing"]
            out.named[page["id"]] = procedure
    if provider("dvcqg"):
        out.synced = await sync_evidence(period.start_at, period.end_at, agency_ids)
    return out
