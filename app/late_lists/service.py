"""The public late lists with the database: build a month's draft, approve it, publish it,
read what is public. Each change is one transaction with its audit entry."""

from __future__ import annotations

from datetime import date

from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.directory.tables import Agency
from app.dossiers.tables import DossierApology
from app.formatting import now_utc
from app.late_lists import logic
from app.late_lists.tables import LateList, LateListRow
from app.reports.periods import Kind, Period, make_period
from app.service_index.config import IndexConfig
from app.service_index.gather import progress_timings
from app.service_index.rules import judged
from app.service_index.side_facts import rows_of
from app.workflow.late import officers_of


class LateListError(ValueError):
    """Refused with a Vietnamese message fit to show (status code beside it)."""

    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.status_code = status_code


def month(year: int, month_number: int) -> Period:
    return make_period(Kind.MONTH, year, month_number)


async def late_dossiers(period: Period) -> list[logic.LateDossier]:
    rows, facts = await progress_timings(period, IndexConfig())
    start, end = period.start_at, period.end_at
    late = [r for i, r in {r["id"]: r for r in rows}.items()
            if judged(facts.timings[i], start, end) and logic.late_at_end(facts.timings[i], end)]
    letters: dict[int, int] = {}
    for a in await rows_of(DossierApology, (DossierApology.dossier,),
                           DossierApology.created_at < end, {r["id"] for r in late}):
        letters[a["dossier"]] = letters.get(a["dossier"], 0) + 1
    officers = await officers_of(late)
    people = {u["id"]: u["full_name"] for u in await User.select(User.id, User.full_name).where(
        User.id.is_in(sorted({o for o in officers.values() if o}) or [-1]))}
    agencies = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name)}
    return [logic.LateDossier(agencies.get(r["agency"], ""),
                              people.get(officers.get(r["id"]), logic.NO_OFFICER),
                              letters.get(r["id"], 0)) for r in late]


async def build_draft(year: int, month_number: int, actor_id: int | None = None) -> int | None:
    """Build (or rebuild) the draft of a month; None when it is approved or published
    already (those never change). Idempotent: rebuilding the same rows changes nothing."""
    period = month(year, month_number)
    found = logic.rows(await late_dossiers(period))
    digest = logic.digest(found)
    async with write_transaction():
        current = await LateList.select().where(
            (LateList.year == year) & (LateList.month == month_number)).first()
        if current is not None and current["status"] != "draft":
            return None
        if current is not None and current["digest"] == digest:
            return current["id"]
        built_at, total = now_utc(), sum(r.late for r in found if r.kind == "agency")
        if current is None:
            row = LateList(year=year, month=month_number, status="draft", built_at=built_at,
                           publish_by=logic.publish_by(year, month_number), digest=digest,
                           late_total=total)
            await row.save()
            list_id = row.id
        else:
            list_id = current["id"]
            await LateList.update({LateList.built_at: built_at, LateList.digest: digest,
                                   LateList.late_total: total}).where(LateList.id == list_id)
            await LateListRow.delete().where(LateListRow.late_list == list_id)
        if found:
            await LateListRow.insert(*(LateListRow(
                late_list=list_id, kind=r.kind, position=n, name=r.name,
                agency_name=r.agency_name, late=r.late, apologised=r.apologised,
                letters=r.letters) for n, r in enumerate(found)))
        await audit.record("late_list.drafted", "late_list", list_id, {
            "month": f"{month_number:02d}/{year}", "rows": len(found), "digest": digest},
            actor_id=actor_id)
    return list_id


async def approve(list_id: int, digest: str, actor_id: int) -> None:
    """The provincial admin approves the rows they reviewed (`digest` from the page)."""
    async with write_transaction():
        row = await LateList.select().where(LateList.id == list_id).first()
        if row is None:
            raise LateListError("Không tìm thấy danh sách.", 404)
        if row["status"] != "draft":
            raise LateListError("Danh sách này đã được duyệt.", 409)
        if row["digest"] != digest:
            raise LateListError("Bản nháp đã được lập lại sau khi trang này mở; vui lòng xem "
                                "lại danh sách mới trước khi duyệt.", 409)
        await LateList.update({LateList.status: "approved", LateList.approved_by: actor_id,
                               LateList.approved_at: now_utc()}).where(LateList.id == list_id)
        await audit.record("late_list.approved", "late_list", list_id,
                           {"digest": digest}, actor_id=actor_id)


async def publish_approved() -> list[int]:
    """Make every approved list public (the worker's step after approval)."""
    published = []
    async with write_transaction():
        for row in await LateList.select(LateList.id).where(LateList.status == "approved"):
            await LateList.update({LateList.status: "published",
                                   LateList.published_at: now_utc()}).where(
                LateList.id == row["id"])
            await audit.record("late_list.published", "late_list", row["id"], {})
            published.append(row["id"])
    return published


async def run_schedule(today: date) -> dict:
    """The periodic job: draft last month's list (refreshed until approved), publish what
    was approved. Safe to run any number of times."""
    year, month_number = logic.previous_month(today)
    drafted = await build_draft(year, month_number)
    return {"drafted": drafted, "published": await publish_approved()}


async def lists(status: str | None = None) -> list[dict]:
    query = LateList.select().order_by(LateList.year, ascending=False).order_by(
        LateList.month, ascending=False)
    if status is not None:
        query = query.where(LateList.status == status)
    return await query


async def one(list_id: int | None = None, *, year: int | None = None,
              month_number: int | None = None) -> tuple[dict, list[dict]] | None:
    where = (LateList.id == list_id) if list_id is not None else (
        (LateList.year == year) & (LateList.month == month_number))
    row = await LateList.select().where(where).first()
    if row is None:
        return None
    found = await LateListRow.select().where(LateListRow.late_list == row["id"]).order_by(
        LateListRow.position)
    return row, found
