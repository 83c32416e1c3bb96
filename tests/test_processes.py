"""The Procfile's background processes, run for real: the Huey consumer and Litestream."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.live import database_of, query

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _env(var_dir: Path) -> dict:
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir),
           "MOTCUA_DATABASE": str(var_dir / "motcua.db"),
           "MOTCUA_REPLICA_URL": f"file://{var_dir / 'replica'}",
           "MOTCUA_HUEY_DATABASE": str(var_dir / "huey.db"),
           "MOTCUA_HUEY_REPLICA_URL": f"file://{var_dir / 'replica-huey'}",
           "PATH": f"{BIN}:{os.environ['PATH']}"}
    env.pop("AWS_CA_BUNDLE", None)
    return env


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def var_dir(db):
    """The folder of the test's own database (on PostgreSQL, the environment names it)."""
    return db.parent


def test_huey_consumer_writes_the_worker_heartbeat(var_dir):
    worker = subprocess.Popen(
        [str(BIN / "huey_consumer"), "app.tasks.all.huey", "-w", "1", "-m", "1"],
        cwd=ROOT, env=_env(var_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        def beaten():
            return query(database_of(var_dir),
                         "SELECT count(*) FROM heartbeat WHERE name = 'worker'") == [(1,)]

        assert _wait_for(beaten, 30), worker.stderr.read1().decode() if worker.poll() else ""
    finally:
        worker.terminate()
        worker.wait(timeout=10)


@pytest.mark.sqlite_only  # Litestream replicates a SQLite file
def test_litestream_replicates_and_restores(var_dir):
    env = _env(var_dir)
    db = var_dir / "motcua.db"
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO heartbeat (name, at) VALUES ('before', '2026-01-01 00:00:00+00:00')")
    conn.commit()
    replicate = subprocess.Popen(
        ["litestream", "replicate", "-config", "litestream.yml"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        conn.execute(
            "INSERT INTO heartbeat (name, at) VALUES ('during', '2026-01-01 00:00:01+00:00')")
        conn.commit()
        conn.close()
        assert _wait_for(lambda: any((var_dir / "replica").rglob("*.ltx")), 20)
        time.sleep(2)  # let the second transaction reach the replica
    finally:
        replicate.terminate()
        replicate.wait(timeout=10)
    restored = var_dir / "restored.db"
    subprocess.run(["litestream", "restore", "-config", "litestream.yml", "-o", str(restored),
                    str(db)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    check = sqlite3.connect(restored)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = {r[0] for r in check.execute("SELECT name FROM heartbeat")}
    assert {"before", "during"} <= names
