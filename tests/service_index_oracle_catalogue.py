"""The oracle's catalogue side (tests/test_service_index_oracle.py): random publishing
decisions, versions, page contents, result kinds and portal syncs written as raw rows, and
plain SQL that recomputes 1.1–1.4 and the result kind from them, written from
766-index.md without the index's code.

Working days cannot be counted in SQL: the last signing day (1.1) and the last day to be
public (1.2) are given to the SQL as values, counted here by walking the calendar's days
one by one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.catalog.content import Component, LegalBasis, ProcedureContent
from app.catalog.tables import Procedure, ProcedureComponent, ProcedureVersion, PublishingDecision
from app.formatting import LOCAL_TZ
from app.integrations.dvcqg.tables import NationalSync
from app.reports.sqlite_counts import sql_time
from tests import factories
from tests.service_index_oracle_sql import all_of, day, json_length, json_text, moment

PUBLISHED = "('scheduled', 'in_force', 'superseded')"


@dataclass(frozen=True)
class AgencyRef:
    id: int
DAY = timedelta(days=1)


def shift_working(calendar, day: date, count: int) -> date:
    """The count-th working day after (before, if negative) `day`, walked day by day."""
    step, left = (DAY, count) if count > 0 else (-DAY, -count)
    while left:
        day += step
        if calendar.is_working_day(day):
            left -= 1
    return day


class RandomCatalogue:
    """Random versions of the province's procedures around March 2026 (`rng` decides)."""

    def __init__(self, rng, procedures: list, dossiers: list[int], moment):
        self.rng, self.procedures, self.dossiers, self.moment = rng, procedures, dossiers, moment
        self.decisions = 0

    def day(self) -> date:
        edges = [date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 28), date(2026, 4, 1)]
        if self.rng.random() < 0.2:
            return self.rng.choice(edges)
        return date(2026, 2, 10) + DAY * self.rng.randint(0, 70)

    def content(self, agency: int, field: int) -> str:
        rng = self.rng

        def maybe(value):
            return value if rng.random() < 0.8 else type(value)()

        page = ProcedureContent(
            code=f"R.{rng.randint(0, 10**6)}", name=maybe("Thủ tục"), field_id=field,
            agency_id=agency, steps_text=maybe("Bước 1"), subjects=maybe("Công dân"),
            methods=maybe(("in_person",)), result_text=maybe("Giấy phép"),
            components=maybe((Component("Tờ khai"),)),
            time_limit_amount=Decimal(rng.choice([0, 1, 5])),
            legal_bases=maybe((LegalBasis("Luật", rng.choice([None, self.day()])),)))
        return json.dumps(page.to_json(), ensure_ascii=False)

    async def build(self) -> None:
        """Pages and versions of the province's procedures and of ten more without dossiers
        (some internal, some inactive); syncs of half the dossiers."""
        rng = self.rng
        agencies = sorted({p.agency for p in self.procedures})
        for n in range(10):
            extra = await factories.procedure(AgencyRef(rng.choice(agencies)), f"Thêm {n}")
            await Procedure.update({Procedure.internal: n == 0, Procedure.active: n != 1}
                                   ).where(Procedure.id == extra.id)
            self.procedures.append(extra)
        for p in self.procedures:
            values = {Procedure.result_kind: rng.choice(["document", "none"]),
                      Procedure.steps_text: rng.choice(["", "Bước 1"]),
                      Procedure.subjects: rng.choice(["", "Công dân"]),
                      Procedure.result_text: rng.choice(["", "Giấy phép"]),
                      Procedure.methods: rng.choice(["", "in_person,online"]),
                      Procedure.legal_basis: rng.choice(["[]", '[{"title": "Luật"}]'])}
            if rng.random() < 0.5:
                await ProcedureComponent(procedure=p.id, name="Tờ khai",
                                         active=rng.random() < 0.7).save()
            versions = [await self.version(p) for _ in range(rng.choice([0, 1, 1, 2, 3]))]
            if versions and rng.random() < 0.8:
                values[Procedure.current_version] = rng.choice(versions)
            await Procedure.update(values).where(Procedure.id == p.id)
        for dossier in self.dossiers:
            if rng.random() < 0.5:
                synced = self.moment() if rng.random() < 0.8 else None
                await NationalSync(dossier=dossier, reception_synced_at=synced,
                                   updated_at=self.moment()).save()

    async def version(self, p) -> int:
        rng = self.rng
        self.decisions += 1
        signed = self.day()
        decision = PublishingDecision(number=f"{self.decisions}/QĐ-UBND", signed_on=signed,
                                      effective_from=signed + DAY * rng.randint(0, 20),
                                      created_at=self.moment())
        await decision.save()
        public = rng.choice([self.moment(), self.edge_of(signed)])
        row = ProcedureVersion(
            procedure=p.id, number=self.decisions, decision=decision.id,
            status=rng.choice(["draft", "scheduled", "in_force", "superseded"]),
            change=rng.choice(["add", "amend", "abolish"]),
            effective_from=rng.choice([decision.effective_from, self.day()]),
            newest_basis_from=rng.choice([None, self.day(), self.day()]),
            content=self.content(p.agency, p.field), created_at=public, published_at=public)
        await row.save()
        return row.id

    def edge_of(self, signed: date) -> datetime:
        """Just before or at midnight after a day near the 1.2 limit (local time)."""
        day = signed + DAY * self.rng.randint(5, 9)
        return datetime.combine(day, time(0), LOCAL_TZ) - timedelta(
            microseconds=self.rng.choice([1, 0]))


def _midnight_after(day: date) -> str:
    """24:00 local of `day` as Piccolo's UTC text (SQLite's date() keeps milliseconds only,
    so a moment a microsecond before midnight is compared as text)."""
    return sql_time(datetime.combine(day + DAY, time(0), LOCAL_TZ))


async def day_values(calendar) -> tuple[str, str]:
    """VALUES rows: (basis day, last signing day) and (signing day, 24:00 of the last day
    to be public)."""
    days = {r["d"] for r in await Procedure.raw(
        "SELECT newest_basis_from AS d FROM procedure_version WHERE newest_basis_from "
        "IS NOT NULL UNION SELECT signed_on FROM publishing_decision")}
    as_day = [d if isinstance(d, date) else date.fromisoformat(d) for d in days]
    lead = ", ".join(f"({day(str(d))}, {day(str(shift_working(calendar, d, -5)))})"
                     for d in as_day)
    public = ", ".join(
        f"({day(str(d))}, {moment(_midnight_after(shift_working(calendar, d, 5)))})"
        for d in as_day)
    return lead or f"({day(None)}, {day(None)})", public or f"({day(None)}, {moment(None)})"


def publishing_sql(first: date, last: date, lead: str, public: str) -> str:
    """One row per public procedure published by a decision signed in [first, last]: agency,
    decision_ok (1.1; a version without a dated basis is late), public_ok (1.2)."""
    return f"""
    WITH lead(basis, last_sign) AS (VALUES {lead}),
         pub(signed, public_until) AS (VALUES {public})
    SELECT p.id, p.agency,
      {all_of("COALESCE(d.signed_on <= lead.last_sign, FALSE)")} AS decision_ok,
      {all_of("v.published_at < pub.public_until")} AS public_ok
    FROM procedure_version v JOIN publishing_decision d ON d.id = v.decision
    JOIN procedure p ON p.id = v.procedure
    LEFT JOIN lead ON lead.basis = v.newest_basis_from
    LEFT JOIN pub ON pub.signed = d.signed_on
    WHERE NOT p.internal AND v.status IN {PUBLISHED}
      AND d.signed_on >= '{first}' AND d.signed_on <= '{last}'
    GROUP BY p.id"""


def pages_sql(day: date) -> str:
    """One row per procedure public on `day`: agency, complete (1.3, Nghị định 63/2010)."""
    end = sql_time(datetime.combine(day + DAY, time(0), LOCAL_TZ))

    def text(path: str) -> str:
        return f"COALESCE({json_text('v.content', path)}, '') <> ''"

    def listed(path: str) -> str:
        return f"{json_length('v.content', path)} > 0"

    versioned = " AND ".join([text("name"), text("steps_text"), listed("methods"),
                              listed("components"), text("subjects"), text("result_text"),
                              f"CAST({json_text('v.content', 'time_limit_amount')} "
                              "AS DOUBLE PRECISION) > 0",
                              f"{json_text('v.content', 'agency_id')} IS NOT NULL",
                              listed("legal_bases")])
    return f"""
    WITH shown AS (
      SELECT v.* FROM procedure_version v WHERE v.status IN {PUBLISHED}
        AND v.effective_from <= '{day}' AND v.published_at < '{end}'
        AND v.number = (SELECT MAX(o.number) FROM procedure_version o
                        WHERE o.procedure = v.procedure AND o.status IN {PUBLISHED}
                          AND o.effective_from <= '{day}' AND o.published_at < '{end}'))
    SELECT p.id, p.agency, {versioned} AS complete
    FROM procedure p JOIN shown v ON v.procedure = p.id
    WHERE NOT p.internal AND v.change <> 'abolish'
    UNION ALL
    SELECT p.id, p.agency, p.name <> '' AND p.steps_text <> '' AND p.methods <> ''
      AND EXISTS (SELECT 1 FROM procedure_component c WHERE c.procedure = p.id AND c.active)
      AND p.time_limit_amount > 0 AND p.subjects <> '' AND p.result_text <> ''
      AND {json_length('p.legal_basis')} > 0 AS complete
    FROM procedure p WHERE NOT p.internal AND p.active AND NOT EXISTS (
      SELECT 1 FROM procedure_version v WHERE v.procedure = p.id AND v.status IN {PUBLISHED})"""


def document_sql(default: str) -> str:
    """A procedure's result is a document: its recorded kind, else the default."""
    return (f"CASE WHEN p.current_version IS NULL THEN '{default}' = 'document' "
            "ELSE p.result_kind = 'document' END")
