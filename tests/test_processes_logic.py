"""Internal processes as data: who performs what, the shape of a process, the hours that
must add up to the legal limit, and the editor's form. Pure."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.roles import Position, Role
from app.catalog.logic import TimeUnit
from app.processes.forms import read_editor, row_of
from app.processes.logic import Performer, Process, ProcessStep, performers_of
from app.processes.publishing import (
    hours_problem,
    legal_office_hours,
    publish_problems,
    shape_problems,
)
from tests.workflow_world import PROCESS


def step(position, kind, performers=("handler",), hours=4, name=None):
    return ProcessStep(position, name or f"Bước {kind}", kind, set(performers), Decimal(hours))


def steps(*kinds):
    return [step(n, kind, ("counter_officer",) if kind in ("reception", "return") else
                 ("agency_leader",) if kind in ("approval", "signature") else ("handler",))
            for n, kind in enumerate(kinds, start=1)]


def test_who_performs_what():
    assert performers_of(Role.COUNTER_OFFICER) == {Performer.COUNTER_OFFICER}
    assert performers_of(Role.HANDLER) == {Performer.HANDLER}
    assert performers_of(Role.LEADER) == {Performer.LEADER}
    assert performers_of(Role.LEADER, Position.CHAIRMAN) == {Performer.LEADER,
                                                             Performer.CHAIRMAN}
    assert performers_of("leader", "unit_leader") == {Performer.LEADER, Performer.UNIT_LEADER}
    for role in (Role.AUDITOR, Role.AGENCY_ADMIN, Role.PROVINCIAL_ADMIN, Role.CITIZEN,
                 Role.POSTAL_STAFF):
        assert performers_of(role) == frozenset()
    chairman_step = step(4, "signature", ("chairman",))
    assert chairman_step.held_by(Role.LEADER, Position.CHAIRMAN)
    assert not chairman_step.held_by(Role.LEADER, Position.AGENCY_LEADER)
    assert not chairman_step.held_by(Role.LEADER)  # a leader without the position
    assert step(3, "approval", ("leader",)).held_by(Role.LEADER, Position.UNIT_LEADER)


def test_the_shape_the_workflow_reads():
    assert (PROCESS.count, PROCESS.first_work, PROCESS.last_work) == (5, 2, 4)
    assert PROCESS.reception.position == 1 and PROCESS.return_step.position == 5
    assert PROCESS.issue_position == 4 and PROCESS.needs_signature
    assert PROCESS.label(2) == "Bước 2/5: Thụ lý hồ sơ"
    assert PROCESS.named(3) == "bước 3/5 “Trưởng phòng xem xét”"
    assert PROCESS.label(None) == PROCESS.label(9) == "" and PROCESS.step(0) is None
    issued = Process(tuple(steps("reception", "handling", "signature", "result_issue",
                                 "return")))
    assert issued.issue_position == 4  # the result-issue step, after the signature
    unsigned = Process(tuple(steps("handling", "approval")))
    assert (unsigned.reception, unsigned.return_step, unsigned.first_work) == (None, None, 1)
    assert unsigned.issue_position == 2 and not unsigned.needs_signature
    assert Process().work == () and Process().issue_position is None
    with pytest.raises(ValueError):
        Process((step(2, "handling"),))  # numbered 1..n


@pytest.mark.parametrize(("amount", "unit", "hours"), [
    (8, "hours", 8), (Decimal("0.5"), "working_days", 4), (10, "working_days", 80),
    (7, "calendar_days", 40), (10, "calendar_days", 56), (20, "calendar_days", 112),
    (30, "calendar_days", 168), (1, "months", 168), (2, "months", 336), (1, "calendar_days", 0),
])
def test_legal_limit_in_office_hours(amount, unit, hours):
    assert legal_office_hours(amount, unit) == hours


@given(st.integers(1, 400), st.sampled_from(list(TimeUnit)))
def test_legal_hours_grow_with_the_limit_and_never_exceed_working_day_hours(amount, unit):
    hours = legal_office_hours(amount, unit)
    assert hours <= legal_office_hours(amount + 1, unit)
    per_day = {"hours": Decimal(1) / 8, "months": 30}.get(unit, 1)
    assert hours <= amount * per_day * 8  # a calendar day never counts more than a working one


def test_a_publishable_process():
    good = steps("reception", "handling", "approval", "signature", "return")
    assert shape_problems(good) == []
    assert publish_problems(good, Decimal(20), "(20 giờ làm việc)") == []


@pytest.mark.parametrize(("kinds", "problem"), [
    (("handling", "signature", "return"), "Bước đầu tiên (và chỉ bước đó) là bước tiếp nhận"),
    (("reception", "handling", "signature"), "Bước cuối cùng (và chỉ bước đó) là bước trả"),
    (("reception", "return"), "cần ít nhất một bước xử lý"),
    (("reception", "handling", "return"), "cần đúng một bước ký số kết quả"),
    (("reception", "approval", "return"), "cần đúng một bước ký số kết quả"),
    (("reception", "signature", "signature", "return"), "cần đúng một bước ký số kết quả"),
    (("reception", "signature", "approval", "return"), "phê duyệt phải đứng trước bước ký"),
    (("reception", "result_issue", "signature", "return"), "ban hành kết quả phải đứng sau"),
    (("reception", "reception", "signature", "return"), "Bước đầu tiên (và chỉ bước đó)"),
])
def test_shape_problems(kinds, problem):
    assert any(problem in p for p in shape_problems(steps(*kinds))), shape_problems(
        steps(*kinds))


def test_step_problems_name_the_step():
    bad = [step(1, "reception", ("handler",)), step(2, "handling", ("counter_officer",)),
           step(3, "signature", ("handler",), hours=0, name=" "), step(4, "return", ())]
    problems = shape_problems(bad)
    assert "Bước 1: bước tiếp nhận hồ sơ do công chức Bộ phận Một cửa thực hiện." in problems
    assert ("Bước 2: công chức Bộ phận Một cửa chỉ tiếp nhận và trả kết quả, không thực "
            "hiện bước xử lý.") in problems
    assert "Bước 3: bước ký số kết quả chỉ do lãnh đạo thực hiện." in problems
    assert "Bước 3: cần nhập tên bước." in problems
    assert "Bước 3: thời gian thực hiện phải lớn hơn 0 giờ." in problems
    assert "Bước 4: cần chọn người được thực hiện." in problems
    assert shape_problems([]) == ["Quy trình cần có ít nhất một bước."]


def test_hours_must_add_up_and_the_refusal_names_the_difference():
    construction = [step(1, "reception", ("counter_officer",), 4),
                    step(2, "appraisal", ("handler",), 80),
                    step(3, "approval", ("unit_leader",), 8),
                    step(4, "signature", ("agency_leader",), 8),
                    step(5, "return", ("counter_officer",), 4)]
    legal = legal_office_hours(20, "calendar_days")
    assert hours_problem(construction, legal, "(20 ngày)") == (
        "Tổng thời gian các bước là 104 giờ làm việc, trong khi thời hạn giải quyết (20 ngày) "
        "tương đương 112 giờ làm việc: thiếu 8 giờ.")
    assert hours_problem(construction, Decimal(100), "(100 giờ làm việc)").endswith(
        "thừa 4 giờ.")
    assert hours_problem(construction, Decimal(104), "x") is None
    half = [step(1, "reception", ("counter_officer",), Decimal("0.5"))]
    assert "là 0,50 giờ làm việc" in hours_problem(half, Decimal(1), "(1 giờ làm việc)")


def read(fields: dict, agencies=frozenset({7})):
    return read_editor(lambda name: fields.get(name, "") if not isinstance(
        fields.get(name), list) else "", lambda name: fields.get(name, []), set(agencies))


def test_the_editor_reads_the_decision_and_the_steps_in_the_order_typed():
    typed = read({
        "decision_number": "1520/QĐ-UBND", "decision_date": "30/06/2025",
        "effective_date": "01/07/2025",
        "step-0-order": "2", "step-0-name": "Thụ lý", "step-0-kind": "handling",
        "step-0-performers": ["handler"], "step-0-hours": "12,5",
        "step-1-order": "1", "step-1-name": "Tiếp nhận", "step-1-kind": "reception",
        "step-1-performers": ["counter_officer"], "step-1-hours": "2",
        "step-2-order": "3", "step-2-name": "Bỏ đi", "step-2-kind": "handling",
        "step-2-hours": "1", "step-2-remove": "1",
        "step-3-order": "3", "step-3-name": "Ký", "step-3-kind": "signature",
        "step-3-performers": ["chairman"], "step-3-hours": "4", "step-3-agency": "7",
    })
    assert typed.errors == {}
    assert [(s.position, s.name, s.hours) for s in typed.steps] == [
        (1, "Tiếp nhận", 2), (2, "Thụ lý", Decimal("12.5")), (3, "Ký", 4)]
    assert typed.steps[2].agency_id == 7 and typed.steps[2].performers == {Performer.CHAIRMAN}
    assert typed.header.decision_number == "1520/QĐ-UBND"
    assert row_of(typed.steps[1]) == {"order": "2", "name": "Thụ lý", "kind": "handling",
                                      "performers": ["handler"], "hours": "12,50",
                                      "agency": ""}


def test_the_editor_reports_each_bad_field_against_its_row_as_shown_again():
    typed = read({
        "decision_date": "31/02/2025",
        "step-0-name": "Bỏ", "step-0-hours": "1", "step-0-remove": "1",
        "step-1-name": "Thụ lý", "step-1-kind": "xyz", "step-1-hours": "abc",
        "step-1-performers": ["boss"], "step-1-agency": "99", "step-1-order": "x",
    })
    assert set(typed.errors) == {"decision_date", "step-0-kind", "step-0-hours",
                                 "step-0-performers", "step-0-agency", "step-0-order"}
    assert typed.rows[0]["hours"] == "abc" and typed.rows[0]["name"] == "Thụ lý"
    assert typed.header_text["decision_date"] == "31/02/2025"
    for bad in ("-1", "nan", "1e9", "0,001"):
        assert "step-0-hours" in read({"step-0-name": "A", "step-0-kind": "handling",
                                       "step-0-hours": bad}).errors, bad
