"""Paper-only receptions, recorded in bulk, and the share of dossiers handled in the system.

`parse_counts` and `share` are pure; the rest reads and writes the database. Scope follows
the staff pages: counts of the user's agencies (the whole province for province-wide roles),
dossiers through `visible_to`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from piccolo.query.functions.aggregate import Count, Sum

from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.catalog.tables import Procedure
from app.counter.tables import PaperReception
from app.db import write_transaction
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier
from app.formatting import LOCAL_TZ, now_utc
from app.web.forms import FormErrors

FIELD = "so_luong_"
MAX_PER_DAY = 10_000


def parse_counts(data: Mapping[str, str], procedure_ids: set[int]
                 ) -> tuple[dict[int, int], FormErrors]:
    """{procedure id: count} from fields so_luong_<id>; blanks are skipped (not recorded),
    anything else must be a whole number from 0 to 10.000."""
    counts, errors = {}, FormErrors()
    for name, value in data.items():
        if not name.startswith(FIELD) or not value.strip():
            continue
        key = name.removeprefix(FIELD)
        if not key.isdigit() or int(key) not in procedure_ids:
            errors.add("counts", "Có thủ tục không thuộc danh mục tiếp nhận của đơn vị.")
            continue
        text = value.strip().replace(".", "")
        if not text.isdigit() or int(text) > MAX_PER_DAY:
            errors.add(name, "Số hồ sơ phải là số nguyên từ 0 đến 10.000.")
            continue
        counts[int(key)] = int(text)
    return counts, errors


def share(in_system: int, on_paper: int) -> Decimal | None:
    """Percentage of dossiers received through the system, two decimals; None if none."""
    total = in_system + on_paper
    if total == 0:
        return None
    return (Decimal(100) * in_system / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def counter_agency(user: CurrentUser, procedure_agency: int) -> int:
    """The counter receiving: the procedure's own agency when the user works there, else
    the user's first agency (a public-service centre, reception regardless of boundary)."""
    return procedure_agency if procedure_agency in user.agency_ids else user.agency_ids[0]


async def record(user: CurrentUser, day: date, counts: dict[int, int]) -> int:
    """Save the day's counts (a correction replaces the earlier count); rows written."""
    agencies = {row["id"]: row["agency"] for row in await Procedure.select(
        Procedure.id, Procedure.agency).where(Procedure.id.is_in(list(counts) or [-1]))}
    now = now_utc()
    async with write_transaction():
        for procedure_id, count in counts.items():
            agency = counter_agency(user, agencies[procedure_id])
            key = ((PaperReception.agency == agency) & (PaperReception.procedure == procedure_id)
                   & (PaperReception.day == day))
            if await PaperReception.exists().where(key):
                await PaperReception.update({
                    PaperReception.dossiers: count, PaperReception.recorded_by: user.id,
                    PaperReception.recorded_at: now}).where(key)
            else:
                await PaperReception(agency=agency, procedure=procedure_id, day=day,
                                     dossiers=count, recorded_by=user.id, recorded_at=now).save()
        await audit.record("counter.paper_receptions", "paper_reception", day.isoformat(), {
            "day": day.isoformat(), "counts": {str(k): v for k, v in sorted(counts.items())}},
            actor_id=user.id)
    return len(counts)


def _paper_scope(user: CurrentUser):
    if user.role.sees_whole_province:
        return PaperReception.id.is_not_null()
    return PaperReception.agency.is_in(list(user.agency_ids) or [-1])


async def counts_on(user: CurrentUser, day: date) -> dict[int, int]:
    rows = await PaperReception.select(PaperReception.procedure, PaperReception.dossiers).where(
        _paper_scope(user) & (PaperReception.day == day))
    return {row["procedure"]: row["dossiers"] for row in rows}


@dataclass(frozen=True)
class ShareRow:
    procedure: str
    in_system: int
    on_paper: int

    @property
    def share(self) -> Decimal | None:
        return share(self.in_system, self.on_paper)


async def share_report(user: CurrentUser, start: date, end: date) -> list[ShareRow]:
    """Per procedure, received from `start` to `end` inclusive: in the system and on paper."""
    since = datetime.combine(start, time.min, LOCAL_TZ)
    until = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)
    system = await Dossier.select(Dossier.procedure, Count(Dossier.id, alias="n")).where(
        visible_to(user) & (Dossier.received_at >= since) & (Dossier.received_at < until)
    ).group_by(Dossier.procedure)
    paper = await PaperReception.select(
        PaperReception.procedure, Sum(PaperReception.dossiers, alias="n")).where(
        _paper_scope(user) & (PaperReception.day >= start) & (PaperReception.day <= end)
    ).group_by(PaperReception.procedure)
    in_system = {row["procedure"]: row["n"] for row in system}
    on_paper = {row["procedure"]: int(row["n"] or 0) for row in paper}
    ids = sorted(set(in_system) | set(on_paper))
    names = {row["id"]: row["name"] for row in await Procedure.select(
        Procedure.id, Procedure.name).where(Procedure.id.is_in(ids or [-1]))}
    rows = [ShareRow(names.get(i, "—"), in_system.get(i, 0), on_paper.get(i, 0)) for i in ids]
    return sorted(rows, key=lambda r: (r.share if r.share is not None else 101, r.procedure))
