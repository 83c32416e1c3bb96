"""The provincial admin edits the working calendar: dated office-hours versions and dated
day overrides (extra days off, make-up working days).

Each change is validated by building the whole calendar it would produce (so a bad version
is refused before it is saved), written with its audit entry in one transaction, and
returns a `CalendarChange` telling which due dates may move: those of open dossiers due on
or after the first day the change touches. The caller queues the recomputation
(`app.tasks.calendar`) once the transaction has committed. Before that, the page shows
what the change would do (`propose_*` builds the calendar it would give, without saving,
for `app.workflow.recompute.preview`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from app.audit import service as audit
from app.calendar.hours import DayOverride, OfficeHours
from app.calendar.logic import WorkingCalendar
from app.calendar.service import current_calendar
from app.calendar.tables import CalendarOverride, OfficeHoursVersion
from app.db import write_transaction
from app.formatting import now_utc


class CalendarError(ValueError):
    """A change the calendar refuses; the message is Vietnamese."""


@dataclass(frozen=True)
class CalendarChange:
    since: date  # due dates before this day cannot move
    reason: str  # recorded on every dossier whose due date moves


@dataclass(frozen=True)
class Proposal:
    """A change not saved yet: the calendar it would give, for the preview."""

    since: date
    calendar: WorkingCalendar


def check_day(calendar: WorkingCalendar, day: date, working: bool) -> None:
    """An extra day off must be a working day now, a make-up day a day off now: a Saturday
    declared "ngày nghỉ thêm" changes nothing but confuses everyone who reads the list."""
    if not working and not calendar.is_working_day(day):
        why = calendar.day_off_reason(day) or "ngày nghỉ"
        raise CalendarError(f"Ngày {day:%d/%m/%Y} vốn là ngày nghỉ ({why}): không khai báo "
                            "là ngày nghỉ thêm.")
    if working and calendar.is_working_day(day):
        raise CalendarError(f"Ngày {day:%d/%m/%Y} vốn là ngày làm việc: ngày làm bù phải là "
                            "thứ Bảy, Chủ nhật hoặc ngày nghỉ được chuyển thành ngày làm việc.")


async def _new_override(day: date, working: bool, reason: str
                        ) -> tuple[WorkingCalendar, DayOverride]:
    """The calendar with this override, and the override; CalendarError if refused."""
    calendar = await current_calendar()
    if await CalendarOverride.exists().where(CalendarOverride.day == day):
        raise CalendarError(f"Ngày {day:%d/%m/%Y} đã được khai báo; xóa khai báo cũ trước.")
    check_day(calendar, day, working)
    override: list[DayOverride] = []
    _check(lambda: override.append(DayOverride(day, working, reason.strip()[:300])))
    return calendar.with_overrides(override[0]), override[0]


async def _new_hours(effective_from: date, blocks: list[tuple[str, str]]
                     ) -> tuple[WorkingCalendar, OfficeHours]:
    """The calendar with this office-hours version, and the version; CalendarError if
    refused (a bad version is refused by building the whole calendar it would give)."""
    calendar = await current_calendar()
    version: list[OfficeHours] = []
    _check(lambda: version.append(OfficeHours(effective_from, tuple(blocks))))
    if await OfficeHoursVersion.exists().where(
            OfficeHoursVersion.effective_from == effective_from):
        raise CalendarError(f"Đã có giờ làm việc áp dụng từ {effective_from:%d/%m/%Y}.")
    proposed: list[WorkingCalendar] = []
    _check(lambda: proposed.append(WorkingCalendar(calendar.office_hours + tuple(version),
                                                   calendar.overrides)))
    return proposed[0], version[0]


async def propose_override(day: date, working: bool, reason: str) -> Proposal:
    return Proposal(day, (await _new_override(day, working, reason))[0])


async def propose_removal(override_id: int) -> tuple[Proposal, dict]:
    """The calendar without that override, and the override itself (for the question)."""
    row = await CalendarOverride.select().where(CalendarOverride.id == override_id).first()
    if row is None:
        raise CalendarError("Không tìm thấy ngày đã khai báo (có thể đã được xóa).")
    calendar = await current_calendar()
    kept = tuple(o for o in calendar.overrides if o.day != row["day"])
    return Proposal(row["day"], WorkingCalendar(calendar.office_hours, kept)), row


async def propose_office_hours(effective_from: date, blocks: list[tuple[str, str]]) -> Proposal:
    return Proposal(effective_from, (await _new_hours(effective_from, blocks))[0])


async def configuration() -> dict:
    versions = await OfficeHoursVersion.select().order_by(
        OfficeHoursVersion.effective_from, ascending=False)
    for row in versions:
        if isinstance(row["blocks"], str):
            row["blocks"] = json.loads(row["blocks"])
    return {
        "versions": versions,
        "overrides": await CalendarOverride.select().order_by(
            CalendarOverride.day, ascending=False),
    }


def _check(build) -> None:
    try:
        build()
    except (ValueError, TypeError) as exc:
        raise CalendarError(str(exc)) from None


async def add_office_hours(actor_id: int, effective_from: date,
                           blocks: list[tuple[str, str]]) -> CalendarChange:
    async with write_transaction():
        _, version = await _new_hours(effective_from, blocks)
        plain = version.to_plain()
        row = OfficeHoursVersion(effective_from=effective_from,
                                 blocks=json.dumps(plain["blocks"]), created_at=now_utc())
        await row.save()
        await audit.record("calendar.office_hours_added", "office_hours_version", row.id,
                           plain, actor_id=actor_id)
    shown = ", ".join(f"{s}–{e}" for s, e in plain["blocks"])
    return CalendarChange(effective_from, f"Giờ làm việc mới từ {effective_from:%d/%m/%Y}: "
                                          f"{shown}")


async def add_override(actor_id: int, day: date, working: bool, reason: str) -> CalendarChange:
    async with write_transaction():
        _, override = await _new_override(day, working, reason)
        row = CalendarOverride(day=day, working=working, reason=override.reason,
                               created_at=now_utc())
        await row.save()
        await audit.record("calendar.override_added", "calendar_override", row.id,
                           override.to_plain(), actor_id=actor_id)
    kind = "Ngày làm bù" if working else "Ngày nghỉ"
    return CalendarChange(day, f"{kind} {day:%d/%m/%Y}: {override.reason}")


async def remove_override(actor_id: int, override_id: int) -> CalendarChange:
    async with write_transaction():
        row = await CalendarOverride.select().where(CalendarOverride.id == override_id).first()
        if row is None:
            raise CalendarError("Không tìm thấy ngày đã khai báo.")
        await CalendarOverride.delete().where(CalendarOverride.id == override_id)
        await audit.record("calendar.override_removed", "calendar_override", override_id,
                           {"day": row["day"].isoformat(), "working": row["working"],
                            "reason": row["reason"]}, actor_id=actor_id)
    return CalendarChange(row["day"], f"Hủy khai báo ngày {row['day']:%d/%m/%Y} "
                                      f"({row['reason']})")
