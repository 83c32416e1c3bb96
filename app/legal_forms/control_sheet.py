"""The process-control sheet (phiếu kiểm soát quá trình giải quyết hồ sơ), built from a
dossier's events under its internal process. Pure: the step deadlines come from a function
the caller passes (the working calendar), so every rule here is tested on plain values.

One row per step actually done, in order, named as the process names it ("Bước 2/5: Thụ
lý hồ sơ"): the counter's reception until the first handover, each visit of a work step (a
step returned to is a new row, as on paper), each agency an inter-agency transfer sends it
to, and the counter's return from the end of processing to the hand-over. Each row says
who received the dossier (the person it was assigned to, when named) and who handed it on,
with room for both signatures; the supplement waits inside the stay are noted and left out
of its deadline. A stay is judged when it ends: early (handed over on a day before its due
day), on time (by the due moment) or late.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from app.calendar.deadlines import appointment_day
from app.calendar.logic import WorkingCalendar
from app.formatting import format_datetime, to_local

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
    """An event: `step` is the process position the dossier is at after it; `assignee_name`
    who holds the dossier after it (empty: the step's pool)."""

    action: str
    at: datetime
    step: int | None
    actor_name: str = ""
    comment: str = ""
    assignee_name: str = ""


@dataclass(frozen=True)
class SheetStep:
    position: int
    name: str
    agency_name: str
    allotted_hours: Decimal
    kind: str = "handling"


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
Pause = tuple[datetime, datetime | None]


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


def pause_notes(pauses: Sequence[Pause], start: datetime, end: datetime | None) -> str:
    """The supplement waits that fall inside a stay, as the note says them."""
    notes = []
    for began, ended in pauses:
        if began >= start and (end is None or began < end):
            until = format_datetime(ended) if ended else "nay"
            notes.append(f"Tạm dừng chờ bổ sung {format_datetime(began)} – {until}")
    return "; ".join(notes)


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


class _Sheet:
    """Walks the events, opening and closing stays."""

    def __init__(self, steps: Sequence[SheetStep], count: int, pauses: Sequence[Pause]):
        self.by_position = {s.position: s for s in steps}
        self.count, self.pauses = count, pauses
        self.rows: list[SheetRow] = []
        self.stay: _Stay | None = None

    def label(self, step: SheetStep) -> str:
        return f"Bước {step.position}/{self.count}: {step.name}"

    def counter_label(self, kind: str, fallback: str) -> str:
        step = next((s for s in self.by_position.values() if s.kind == kind), None)
        return self.label(step) if step else f"{fallback} — {COUNTER_LABEL}"

    def close(self, at: datetime, by: str, note: str = "") -> None:
        stay = self.stay
        if stay is not None:
            notes = "; ".join(n for n in (pause_notes(self.pauses, stay.received_at, at), note)
                              if n)
            self.rows.append(SheetRow(
                stay.label, stay.agency_name, stay.received_at, stay.received_by, at, by,
                stay.due_at, outcome(stay.received_at if stay.judged_on_arrival else at,
                                     stay.due_at), notes))
        self.stay = None

    def finish(self) -> list[SheetRow]:
        stay = self.stay
        if stay is not None:
            judged = outcome(stay.received_at, stay.due_at) if stay.judged_on_arrival else None
            self.rows.append(SheetRow(stay.label, stay.agency_name, stay.received_at,
                                      stay.received_by, None, "", stay.due_at, judged,
                                      pause_notes(self.pauses, stay.received_at, None)))
        return self.rows


def control_rows(
    events: Sequence[SheetEvent],
    steps: Sequence[SheetStep],
    *,
    counter_agency: str,
    appointment: datetime | None,
    due_for: DueFor,
    transfer_agencies: Sequence[str] = (),
    reception_due: Callable[[datetime], datetime | None] = lambda _: None,
    pauses: Sequence[Pause] = (),
) -> list[SheetRow]:
    """The sheet's rows in order. `steps` are the process's (all of them, counter steps
    included, for the numbering); `transfer_agencies` names the agency of each transfer in
    order; `appointment` judges the final counter stay; `reception_due` gives the legal
    handover deadline for a reception moment (the reception step's own hours may make it
    earlier); `pauses` are the supplement waits (start, end or None while waiting)."""
    sheet = _Sheet(steps, len(steps), pauses)
    transfers = iter(transfer_agencies)
    override_agency: str | None = None
    for event in sorted(events, key=lambda e: e.at):
        if event.action == "accepted":
            reception = next((s for s in steps if s.kind == "reception"), None)
            dues = [d for d in (reception_due(event.at), reception and due_for(
                event.at, reception.allotted_hours)) if d is not None]
            sheet.stay = _Stay(sheet.counter_label("reception", "Tiếp nhận"), counter_agency,
                               event.at, event.actor_name, min(dues) if dues else None)
        elif event.action in ENTER_STEP:
            sheet.close(event.at, event.actor_name, event.comment)
            if event.action == "transferred":
                override_agency = next(transfers, override_agency)
            step = sheet.by_position.get(event.step) if event.step is not None else None
            if step is None:
                continue
            sheet.stay = _Stay(sheet.label(step), override_agency or step.agency_name,
                               event.at, event.assignee_name,
                               due_for(event.at, step.allotted_hours))
        elif event.action in END_PROCESSING:
            sheet.close(event.at, event.actor_name, event.comment)
            if event.action == "processing_finished":
                sheet.stay = _Stay(sheet.counter_label("return", "Trả kết quả"),
                                   counter_agency, event.at, "", appointment,
                                   judged_on_arrival=True)
        elif event.action == "result_returned":
            sheet.close(event.at, event.actor_name, event.comment)
    return sheet.finish()
