"""The application's clock: the real one, or a fixed moment for tests.

Every "now" of the application comes from `app.formatting.now_utc()`, which reads this
offset. With MOTCUA_FAKE_NOW (an ISO 8601 time with its zone) the clock reads that moment
at the instant given by MOTCUA_FAKE_NOW_SET_AT (Unix seconds; when absent, the process's
first reading) and runs on from there. Every process started with both variables (a test
server, a Huey worker, the CLI) shares one timeline, so a test's outcome never depends on
the day, weekday or hour it runs. Never honoured in production (MOTCUA_HTTPS=1):
`app.system.production` refuses to start with it.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from app.settings import _env_bool

_offset: list[timedelta] = []


def fake_now_setting() -> str:
    return os.environ.get("MOTCUA_FAKE_NOW", "").strip()


def _compute() -> timedelta:
    setting = fake_now_setting()
    if not setting or _env_bool("HTTPS", False):
        return timedelta(0)
    moment = datetime.fromisoformat(setting)
    if moment.tzinfo is None:
        raise ValueError("MOTCUA_FAKE_NOW needs a zone, e.g. 2026-12-08T09:00:00+07:00")
    anchor = float(os.environ.get("MOTCUA_FAKE_NOW_SET_AT") or time.time())
    return timedelta(seconds=moment.timestamp() - anchor)


def offset() -> timedelta:
    """How far the application's clock is from the system's (zero unless faked)."""
    if not _offset:
        _offset.append(_compute())
    return _offset[0]


def reset() -> None:
    """Read the settings again (a test that changes them mid-process)."""
    _offset.clear()
