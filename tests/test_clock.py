"""The application's clock: real, or a fixed moment shared by every process of a test."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from app.formatting import now_utc


@pytest.fixture
def fake_clock(monkeypatch):
    def set_to(moment: str, set_at: float | None = None):
        monkeypatch.setenv("MOTCUA_FAKE_NOW", moment)
        if set_at is None:
            monkeypatch.delenv("MOTCUA_FAKE_NOW_SET_AT", raising=False)
        else:
            monkeypatch.setenv("MOTCUA_FAKE_NOW_SET_AT", str(set_at))
        clock.reset()

    yield set_to
    monkeypatch.undo()
    clock.reset()  # back to the session's clock


def test_the_fake_moment_is_read_at_its_anchor_and_runs_on(fake_clock):
    fake_clock("2026-02-16T09:00:00+07:00", set_at=time.time() - 60)
    elapsed = now_utc() - datetime(2026, 2, 16, 2, 0, tzinfo=UTC)
    assert timedelta(seconds=59) < elapsed < timedelta(seconds=65)


def test_two_processes_with_one_anchor_agree(fake_clock):
    anchor = time.time() - 3600
    fake_clock("2026-12-31T23:30:00+07:00", set_at=anchor)
    first = now_utc()
    clock.reset()  # as a second process would compute it
    assert abs(now_utc() - first) < timedelta(seconds=2)


def test_without_a_setting_the_clock_is_the_system_clock(fake_clock):
    fake_clock("")
    assert abs(now_utc() - datetime.now(UTC)) < timedelta(seconds=2)


def test_a_moment_without_a_zone_is_refused(fake_clock):
    fake_clock("2026-12-31T23:30:00")
    with pytest.raises(ValueError, match="zone"):
        now_utc()
