"""The sign-in throttling rules (pure): growing delays per (account, address), ceilings per
account (new addresses only) and per address, and the wait told in Vietnamese."""

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.throttle import POLICY, ceiling_wait, pair_delay, refusal, wait_text

NOW = datetime(2026, 12, 4, 9, 59, tzinfo=UTC)


@pytest.mark.parametrize(("failures", "seconds"), [
    (0, 0), (1, 0), (2, 0), (3, 30), (4, 60), (5, 120), (6, 240), (7, 480), (8, 900),
    (9, 900), (200, 900),
])
def test_pair_delay_grows_to_a_cap(failures, seconds):
    assert pair_delay(failures) == timedelta(seconds=seconds)


def at(*minutes_ago: float) -> list[datetime]:
    return sorted(NOW - timedelta(minutes=m) for m in minutes_ago)


def judge(pair=(), account=(), address=(), known=False):
    return refusal(pair_failures=at(*pair), account_failures=at(*account),
                   address_failures=at(*address), known_address=known, now=NOW)


def test_three_free_failures_then_a_wait_that_ends():
    assert judge(pair=(3, 2)) is None
    waiting = judge(pair=(3, 2, 0.25))
    assert waiting.wait == timedelta(seconds=15) and "chờ 15 giây" in waiting.message
    assert judge(pair=(3, 2, 1)) is None  # the 30 s after the third failure are over
    assert "chờ 4 phút" in judge(pair=(9, 8, 7, 6, 5, 0.5)).message


def test_account_ceiling_refuses_new_addresses_only():
    twenty = [m * 2.5 for m in range(20)]  # the oldest 47.5 min ago
    refused = judge(account=twenty)
    assert refused.wait == timedelta(minutes=12, seconds=30)
    assert "nơi bạn thường đăng nhập" in refused.message
    assert judge(account=twenty[:-1]) is None
    assert judge(account=twenty, known=True) is None


def test_address_ceiling_spares_accounts_usual_there():
    thirty = [m * 0.4 for m in range(30)]
    assert "địa chỉ mạng này" in judge(address=thirty).message
    assert judge(address=thirty, known=True) is None


def test_the_pair_delay_applies_even_at_a_usual_address():
    assert judge(pair=(1, 0.5, 0.1), known=True) is not None


def test_ceiling_wait_is_never_zero_once_reached():
    assert ceiling_wait(at(60), NOW, 1, timedelta(hours=1)) == timedelta(seconds=1)
    assert ceiling_wait([], NOW, 1, timedelta(hours=1)) == timedelta(0)


@pytest.mark.parametrize(("seconds", "text"), [
    (0.2, "1 giây"), (30, "30 giây"), (59.5, "1 phút"), (60, "1 phút"), (61, "2 phút"),
    (900, "15 phút"),
])
def test_wait_text(seconds, text):
    assert wait_text(timedelta(seconds=seconds)) == text


def test_policy_slows_a_guess_a_day_to_a_trickle():
    """From one address, after the free failures the delays add up: at most ~100 guesses a
    day, against 10^4-10^8 possible passwords; the owner is never locked out."""
    elapsed, failures = timedelta(0), 0
    while elapsed < timedelta(days=1):
        failures += 1
        elapsed += pair_delay(failures, POLICY)
    assert failures < 110
