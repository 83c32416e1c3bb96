"""The index's per-item rules (pure): 2.1's judged set, end moment and on-time rule with the
examples of 766-index.md, 2.2's processing time, 5.2's feedback deadlines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.calendar import DEFAULT_CALENDAR
from app.formatting import LOCAL_TZ
from app.service_index.rules import (
    DossierTiming,
    FeedbackTiming,
    answered_late,
    end_moment,
    feedback_on_time,
    judged,
    on_time,
    processing_time,
    rated_unsatisfied,
)

START = datetime(2026, 3, 1, tzinfo=LOCAL_TZ)
END = datetime(2026, 4, 1, tzinfo=LOCAL_TZ)
DAY = timedelta(days=1)


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), LOCAL_TZ)


def test_an_open_overdue_dossier_is_judged_at_the_period_end_and_lowers_2_1():
    # The agency-month: 10 finished (7 on time) and 4 still open, 3 of them
    # overdue at the end. Counting only finished ones gives 7/10; the law 8/14.
    finished = [DossierTiming(at(2), at(10), finished_at=at(9 if k < 7 else 12))
                for k in range(10)]
    still_open = [DossierTiming(at(5), at(20)), DossierTiming(at(5), at(25)),
                  DossierTiming(at(6), at(28)), DossierTiming(at(10), at(4, month=4))]
    dossiers = finished + still_open
    assert all(judged(t, START, END) for t in dossiers)
    assert sum(on_time(t, END) for t in finished) == 7
    assert (sum(on_time(t, END) for t in dossiers), len(dossiers)) == (8, 14)


def test_two_supplement_requests_make_a_dossier_late_even_when_it_met_its_appointment():
    early = DossierTiming(at(2), at(20), finished_at=at(10), supplement_requests=2)
    assert not on_time(early, END)
    assert on_time(DossierTiming(at(2), at(20), finished_at=at(10), supplement_requests=1), END)
    assert on_time(early, END, max_supplements=2)  # configuration


def test_waiting_after_one_request_ends_at_the_request():
    waiting = DossierTiming(at(2), at(10), supplement_requests=1, waiting_since=at(8))
    assert end_moment(waiting, END) == at(8) and on_time(waiting, END)
    asked_late = DossierTiming(at(2), at(10), supplement_requests=1, waiting_since=at(12))
    assert not on_time(asked_late, END)


def test_what_ended_before_the_period_or_was_received_after_it_is_not_judged():
    assert not judged(DossierTiming(at(1, month=2), at(20, month=2),
                                    finished_at=at(25, month=2)), START, END)
    assert not judged(DossierTiming(at(2, month=4), at(20, month=4)), START, END)
    assert not judged(DossierTiming(at(1, month=2), at(20, month=2),
                                    closed_at=at(27, month=2)), START, END)
    stopped = DossierTiming(at(1, month=2), at(20), closed_at=at(5))
    assert judged(stopped, START, END) and end_moment(stopped, END) == at(5)


def test_finished_after_the_period_counts_as_open_at_its_end():
    later = DossierTiming(at(20), at(3, month=4), finished_at=at(2, month=4))
    assert end_moment(later, END) == END and on_time(later, END)
    overdue = DossierTiming(at(2), at(30), finished_at=at(2, month=4))
    assert not on_time(overdue, END)


def test_an_apology_before_the_end_admits_the_missed_appointment():
    sorry = DossierTiming(at(2), at(25), finished_at=at(20), apologised_at=at(12))
    assert not on_time(sorry, END)
    # An apology after the period: the period's end still found the dossier in time.
    assert on_time(DossierTiming(at(20), at(5, month=4), apologised_at=at(3, month=4)), END)


def test_a_result_at_18_00_on_the_last_day_of_a_calendar_limit_is_on_time():
    due = datetime(2026, 3, 11, tzinfo=LOCAL_TZ)  # 24:00 on 10/03
    assert on_time(DossierTiming(at(2), due, finished_at=at(10, 18)), END)
    assert not on_time(DossierTiming(at(2), due, finished_at=at(11, 0) + timedelta(minutes=1)),
                       END)


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 6, 30),
                       timezones=st.just(LOCAL_TZ))


@st.composite
def timings(draw):
    received = draw(moments)
    after = st.one_of(st.none(), moments.filter(lambda m: m >= received))
    return DossierTiming(received, draw(after), finished_at=draw(after),
                         supplement_requests=draw(st.integers(0, 3)),
                         waiting_since=draw(after), apologised_at=draw(after))


@given(timings(), st.integers(1, 3))
def test_end_moment_never_passes_the_period_end_and_a_later_due_never_hurts(t, limit):
    assert end_moment(t, END, limit) <= END
    if on_time(t, END, limit) and t.due_at is not None:
        later = DossierTiming(t.received_at, t.due_at + DAY, t.finished_at, t.closed_at,
                              t.supplement_requests, t.waiting_since, t.apologised_at)
        assert on_time(later, END, limit)


# -- 2.2 -------------------------------------------------------------------------------------

def test_processing_time_in_the_procedures_own_unit_without_supplement_waits():
    received, finished = at(9, 8), at(11, 10)  # Monday 08:00 → Wednesday 10:00
    assert processing_time(received, finished, [], "hours", DEFAULT_CALENDAR) == 18
    assert processing_time(received, finished, [], "working_days", DEFAULT_CALENDAR) == Fraction(
        18, 8)
    wait = [(at(10, 8), at(10, 12))]  # Tuesday 08:00–12:00: 3,5 office hours waiting
    assert processing_time(received, finished, wait, "hours", DEFAULT_CALENDAR) == Fraction(
        29, 2)
    assert processing_time(received, finished, [], "calendar_days",
                           DEFAULT_CALENDAR) == Fraction(2 * 24 + 2, 24)
    assert processing_time(at(1), at(31), [], "months", DEFAULT_CALENDAR) == 1


# -- 5.2, 5.3 --------------------------------------------------------------------------------

def feedback(**kwargs) -> FeedbackTiming:
    return FeedbackTiming(received_at=at(2), refuse_due_at=at(4), answer_due_at=at(23),
                          **kwargs)


def test_feedback_deadlines_of_each_step():
    assert feedback_on_time(feedback(refused_at=at(3)), END)
    assert not feedback_on_time(feedback(refused_at=at(5)), END)
    assert not feedback_on_time(feedback(asked_more_at=at(12), ask_more_due=at(9)), END)
    assert feedback_on_time(feedback(answered_at=at(20)), END)
    assert not feedback_on_time(feedback(answered_at=at(25)), END)
    published = feedback(answered_at=at(20), publish_due=at(24))
    assert feedback_on_time(published, at(23)) and not feedback_on_time(published, END)
    assert feedback_on_time(feedback(answered_at=at(20), publish_due=at(24),
                                     published_at=at(23)), END)
    # Still open: judged by whether the answer deadline had passed at the end.
    assert feedback_on_time(feedback(), at(20)) and not feedback_on_time(feedback(), END)
    # Steps after the period's end are not seen.
    assert feedback_on_time(feedback(refused_at=at(5)), at(4, 12))


def test_what_5_3_deducts():
    late = feedback(answered_at=at(25))
    assert answered_late(late, END) and not answered_late(late, at(24))
    assert rated_unsatisfied(feedback(rating=0, rated_at=at(26)), END)
    assert not rated_unsatisfied(feedback(rating=1, rated_at=at(26)), END)
    assert not rated_unsatisfied(feedback(rating=0, rated_at=at(2, month=4)), END)
