"""Computing a staff user's second-factor code the way their phone would, for the login
helpers of tests and browser tests (so every other test signs in unchanged)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp

from app.accounts.second_factor import STEP_SECONDS, current_step
from tests.sql import execute_on

SECRET_KEY_PATTERN = re.compile(r'id="secret-key">([A-Z2-7 ]+)<')


def secret_from_enrolment_page(html: str) -> str:
    """The key the enrolment page shows for manual entry (what a person would type)."""
    match = SECRET_KEY_PATTERN.search(html)
    assert match, "enrolment page shows no key"
    return match.group(1).replace(" ", "")


def factor_from_database(database: str | Path, username: str) -> tuple[str, int | None]:
    """(secret, last used step) of an enrolled user, read as the phone's copy of it, from
    the database `database` names (a URL, or a SQLite file's path)."""
    rows = execute_on(
        database, "SELECT f.secret, f.last_used_step FROM second_factor f "
        "JOIN app_user u ON u.id = f.user WHERE u.username = {}", username.lower())
    assert rows, f"{username} has no second factor in {database}"
    return rows[0]["secret"], rows[0]["last_used_step"]


def fresh_code(secret: str, last_used_step: int | None) -> str:
    """A code the server will accept: the current step, or the next one (the server allows
    one step of clock drift) when the current step was already used — codes are single-use.
    Waits for the clock only when both are used (three logins in one 30-second step)."""
    while True:
        step = current_step()
        wanted = step if last_used_step is None or last_used_step < step else last_used_step + 1
        if wanted <= step + 1:
            return pyotp.TOTP(secret).at(wanted * STEP_SECONDS)
        time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.05)
