"""The process-control sheet from events: one row per step actually done, named as the
process names it, with who received and who handed over, and early / on time / late."""

from datetime import datetime, timedelta
from decimal import Decimal

from app.calendar.deadlines import deadline
from app.calendar.logic import WorkingCalendar
from app.formatting import LOCAL_TZ
from app.legal_forms.control_sheet import (
    Outcome,
    SheetEvent,
    SheetStep,
    control_rows,
    outcome,
    reception_handover_due,
)


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ)


def due_for(start, hours):
    return deadline(start, hours, "hours")


STEPS = [SheetStep(1, "Tiếp nhận hồ sơ", "Sở Tư pháp", Decimal(4), "reception"),
         SheetStep(2, "Thẩm định", "Phòng Hành chính tư pháp", Decimal(8)),
         SheetStep(3, "Phê duyệt", "Lãnh đạo Sở", Decimal(4), "approval"),
         SheetStep(4, "Trả kết quả", "Sở Tư pháp", Decimal(4), "return")]
RECEPTION, FIRST, SECOND, RETURN = ("Bước 1/4: Tiếp nhận hồ sơ", "Bước 2/4: Thẩm định",
                                    "Bước 3/4: Phê duyệt", "Bước 4/4: Trả kết quả")


def rows(events, **kwargs):
    args = {"counter_agency": "Sở Tư pháp", "appointment": t(13, 17), "due_for": due_for}
    return control_rows([SheetEvent(*e) for e in events], STEPS, **(args | kwargs))


def test_outcome_rules():
    due = t(10, 17)
    assert outcome(None, due) is None and outcome(t(10, 9), None) is None
    assert outcome(t(9, 16), due) is Outcome.EARLY
    assert outcome(t(10, 8), due) is Outcome.ON_TIME      # same day, before the due moment
    assert outcome(due, due) is Outcome.ON_TIME            # exactly at the due moment
    assert outcome(due + timedelta(minutes=1), due) is Outcome.LATE


def test_whole_life_one_row_per_step_done_and_reception_only_once():
    sheet = rows([
        ("accepted", t(9, 8), 1, "Cán bộ một cửa"),
        ("processing_started", t(9, 9), 2, "Cán bộ một cửa", "", "Chuyên viên"),
        ("assigned", t(9, 10), 2, "Trưởng phòng", "", "Chuyên viên"),  # within the stay
        ("forwarded", t(10, 9), 3, "Chuyên viên", "", "Lãnh đạo"),   # 8 office hours
        ("approved", t(10, 10), 3, "Lãnh đạo"),
        ("processing_finished", t(10, 10, 30), 4, "Lãnh đạo"),       # due 10/3 13:00 (4 h)
        ("result_returned", t(16, 8), 4, "Cán bộ một cửa"),
    ])
    assert [r.label for r in sheet] == [RECEPTION, FIRST, SECOND, RETURN]
    reception, first, second, back = sheet
    assert (reception.received_at, reception.handed_over_at) == (t(9, 8), t(9, 9))
    assert reception.received_by == reception.handed_over_by == "Cán bộ một cửa"
    # The handler's time is charged to the handling step, not to the counter.
    assert first.agency_name == "Phòng Hành chính tư pháp"
    assert (first.received_at, first.received_by, first.handed_over_at,
            first.handed_over_by) == (t(9, 9), "Chuyên viên", t(10, 9), "Chuyên viên")
    assert first.due_at == t(10, 9) and first.outcome is Outcome.ON_TIME
    assert second.received_by == "Lãnh đạo" and second.outcome is Outcome.ON_TIME
    # Collected three days after the appointment, but finished before it: early.
    assert back.handed_over_at == t(16, 8) and back.outcome is Outcome.EARLY


def test_late_step_and_returned_step_is_a_new_row():
    sheet = rows([
        ("accepted", t(9, 8), 1), ("processing_started", t(9, 9), 2),
        ("forwarded", t(11, 9), 3),                    # step 2 took two days: late
        ("returned_to_previous_step", t(11, 10), 2, "Lãnh đạo", "Thiếu chữ ký"),
        ("forwarded", t(11, 15), 3),
    ])
    assert [r.label for r in sheet] == [RECEPTION, FIRST, SECOND, FIRST, SECOND]
    assert sheet[1].outcome is Outcome.LATE
    assert sheet[2].note == "Thiếu chữ ký"
    # The open stay has a due moment but no judgement yet.
    assert sheet[-1].handed_over_at is None and sheet[-1].outcome is None
    assert sheet[-1].due_at is not None


def test_supplement_wait_is_noted_on_its_step_and_left_out_of_its_deadline():
    waited = (t(9, 10), t(11, 10))

    def due_with_pause(start, hours):
        return deadline(start, hours, "hours", pauses=[waited])

    sheet = rows([("accepted", t(9, 8), 1), ("processing_started", t(9, 9), 2),
                  ("supplement_requested", t(9, 10), 2),
                  ("supplement_supplied", t(11, 10), 2), ("forwarded", t(12, 8), 3)],
                 due_for=due_with_pause, pauses=[waited])
    handling = sheet[1]
    assert handling.note == "Tạm dừng chờ bổ sung 10:00 09/03/2026 – 10:00 11/03/2026"
    assert handling.due_at == t(12, 9) and handling.outcome is Outcome.ON_TIME
    assert sheet[0].note == ""  # the wait happened after the counter handed it over


def test_without_counter_steps_the_counter_rows_keep_their_plain_names():
    work = [SheetStep(1, "Thẩm định", "Phòng", Decimal(8))]
    sheet = control_rows([SheetEvent("accepted", t(9, 8), None),
                          SheetEvent("processing_started", t(9, 9), 1)], work,
                         counter_agency="Sở Tư pháp", appointment=t(13, 17), due_for=due_for)
    assert [r.label for r in sheet] == ["Tiếp nhận — Bộ phận Một cửa", "Bước 1/1: Thẩm định"]


def test_transfer_moves_the_stay_to_the_other_agency():
    sheet = rows([
        ("accepted", t(9, 8), 1), ("processing_started", t(9, 9), 2),
        ("transferred", t(9, 14), 2), ("forwarded", t(10, 8), 3),
    ], transfer_agencies=["Sở Xây dựng"])
    assert [r.agency_name for r in sheet] == [
        "Sở Tư pháp", "Phòng Hành chính tư pháp", "Sở Xây dựng", "Sở Xây dựng"]


def test_refusal_ends_processing_without_a_return_stay():
    sheet = rows([("accepted", t(9, 8), 1), ("processing_started", t(9, 9), 2),
                  ("refused", t(9, 11), 2, "Chuyên viên", "Không đủ điều kiện")])
    assert len(sheet) == 2 and sheet[-1].note == "Không đủ điều kiện"
    assert sheet[-1].outcome is Outcome.EARLY  # due 10/3 9:00, refused the day before


def test_late_processing_shows_on_the_return_row():
    sheet = rows([("accepted", t(9, 8), 1), ("processing_started", t(9, 9), 2),
                  ("forwarded", t(10, 8), 3), ("processing_finished", t(16, 9), 4)],
                 appointment=t(13, 17))
    assert sheet[-1].outcome is Outcome.LATE and sheet[-1].handed_over_at is None


def test_no_events_no_rows():
    assert rows([]) == []


def test_counter_hands_over_the_same_day_or_next_morning_after_15h():
    calendar = WorkingCalendar.from_plain(office_hours=[
        {"effective_from": "2020-01-01", "blocks": [["07:30", "11:30"], ["13:00", "17:00"]]}],
        overrides=[])
    assert reception_handover_due(t(9, 14, 59), calendar) == t(9, 17)     # Monday
    assert reception_handover_due(t(9, 15), calendar) == t(10, 11, 30)    # next morning
    assert reception_handover_due(t(13, 16), calendar) == t(16, 11, 30)   # Friday → Monday
    assert reception_handover_due(t(14, 9), calendar) == t(16, 17)        # Saturday
    # 30/4 and 1/5/2026 are holidays (Thursday, Friday): after 15:00 on 29/4 → 4/5 morning.
    late = datetime(2026, 4, 29, 16, 0, tzinfo=LOCAL_TZ)
    assert reception_handover_due(late, calendar) == datetime(2026, 5, 4, 11, 30,
                                                              tzinfo=LOCAL_TZ)


def test_reception_row_is_judged_against_the_handover_rule_or_its_own_hours():
    rule = {"reception_due": lambda received: t(9, 17)}
    sheet = rows([("accepted", t(9, 8), 1), ("processing_started", t(9, 9), 2)], **rule)
    # The reception step's 4 office hours end at 13:30 (lunch left out), before 17:00.
    assert sheet[0].due_at == t(9, 13, 30) and sheet[0].outcome is Outcome.ON_TIME
    sheet = rows([("accepted", t(9, 8), 1), ("processing_started", t(10, 9), 2)], **rule)
    assert sheet[0].outcome is Outcome.LATE
    later = {"reception_due": lambda received: t(9, 11)}
    assert rows([("accepted", t(9, 8), 1)], **later)[0].due_at == t(9, 11)
