"""End to end with the real worker: a scan enqueued the way the app enqueues it is read
by a `huey_consumer` process (the Procfile's worker command) against the same files."""

import os
import subprocess
import sys
import time
from pathlib import Path

from app.digitisation import service as digitisation
from app.digitisation.logic import ScanStatus
from app.digitisation.tables import Scan
from app.dossiers import queries
from app.jobs import api as jobs
from app.jobs.tables import JobRun
from app.tasks.digitisation import digitise_component
from tests.conftest import run, shared_services_env
from tests.digitisation_helpers import counter_world, printed_page

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_real_consumer_reads_a_scan(db):
    var_dir = db.parent
    world = run(counter_world())
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    component_id = world["component_ids"][0]
    scan_id = run(digitisation.scan_component(world["officer"], dossier, component_id,
                                              [printed_page()]))

    # The consumer below reads the queue this process enqueues into (a file on SQLite
    # runs, Redis on PostgreSQL runs; every test starts with it empty, tests/conftest.py).
    jobs.enqueue_sync(digitise_component, component_id, agency_id=world["agency"].id)

    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir), "PATH": f"{BIN}:{os.environ['PATH']}",
           **shared_services_env()}
    worker = subprocess.Popen(
        [str(BIN / "huey_consumer"), "app.tasks.all.huey", "-w", "1", "-m", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        status, job = None, None
        while time.monotonic() < deadline:
            status = run(Scan.select(Scan.status).where(Scan.id == scan_id).first().run())
            job = run(JobRun.select(JobRun.status, JobRun.agency).where(
                JobRun.task.like("%digitise_component")).first().run())
            if ScanStatus(status["status"]).finished and job and job["status"] == "succeeded":
                break
            time.sleep(0.3)
        text = run(Scan.select(Scan.text).where(Scan.id == scan_id).first().run())["text"]
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert status["status"] == ScanStatus.DONE, worker.stderr.read().decode()[-2000:]
    assert "Nguyễn Thị Hồng Nhung" in text
    assert job == {"status": "succeeded", "agency": world["agency"].id}  # on the jobs page
