"""Replication drills with the real Litestream binary while the real app takes online
submissions: `make restore` of the latest state during the burst (every acknowledged
dossier present, integrity, audit chain, every file's hash), and a point-in-time restore
(`TIMESTAMP=`) that holds what was acknowledged before the moment and nothing after."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.live import BIN, ROOT, env_for, free_port, query, start_web, stop
from tests.online_submission import setup_world, submit_one

# Litestream replicates a SQLite file; PostgreSQL's backups are pgBackRest's (README).
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

SYNC_WAIT = 3.0  # Litestream ships the WAL every second; three covers a busy machine


def submit_many(base: str, world: dict, numbers: range) -> list[int]:
    """Submissions in parallel; the draft ids of those acknowledged."""
    outcomes = [{} for _ in numbers]

    def one(pair):
        n, outcome = pair
        with contextlib.suppress(httpx.HTTPError):
            submit_one(base, world, n, outcome)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(one, zip(numbers, outcomes, strict=True)))
    return [o["draft"] for o in outcomes if o.get("acknowledged")]


def make_restore(var_dir: Path, target: Path, timestamp: str = "") -> subprocess.CompletedProcess:
    env = env_for(var_dir)
    env["MOTCUA_FILES_REPLICA_DIR"] = str(var_dir / "replica" / "files")
    return subprocess.run(
        ["make", "-s", "restore", f"RESTORE_DIR={target}", f"TIMESTAMP={timestamp}",
         f"MOTCUA_DATABASE={var_dir / 'motcua.db'}",
         f"MOTCUA_REPLICA_URL={env['MOTCUA_REPLICA_URL']}",
         f"MOTCUA_HUEY_DATABASE={var_dir / 'huey.db'}",
         f"MOTCUA_HUEY_REPLICA_URL={env['MOTCUA_HUEY_REPLICA_URL']}",
         f"MOTCUA_FILES_REPLICA_DIR={env['MOTCUA_FILES_REPLICA_DIR']}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def codes_of(database: Path, drafts: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(drafts))
    return dict(query(database, f"SELECT id, code FROM dossier WHERE status != 0 AND id IN "
                                f"({marks})", *drafts))


def test_restore_during_submissions_and_to_a_point_in_time(db, tmp_path):
    var_dir = db.parent
    world = setup_world()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_web(var_dir, port)
    replicate = subprocess.Popen(
        [str(BIN / "litestream"), "replicate", "-config", "litestream.yml"], cwd=ROOT,
        env=env_for(var_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        before = submit_many(base, world, range(0, 8))
        assert len(before) == 8
        time.sleep(SYNC_WAIT)
        moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        time.sleep(1.5)  # the timestamp has one-second precision

        # Restore the latest state while more submissions arrive.
        during: list[int] = []
        burst = threading.Thread(
            target=lambda: during.extend(submit_many(base, world, range(100, 112))))
        burst.start()
        latest = make_restore(var_dir, tmp_path / "latest")
        burst.join()
        assert latest.returncode == 0, latest.stderr + latest.stdout
        assert "integrity_check ok" in latest.stdout and "toàn vẹn" in latest.stdout

        health = httpx.get(f"{base}/healthz").json()["replication"]
        assert health["configured"] and health["lag_seconds"] is not None
    finally:
        replicate.terminate()
        replicate.wait(timeout=15)
        stop(server)

    restored = tmp_path / "latest" / "motcua.db"
    original = codes_of(var_dir / "motcua.db", before)
    assert codes_of(restored, before) == original  # every dossier acknowledged before
    files = query(restored, "SELECT count(*) FROM stored_file")[0][0]
    assert files >= 16 and len(list((tmp_path / "latest" / "files").glob("??/??/*"))) == files

    point = make_restore(var_dir, tmp_path / "point", timestamp=moment)
    assert point.returncode == 0, point.stderr + point.stdout
    at_moment = tmp_path / "point" / "motcua.db"
    assert codes_of(at_moment, before) == original
    assert during and codes_of(at_moment, during) == {}  # nothing acknowledged after


def test_healthz_reports_lag_when_replication_stops(client, db):
    """No replica: not configured. A replica older than the latest write: the lag."""
    import os

    from app.settings import get_settings

    assert client.get("/healthz").json()["replication"]["lag_seconds"] is None
    replica = get_settings().replica_dir / "motcua"
    replica.mkdir(parents=True)
    (replica / "0000000001.ltx").write_bytes(b"ltx")
    old = time.time() - 120
    os.utime(replica / "0000000001.ltx", (old, old))
    lag = client.get("/healthz").json()["replication"]["lag_seconds"]
    assert lag is not None and lag >= 100
