"""Real processes for drills: the web server (uvicorn), the Huey consumer and the CLI,
each on a var/ folder of the test's own, plus the checks every drill ends with."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.sql import integrity_on, query_on

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def env_for(var_dir: Path) -> dict:
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir),
           "MOTCUA_DATABASE": str(var_dir / "motcua.db"),
           "MOTCUA_REPLICA_URL": f"file://{var_dir / 'replica' / 'motcua'}",
           "MOTCUA_HUEY_DATABASE": str(var_dir / "huey.db"),
           "MOTCUA_HUEY_REPLICA_URL": f"file://{var_dir / 'replica' / 'huey'}",
           "PATH": f"{BIN}:{os.environ['PATH']}"}
    env.pop("AWS_CA_BUNDLE", None)  # breaks Litestream's S3 client on these machines
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env_for(var_dir),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def wait_for(predicate, seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def start_web(var_dir: Path, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    """uvicorn as the Procfile runs it; returns once /healthz answers. Its public address
    (MOTCUA_PUBLIC_URL: links, payment callbacks) is the port it listens on."""
    env = {**env_for(var_dir), "MOTCUA_PUBLIC_URL": f"http://127.0.0.1:{port}",
           **(extra_env or {})}
    process = subprocess.Popen(
        [str(BIN / "uvicorn"), "app.main:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (
                200, 503)
        except httpx.HTTPError:
            return False

    if not wait_for(up, 60, 0.2):
        process.kill()
        raise RuntimeError("web server did not start")
    return process


def start_worker(var_dir: Path) -> subprocess.Popen:
    """The real Huey consumer (as in the Procfile), logging each task it starts."""
    return subprocess.Popen(
        [str(BIN / "huey_consumer"), "app.tasks.all.huey", "-w", "1", "-m", "1", "-v"],
        cwd=ROOT, env=env_for(var_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def database_of(var_dir: Path) -> str:
    """The database the processes `env_for(var_dir)` starts use: the one the environment
    names (a PostgreSQL run's test database), else the folder's SQLite file."""
    return os.environ.get("MOTCUA_DATABASE_URL") or str(var_dir / "motcua.db")


def query(database: str | Path, sql: str, *params) -> list[tuple]:
    """Rows from `database` (a URL or a SQLite file's path), sqlite3-style (`?`, tuples)."""
    return query_on(database, sql, *params)


def assert_database_sound(var_dir: Path, database: str | Path | None = None) -> None:
    """The engine's own checks (structure, foreign keys) and the audit hash chain, through
    the CLI the IT team uses."""
    assert integrity_on(database or database_of(var_dir)) == "ok"
    verified = cli(var_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
