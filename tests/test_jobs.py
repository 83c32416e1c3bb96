"""Every Huey task run lands in `job_run` through the signals (immediate mode here; the real
consumer in test_jobs_consumer.py): retries with backoff on transient errors only, quiet
tasks recorded only when they fail, and the admin page with its "Chạy lại" button."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.jobs import api as jobs
from app.jobs.logic import PermanentError, TransientError, is_transient
from app.jobs.tables import JobRun
from app.tasks import huey
from tests import factories
from tests.conftest import csrf_from, run

CALLS: dict[str, int] = {}


# Test-only tasks: the recorder must cope with failures that real tasks rarely show.
@huey.task(retries=2, retry_delay=0)
def flaky_once(key: str) -> str:
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] == 1:
        raise TransientError("nhà cung cấp tạm thời không phản hồi")
    return "ok"


@huey.task(retries=3, retry_delay=0)
def broken(key: str) -> None:
    CALLS[key] = CALLS.get(key, 0) + 1
    raise PermanentError("tệp không tồn tại")


@huey.task(retries=2, retry_delay=10, retry_backoff=2)
def outage(key: str) -> None:
    raise ConnectionError("không kết nối được")


@huey.task()
def quiet_failure() -> None:
    raise ValueError("lỗi định kỳ")


jobs.describe(flaky_once, "Tác vụ thử chập chờn")
jobs.describe(quiet_failure, "Tác vụ thử im lặng", quiet=True)


@pytest.fixture
def immediate(db):
    before = huey.immediate
    huey.immediate = True
    CALLS.clear()
    yield huey
    huey.immediate = before


def rows() -> list[dict]:
    return JobRun.select().order_by(JobRun.id).run_sync()


def test_transient_error_is_retried_and_recorded_once(immediate):
    flaky_once("a")
    [row] = rows()
    assert row["task"] == "tests.test_jobs.flaky_once"
    assert row["status"] == "succeeded" and row["attempts"] == 2 and CALLS["a"] == 2
    assert "tạm thời" in row["last_error"]  # the failure that was retried stays visible
    assert row["args"] in (["a"], '["a"]')
    assert row["started_at"] <= row["finished_at"]


def test_permanent_error_is_not_retried(immediate):
    broken("b")
    [row] = rows()
    assert (row["status"], row["attempts"], CALLS["b"]) == ("failed", 1, 1)
    assert row["last_error"] == "PermanentError: tệp không tồn tại"


def test_transient_failure_waits_with_growing_delay(immediate):
    outage("c")
    [row] = rows()
    assert row["status"] == "retrying" and row["attempts"] == 1
    [scheduled] = huey.scheduled()
    assert scheduled.id == row["task_id"] and scheduled.retries == 1
    assert scheduled.retry_delay == 20  # 10 s now, 20 s after the next failure
    huey.storage.flush_schedule()


def test_quiet_task_is_recorded_only_when_it_fails(immediate):
    from app.tasks.system import worker_heartbeat

    worker_heartbeat()
    assert rows() == []
    quiet_failure()
    [row] = rows()
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["started_at"] is None and "lỗi định kỳ" in row["last_error"]


def test_classification_of_errors():
    assert is_transient(TransientError()) and is_transient(TimeoutError())
    assert is_transient(sqlite3.OperationalError("database is locked"))
    assert not is_transient(sqlite3.OperationalError("no such table: x"))
    assert not is_transient(PermanentError()) and not is_transient(ValueError())


def test_postgresql_transient_errors_are_retried_and_others_are_not():
    import asyncpg

    for transient in (asyncpg.exceptions.SerializationError("x"),
                      asyncpg.exceptions.DeadlockDetectedError("x"),
                      asyncpg.exceptions.ConnectionDoesNotExistError("x"),
                      asyncpg.exceptions.CannotConnectNowError("x"),
                      asyncpg.exceptions.TooManyConnectionsError("x"),
                      asyncpg.exceptions.AdminShutdownError("x"),
                      asyncpg.exceptions.LockNotAvailableError("x")):
        assert is_transient(transient), type(transient).__name__
    for permanent in (asyncpg.exceptions.UniqueViolationError("x"),
                      asyncpg.exceptions.UndefinedTableError("x"),
                      asyncpg.exceptions.NumericValueOutOfRangeError("x"),
                      asyncpg.exceptions.SyntaxOrAccessError("x")):
        assert not is_transient(permanent), type(permanent).__name__


def test_enqueue_from_async_code_records_the_agency(immediate):
    async def go():
        agency = await factories.agency("Sở Xây dựng")
        await jobs.enqueue(flaky_once, "d", agency_id=agency.id)
        return agency.id

    agency_id = run(go())
    [row] = rows()
    assert row["agency"] == agency_id and row["status"] == "succeeded"


def staff(role: Role, agency_ids: list[int], username: str) -> str:
    async def make():
        user = await accounts.create_user(username=username, password="abc12345",
                                          full_name="Quản trị", role=role,
                                          agency_ids=agency_ids)
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "t"))

    return run(make())


def test_admin_page_lists_and_retries_a_failed_job(client, immediate):
    ours, theirs = run(factories.agency("Sở Tư pháp")), run(factories.agency("Sở Y tế"))
    jobs.enqueue_sync(broken, "e", agency_id=ours.id)
    jobs.enqueue_sync(broken, "f", agency_id=theirs.id)
    failed = {row["args"][0] if isinstance(row["args"], list) else row["args"]: row["id"]
              for row in rows()}
    client.cookies.set("motcua_session", staff(Role.PROVINCIAL_ADMIN, [], "tinh"))

    page = client.get("/quan-tri/tac-vu")
    assert page.status_code == 200 and page.text.count("Chạy lại</button>") == 2
    assert 'hx-trigger="every 5s"' in page.text and "PermanentError" in page.text
    fragment = client.get("/quan-tri/tac-vu", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "PermanentError" in fragment.text

    job = next(iter(failed.values()))
    response = client.post(f"/quan-tri/tac-vu/{job}/chay-lai",
                           data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/quan-tri/tac-vu?da_chay_lai={job}"
    again = rows()[-1]
    assert again["retry_of"] == job and again["status"] == "failed" and len(rows()) == 3
    assert "Đã đưa tác vụ số" in client.get(response.headers["location"]).text

    # An agency admin sees and retries only their agencies' jobs.
    client.cookies.set("motcua_session", staff(Role.AGENCY_ADMIN, [theirs.id], "coquan"))
    page = client.get("/quan-tri/tac-vu")
    assert page.text.count("Chạy lại</button>") == 1
    ours_job = [r["id"] for r in rows() if r["agency"] == ours.id][0]
    refused = client.post(f"/quan-tri/tac-vu/{ours_job}/chay-lai",
                          data={"_csrf_token": csrf_from(page.text)})
    assert refused.status_code == 400 and "phạm vi" in refused.text
    assert len(rows()) == 3


def test_jobs_page_speaks_vietnamese_without_escapes(client):
    """Issue #16: raw task names and \\u escapes on /quan-tri/tac-vu."""
    from app.jobs.tables import JobRun

    async def make():
        await JobRun(task_id="t1", task="app.tasks.housekeeping.nightly_cleanup", args=[],
                     status="failed", enqueued_at=datetime(2026, 3, 11, tzinfo=UTC)).save()
        await JobRun(task_id="t2", task="app.tasks.calendar.recompute_due_dates",
                     args=["Ngày nghỉ 11/03/2026: Nghỉ bù", "2026-03-11", 7], status="succeeded",
                     enqueued_at=datetime(2026, 3, 11, tzinfo=UTC)).save()

    run(make())
    client.cookies.set("motcua_session", staff(Role.PROVINCIAL_ADMIN, [], "tinh"))
    page = client.get("/quan-tri/tac-vu").text
    assert "Dọn dẹp hằng đêm" in page and "nightly_cleanup" not in page
    assert "Ngày nghỉ 11/03/2026: Nghỉ bù; 11/03/2026; 7" in page
    assert "\\u" not in page


def test_every_task_has_a_vietnamese_label_in_a_fresh_web_process(tmp_path):
    """The web process imports only the task modules it enqueues; the page must still know
    every label (checked in a new interpreter: this one has imported them all by now)."""
    import subprocess
    import sys

    script = ("from app.main import create_app; create_app()\n"
              "from app.jobs.service import known_tasks\n"
              "specs = known_tasks()\n"
              "from app.tasks import huey\n"
              "names = set(huey._registry._registry)\n"
              "missing = sorted(n for n in names if n not in specs)\n"
              "print(len(names), missing)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={"MOTCUA_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
                         timeout=120, check=True).stdout
    count, missing = out.strip().split(" ", 1)
    assert int(count) >= 10 and missing == "[]"  # every module of app.tasks.all is loaded


def test_arguments_are_described_for_people():
    from app.jobs.logic import describe_args

    assert describe_args(["Tết", "2026-02-16", None, True]) == "Tết; 16/02/2026; —; có"
    assert describe_args({"args": [3], "kwargs": {"requested_by": 7}}) == "3; requested_by: 7"
    assert describe_args([]) == ""
    assert describe_args(["x" * 500]).endswith("…")
