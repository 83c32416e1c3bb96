"""The PostgreSQL backup drill, as README "Several machines" tells an IT team to run it:
WAL archived by pgBackRest into a repository folder, a full backup, writes after it, a
point-in-time restore into a fresh data directory, the copy started and checked with the
app's `restore-check` (every table and index, the audit chain).

The session's scratch cluster runs without archiving (fsync off, for speed), and
archive_mode needs a restart, so the drill makes a cluster of its own with initdb.
PostgreSQL pass only (the SQLite pass has its Litestream drills)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import live
from tests.conftest import TEST_ENGINE
from tests.scratch_servers import PG_BIN, _as_postgres, _wait_for_port, _wait_ready, free_port
from tests.sql import execute_on

pytestmark = [pytest.mark.engine, pytest.mark.slow,
              pytest.mark.skipif(TEST_ENGINE != "postgres",
                                 reason="PostgreSQL's backups; SQLite's are Litestream's drills"),
              pytest.mark.skipif(shutil.which("pgbackrest") is None,
                                 reason="Debian package pgbackrest (make install-test)")]

STANZA = "motcua"
# What a process of the app writes: audit entries through the app's own service, each in
# its write transaction, so the hash chain is the app's.
WRITE = """
import asyncio, sys
import piccolo_conf  # noqa: F401
from app.audit import service as audit
from app.db import write_transaction

async def main(label, count):
    for number in range(count):
        async with write_transaction():
            await audit.record("drill.write", label, str(number))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


class Cluster:
    """A PostgreSQL data directory under the drill's folder, started on a free port."""

    def __init__(self, folder: Path, data: Path):
        self.folder, self.data, self.port = folder, data, free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: str = "motcua") -> str:
        return f"postgresql://motcua@127.0.0.1:{self.port}/{database}"

    def start(self, *settings: str) -> None:
        options = ["-c", "listen_addresses=127.0.0.1", "-c",
                   f"unix_socket_directories={self.folder}", *settings]
        log = self.folder / f"postgres-{self.port}.log"
        self.process = subprocess.Popen(
            [str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port), *options],
            stdout=subprocess.DEVNULL, stderr=open(log, "w"), **_as_postgres())  # noqa: SIM115
        _wait_for_port(self.port, self.process, "postgres", log)
        _wait_ready(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # smart shutdown: a clean checkpoint
            self.process.wait(timeout=30)


def as_owner(*command: str, env: dict | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env,
                          **_as_postgres())
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


def app(url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """The app's CLI (or a script of its own) on the drill's database."""
    env = {**live.env_for(var_dir), "MOTCUA_DATABASE_URL": url}
    return subprocess.run([sys.executable, *args], cwd=live.ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def written(url: str, label: str) -> int:
    return execute_on(url, "SELECT count(*) AS n FROM audit_entry WHERE entity = {}",
                      label)[0]["n"]


def test_backup_then_point_in_time_restore_into_a_fresh_cluster(tmp_path):
    # Outside pytest's folder, which the `postgres` user may not enter when run as root.
    folder = Path(tempfile.mkdtemp(prefix="motcua-pgbackrest-"))
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    config = folder / "pgbackrest.conf"
    primary = Cluster(folder, folder / "data")
    config.write_text(
        f"[global]\nrepo1-path={folder / 'repo'}\nrepo1-retention-full=2\n"
        f"log-path={folder / 'log'}\nlock-path={folder / 'lock'}\nstart-fast=y\n"
        "compress-type=lz4\n"
        f"log-level-console=warn\n\n[{STANZA}]\npg1-path={primary.data}\n"
        f"pg1-port={primary.port}\npg1-socket-path={folder}\npg1-user=motcua\n")
    backrest = ("pgbackrest", f"--config={config}", f"--stanza={STANZA}")
    as_owner(str(PG_BIN / "initdb"), "-D", str(primary.data), "-U", "motcua", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
    # The two settings README gives for postgresql.conf; fsync off only to keep the drill
    # short (no crash is simulated: what is checked is the archive, backup and restore).
    primary.start("-c", "archive_mode=on", "-c",
                  f"archive_command={' '.join(backrest)} archive-push %p", "-c", "fsync=off")
    restored = Cluster(folder, folder / "restored")
    try:
        execute_on(primary.url("postgres"), "CREATE DATABASE motcua")
        migrated = app(primary.url(), var_dir, "-m", "app", "migrate")
        assert migrated.returncode == 0, migrated.stderr
        as_owner(*backrest, "stanza-create")
        as_owner(*backrest, "check")  # archiving works end to end
        assert app(primary.url(), var_dir, "-c", WRITE, "before-backup", "5").returncode == 0
        as_owner(*backrest, "--type=full", "backup")
        # The restore names its backup set: left to choose, pgBackRest wants a set that
        # stopped before the target in whole seconds, and the target here can fall in the
        # backup's last second.
        backup_set = json.loads(as_owner(*backrest, "--output=json", "info"))[0]["backup"][-1][
            "label"]
        after = app(primary.url(), var_dir, "-c", WRITE, "after-backup", "4")
        assert after.returncode == 0, after.stderr
        target = execute_on(primary.url(), "SELECT clock_timestamp()::text AS t")[0]["t"]
        too_late = app(primary.url(), var_dir, "-c", WRITE, "after-target", "3")
        assert too_late.returncode == 0, too_late.stderr
        # The WAL holding the last writes reaches the repository (archive_timeout in
        # production; here at once).
        execute_on(primary.url(), "SELECT pg_switch_wal()")
        as_owner(*backrest, "check")

        as_owner(*backrest, f"--pg1-path={restored.data}", f"--set={backup_set}", "--type=time",
                 f"--target={target}", "--target-action=promote", "restore")
        # The copy must not archive into the live stanza: archiving off while it is checked.
        restored.start("-c", "archive_mode=off")
        copy = restored.url()
        assert [written(copy, label) for label in ("before-backup", "after-backup",
                                                    "after-target")] == [5, 4, 0]
        checked = app(copy, var_dir, "-m", "app", "restore-check")
        assert checked.returncode == 0, checked.stderr
        assert "toàn vẹn" in checked.stdout
        info = as_owner(*backrest, "info")
        assert "full backup" in info and "status: ok" in info
    finally:
        restored.stop()
        primary.stop()
        shutil.rmtree(folder, ignore_errors=True)
