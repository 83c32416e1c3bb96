"""End to end: a real `huey_consumer` process runs real tasks (deadline watch, monthly report,
nightly cleanup, file check) enqueued from this process, and the jobs table and page show
each run."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.tables import DeadlineAlert, Dossier
from app.formatting import now_utc
from app.jobs import api as jobs
from app.jobs.tables import JobRun
from app.settings import ROOT, get_settings
from app.tasks import huey
from app.tasks.deadlines import deadline_watch
from tests import factories
from tests.conftest import run, worker_env


@pytest.fixture
def consumer(db: Path):
    """The Procfile's worker on this test's database and the queue this process writes to."""
    assert not huey.immediate
    env = worker_env()
    log = (get_settings().var_dir / "consumer.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "huey_consumer"), "app.tasks.all.huey",
         "--workers", "1", "--max-delay", "0.2", "--no-periodic"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    process.wait(timeout=10)
    log.close()


def wait_for(condition, seconds: float = 180.0):
    # Generous: on an idle machine it returns within seconds; a loaded one starts slowly.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


@pytest.mark.engine
def test_real_consumer_runs_the_deadline_watch_and_records_it(consumer, client):
    async def setup() -> int:
        procedure = await factories.procedure(await factories.agency())
        row = await factories.dossier(procedure)
        await Dossier.update({Dossier.due_at: now_utc() - timedelta(minutes=5)}).where(
            Dossier.id == row.id)
        return row.id

    dossier = run(setup())
    task_id = jobs.enqueue_sync(deadline_watch).id
    queued = JobRun.select().where(JobRun.task_id == task_id).first().run_sync()
    assert queued["status"] in ("queued", "running", "succeeded")  # recorded at enqueue

    # The consumer's start-up catch-up runs the watch too; this test follows its own run.
    done = wait_for(lambda: JobRun.select().where(
        (JobRun.task_id == task_id) & (JobRun.status == "succeeded")).first().run_sync())
    assert done["task_id"] == queued["task_id"] and done["attempts"] == 1
    assert done["started_at"] <= done["finished_at"]
    assert consumer.poll() is None  # still serving
    alert = DeadlineAlert.select().first().run_sync()
    assert alert["dossier"] == dossier and alert["kind"] == "overdue"

    async def admin() -> str:
        user = await accounts.create_user(username="tinh", password="abc12345",
                                          full_name="Quản trị tỉnh",
                                          role=Role.PROVINCIAL_ADMIN, agency_ids=[])
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "t"))

    # The other scheduled jobs, by hand, in the same worker.
    from app.reports.tables import ReportExport
    from app.tasks.housekeeping import nightly_cleanup, verify_files_sample
    from app.tasks.reports import export_monthly_report

    ids = [jobs.enqueue_sync(export_monthly_report, 2026, 3).id,
           jobs.enqueue_sync(nightly_cleanup).id, jobs.enqueue_sync(verify_files_sample).id]
    mine = JobRun.task_id.is_in(ids) & JobRun.finished_at.is_not_null()
    wait_for(lambda: JobRun.count().where(mine).run_sync() == 3, seconds=300)
    statuses = {r["task"].rsplit(".", 1)[1]: r["status"]
                for r in JobRun.select().where(mine).run_sync()}
    assert set(statuses.values()) == {"succeeded"}, statuses
    export = ReportExport.select().first().run_sync()
    assert (export["year"], export["month"], export["trigger"]) == (2026, 3, "schedule")

    client.cookies.set("motcua_session", run(admin()))
    page = client.get("/quan-tri/tac-vu", headers={"HX-Request": "true"})
    for label in ("Theo dõi hạn xử lý hồ sơ", "Xuất báo cáo tình hình giải quyết TTHC",
                  "Dọn dẹp hằng đêm", "Kiểm tra mẫu tệp lưu trữ"):
        assert label in page.text
    assert page.text.count("<td>Hoàn thành</td>") >= 4  # ours, and the start-up catch-up
    log = (get_settings().var_dir / "consumer.log").read_text()
    assert "could not record" not in log and "Traceback" not in log
