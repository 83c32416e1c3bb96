"""The process-control sheet (phiếu kiểm soát quá trình giải quyết hồ sơ), built from a
dossier's events. Pure: the step deadlines come from a function the caller passes (the
working calendar), so every rule here is tested on plain values.

One row per stay of the dossier somewhere: the counter from reception to the first
handover, each step visit (a step returned to is a new row, as on paper), each agency an
inter-agency transfer sends it to, and the counter again from the end of processing to the
return. A stay is judged when it ends: early (handed over on a day before its due day), on
time (by the due moment) or late.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from app.calendar.deadlines import appointment_day
from app.calendar.logic import WorkingCalendar
from app.formatting import to_local

PAPER_TRANSFER_CUTOFF = time(15, 0)


class Outcome(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[self.value]


@dataclass(frozen=True)
class SheetEvent:
    action: str
    at: datetime
    step: int | None
    actor_name: str = ""
    comment: str = ""


@dataclass(frozen=True)
class SheetStep:
    position: int
    name: str
    agency_name: str
    allotted_hours: Decimal


@dataclass(frozen=True)
class SheetRow:
    label: str
    agency_name: str
    received_at: datetime
    received_by: str
    handed_over_at: datetime | None
    handed_over_by: str
    due_at: datetime | None
    outcome: Outcome | None
    note: str = ""


# Events that put the dossier into a step (or another agency's hands) and events that end
# processing. Everything else (assign, approve, sign, issue result...) happens within a stay.
ENTER_STEP = frozenset({"processing_started", "forwarded", "returned_to_previous_step",
                        "transferred"})
END_PROCESSING = frozenset({"processing_finished", "refused", "stopped", "withdrawn"})
COUNTER_LABEL = "Bộ phận Một cửa"

DueFor = Callable[[datetime, Decimal], datetime]


def outcome(done_at: datetime | None, due_at: datetime | None) -> Outcome | None:
    """Early means a day before the due day (local), not a minute before the due moment:
    the form's columns are dates, and a step closed at 16:59 for a 17:00 due is on time.
    A due at 24:00 (calendar-day limits) belongs to the day it ends."""
    if done_at is None or due_at is None:
        return None
    if done_at > due_at:
        return Outcome.LATE
    if to_local(done_at).date() < appointment_day(due_at):
        return Outcome.EARLY
    return Outcome.ON_TIME


def reception_handover_due(received_at: datetime, calendar: WorkingCalendar,
                           cutoff: time = PAPER_TRANSFER_CUTOFF) -> datetime:
    """When the counter must have handed a dossier to the competent agency: by the close
    of the reception day, or by the end of the next working morning when received after
    the cut-off (15:00). A dossier received on a day off counts from the next working day."""
    local = to_local(received_at)
    day = local.date()
    if not calendar.is_working_day(day):
        return calendar.closing_time(calendar.next_working_day(day))
    if local.time() >= cutoff:
        morning = calendar.office_blocks(calendar.next_working_day(day + timedelta(days=1)))
        return morning[0][1]
    return calendar.closing_time(day)


@dataclass
class _Stay:
    label: str
    agency_name: str
    received_at: datetime
    received_by: str
    due_at: datetime | None
    # The return stay is judged by when processing ended, not by when the applicant came
    # to collect: the dossier was on time if its result existed by the appointment.
    judged_on_arrival: bool = False


def control_rows(
    events: Sequence[SheetEvent],
    steps: Sequence[SheetStep],
    *,
    counter_agency: str,
    appointment: datetime | None,
    due_for: DueFor,
    transfer_agencies: Sequence[str] = (),
    reception_due: Callable[[datetime], datetime | None] = lambda _: None,
) -> list[SheetRow]:
    """The sheet's rows in order. `transfer_agencies` names the agency of each transfer in
    order (from the transfer events); `appointment` judges the final counter stay;
    `reception_due` gives the counter's handover deadline for a reception moment."""
    by_position = {s.position: s for s in steps}
    transfers = iter(transfer_agencies)
    rows: list[SheetRow] = []
    stay: _Stay | None = None
    override_agency: str | None = None

    def close(at: datetime, by: str, note: str = "") -> None:
        nonlocal stay
        if stay is not None:
            rows.append(SheetRow(stay.label, stay.agency_name, stay.received_at,
                                 stay.received_by, at, by, stay.due_at,
                                 outcome(stay.received_at if stay.judged_on_arrival else at,
                                         stay.due_at), note))
        stay = None

    for event in sorted(events, key=lambda e: e.at):
        if event.action == "accepted":
            stay = _Stay(f"Tiếp nhận — {COUNTER_LABEL}", counter_agency, event.at,
                         event.actor_name, reception_due(event.at))
        elif event.action in ENTER_STEP:
            close(event.at, event.actor_name, event.comment)
            if event.action == "transferred":
                override_agency = next(transfers, override_agency)
            step = by_position.get(event.step) if event.step is not None else None
            if step is None:
                continue
            stay = _Stay(f"Bước {step.position}: {step.name}",
                         override_agency or step.agency_name, event.at, event.actor_name,
                         due_for(event.at, step.allotted_hours))
        elif event.action in END_PROCESSING:
            close(event.at, event.actor_name, event.comment)
            if event.action == "processing_finished":
                stay = _Stay(f"Trả kết quả — {COUNTER_LABEL}", counter_agency, event.at,
                             event.actor_name, appointment, judged_on_arrival=True)
        elif event.action == "result_returned":
            close(event.at, event.actor_name, event.comment)
    if stay is not None:
        judged = outcome(stay.received_at, stay.due_at) if stay.judged_on_arrival else None
        rows.append(SheetRow(stay.label, stay.agency_name, stay.received_at,
                             stay.received_by, None, "", stay.due_at, judged))
    return rows
