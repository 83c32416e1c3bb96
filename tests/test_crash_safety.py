"""Crash drills with the real processes: the web server killed with SIGKILL in the middle
of a burst of online submissions, and the Huey consumer killed in the middle of a task.

After each restart: every acknowledged submission exists exactly once, nothing half-done
is left (no dossier without its event and audit entry, no file without its row or row
without its bytes), the audit chain verifies and SQLite's integrity check passes."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests import factories
from tests.conftest import run
from tests.live import (
    assert_database_sound,
    cli,
    database_of,
    free_port,
    query,
    start_web,
    start_worker,
    stop,
    wait_for,
)
from tests.online_submission import setup_world, submit_one
from tests.sql import execute_on

# Counts the bytes in the local folder against the rows after a kill.
pytestmark = [pytest.mark.slow, pytest.mark.local_files]

SUBMISSIONS = 24
KILL_AFTER_ACKNOWLEDGED = 6


def burst(base: str, world: dict, on_acknowledged) -> list[dict]:
    outcomes = [{"n": n} for n in range(SUBMISSIONS)]
    lock = threading.Lock()
    count = [0]

    def task(outcome):
        try:
            submit_one(base, world, outcome["n"], outcome)
        except (httpx.HTTPError, AssertionError, KeyError, AttributeError) as exc:
            outcome["error"] = type(exc).__name__
        if outcome.get("acknowledged"):
            with lock:
                count[0] += 1
                on_acknowledged(count[0])

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(task, outcomes))
    return outcomes


def test_web_server_killed_mid_burst_loses_nothing_acknowledged(db, tmp_path, monkeypatch):
    var_dir = db.parent
    world = setup_world()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_web(var_dir, port)
    killed = threading.Event()

    def maybe_kill(acknowledged: int) -> None:
        if acknowledged >= KILL_AFTER_ACKNOWLEDGED and not killed.is_set():
            killed.set()
            os.kill(server.pid, signal.SIGKILL)

    try:
        outcomes = burst(base, world, maybe_kill)
    finally:
        server.wait(timeout=10) if killed.is_set() else stop(server)
    acknowledged = [o["draft"] for o in outcomes if o.get("acknowledged")]
    failed = [o for o in outcomes if "error" in o]
    assert killed.is_set() and failed, "the kill must interrupt submissions in flight"
    assert KILL_AFTER_ACKNOWLEDGED <= len(acknowledged) < SUBMISSIONS

    # Restart as the Procfile does: sweep files a killed transaction left, then serve.
    swept = cli(var_dir, "files", "sweep")
    assert swept.returncode == 0, swept.stderr
    # Uploads in flight at the kill were written (and fsynced) ahead of their rows: that
    # sweep keeps such files while they are younger than MOTCUA_ORPHAN_MIN_AGE_HOURS, as it
    # must (another machine's upload in flight looks the same). The sweep a day later
    # removes them; every file then has its row.
    monkeypatch.setenv("MOTCUA_ORPHAN_MIN_AGE_HOURS", "0")
    a_day_later = cli(var_dir, "files", "sweep")
    monkeypatch.delenv("MOTCUA_ORPHAN_MIN_AGE_HOURS")
    assert a_day_later.returncode == 0, a_day_later.stderr
    server = start_web(var_dir, port)
    try:
        check_after_crash(var_dir, acknowledged)
        # The restarted server takes submissions again.
        again = {}
        submit_one(base, world, SUBMISSIONS + 1, again)
        assert again.get("acknowledged")
    finally:
        stop(server)
    assert_database_sound(var_dir)


def check_after_crash(var_dir: Path, acknowledged: list[int]) -> None:
    database = database_of(var_dir)
    rows = {d: (status, code) for d, status, code in query(
        database, "SELECT id, status, code FROM dossier")}
    for draft in acknowledged:
        status, code = rows[draft]
        assert status != 0 and not code.startswith("NHAP-")
        assert query(database, "SELECT count(*) FROM dossier WHERE code = ?", code) == [(1,)]
    for dossier, (status, code) in rows.items():
        events = query(database, "SELECT count(*) FROM dossier_event WHERE dossier = ? AND "
                       "action = 'submitted'", dossier)[0][0]
        audits = query(database, "SELECT count(*) FROM audit_entry WHERE entity = 'dossier' "
                       "AND entity_id = ? AND action = 'dossier.submitted'", str(dossier))[0][0]
        if status == 0:  # a draft: kept on purpose, but never half-submitted
            assert code.startswith("NHAP-") and events == 0 and audits == 0
        else:
            assert events == 1 and audits == 1, (dossier, events, audits)
    # Files: every row has its bytes (hash checked), every file its row, no row unused.
    files = dict(query(database, "SELECT sha256, id FROM stored_file"))
    on_disk = {p.name: p for p in (var_dir / "files").glob("??/??/*")}
    assert set(on_disk) == set(files), "orphan files or rows without bytes"
    for sha, path in on_disk.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    unused = query(database, "SELECT id FROM stored_file WHERE id NOT IN "
                   "(SELECT file FROM dossier_component WHERE file IS NOT NULL)")
    assert unused == []


def test_worker_killed_mid_task_runs_it_again_once(db, tmp_path):
    """The deadline watch over many overdue dossiers, killed while it runs: at the next
    start the consumer runs it again (catch-up), and every alert exists exactly once."""
    var_dir = db.parent

    async def catalogue():
        await factories.procedure(await factories.agency())

    run(catalogue())
    result = cli(var_dir, "seed", "--dossiers", "8000")
    assert result.returncode == 0, result.stderr
    # Every generated dossier open and overdue: a watch run with lots to write.
    execute_on(database_of(var_dir), "UPDATE dossier SET status = 4, "
               "due_at = '2026-01-05 03:00:00+00:00', withdrawn_status = NULL")
    expected = query(database_of(var_dir), "SELECT count(*) FROM dossier")[0][0]

    worker = start_worker(var_dir)
    try:
        # The consumer logs each task as it starts it; kill at that moment.
        started = False
        for line in iter(worker.stderr.readline, b""):
            if b"Executing" in line and b"deadline_watch" in line:
                os.kill(worker.pid, signal.SIGKILL)
                started = True
                break
        assert started, "the catch-up run never started"
        worker.wait(timeout=10)
        alerts_at_kill = query(database_of(var_dir), "SELECT count(*) FROM deadline_alert")
        assert alerts_at_kill == [(0,)], "killed too late: the task had already committed"

        worker = start_worker(var_dir)

        def all_recorded() -> bool:
            return query(database_of(var_dir),
                         "SELECT count(*) FROM deadline_alert")[0][0] >= expected

        assert wait_for(all_recorded, 90, 0.5)
    finally:
        stop(worker)
    assert query(database_of(var_dir),
                 "SELECT count(*), count(DISTINCT dossier) FROM deadline_alert "
                 "WHERE kind = 'overdue'") == [(expected, expected)]
    runs = query(database_of(var_dir),
                 "SELECT count(*) FROM audit_entry WHERE action = 'deadline.watch'")[0][0]
    assert runs == 1  # the killed run left nothing; the second wrote everything, once
    assert_database_sound(var_dir)
