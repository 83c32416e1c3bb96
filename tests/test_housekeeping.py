"""Housekeeping: old drafts (never a submitted dossier) and dead sessions purged, old job
rows trimmed, PRAGMA optimize run, stored files re-hashed with mismatches on the jobs page."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import LoginAttempt, UserSession
from app.audit import service as audit
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierComponent, DossierEvent
from app.files import store
from app.formatting import now_utc
from app.housekeeping import service
from app.jobs.tables import JobRun
from app.tasks import huey
from tests import factories
from tests.conftest import run


@pytest.fixture
def immediate(db):
    before = huey.immediate
    huey.immediate = True
    yield huey
    huey.immediate = before


def job(task_name: str) -> dict:
    return JobRun.select().where(JobRun.task.like(f"%.{task_name}")).first().run_sync()


@pytest.mark.clock
def test_nightly_cleanup_purges_old_drafts_and_dead_sessions_only(immediate):
    from app.tasks.housekeeping import nightly_cleanup

    old = now_utc() - timedelta(days=40)

    async def setup():
        procedure = await factories.procedure(await factories.agency())
        user = await accounts.create_user(username="052090001234", password="abc12345",
                                          full_name="Lê Văn Cường", role=Role.CITIZEN)
        ids = {}
        for name, status, created in (("old_draft", Status.DRAFT, old),
                                      ("new_draft", Status.DRAFT, now_utc()),
                                      ("old_submitted", Status.RECEIVED, old)):
            row = await factories.dossier(procedure, status=status)
            received = None if status == Status.DRAFT else old
            await Dossier.update({Dossier.created_at: created, Dossier.received_at: received}
                                 ).where(Dossier.id == row.id)
            await DossierComponent(dossier=row.id, name="Tờ khai").save()
            await DossierEvent(dossier=row.id, at=created, action="draft_saved").save()
            ids[name] = row.id
        live = await accounts.start_session(user, "127.0.0.1", "t")
        expired = await accounts.start_session(user, "127.0.0.1", "t")
        await UserSession.update({UserSession.expires_at: now_utc() - timedelta(hours=1)}
                                 ).where(UserSession.token == expired)
        old_job = JobRun(task_id="x", task="app.tasks.system.worker_heartbeat", args=[],
                         status="succeeded", enqueued_at=old, finished_at=old)
        old_failure = JobRun(task_id="y", task="app.tasks.system.worker_heartbeat", args=[],
                             status="failed", enqueued_at=old, finished_at=old)
        await JobRun.insert(old_job, old_failure)
        # A month-old guessing campaign is forgotten; yesterday's sign-in still counts.
        memory = service.login_memory()
        await LoginAttempt.insert(
            LoginAttempt(username="052090001234", ip="203.0.113.9", success=False,
                         at=now_utc() - memory - timedelta(minutes=1)),
            LoginAttempt(username="052090001234", ip="127.0.0.1", success=True,
                         at=now_utc() - timedelta(days=1)))
        return ids, live

    ids, live = run(setup())
    nightly_cleanup()  # through Huey, so the run is recorded (periodic: no result kept)
    left = {r["id"] for r in Dossier.select(Dossier.id).run_sync()}
    assert left == {ids["new_draft"], ids["old_submitted"]}
    for child in (DossierComponent, DossierEvent):
        assert not child.exists().where(child.dossier == ids["old_draft"]).run_sync()
        assert child.exists().where(child.dossier == ids["old_submitted"]).run_sync()
    assert [r["token"] for r in UserSession.select(UserSession.token).run_sync()] == [live]
    assert [r["ip"] for r in LoginAttempt.select(LoginAttempt.ip).run_sync()] == ["127.0.0.1"]
    assert {r["task_id"] for r in JobRun.select(JobRun.task_id).run_sync()} >= {"y"}
    assert not JobRun.exists().where(JobRun.task_id == "x").run_sync()
    assert job("nightly_cleanup")["status"] == "succeeded"
    assert run(audit.verify()) == []
    assert nightly_cleanup.call_local() == {"sessions": 0, "login_attempts": 0, "drafts": 0,
                                            "jobs": 0}


def test_draft_purge_age_is_configurable(db):
    async def setup():
        procedure = await factories.procedure(await factories.agency())
        row = await factories.dossier(procedure, status=Status.DRAFT)
        await Dossier.update({Dossier.created_at: now_utc() - timedelta(days=3),
                              Dossier.received_at: None}).where(Dossier.id == row.id)

    run(setup())
    assert run(service.purge_drafts(now_utc(), abandon_days=7)) == 0
    assert run(service.purge_drafts(now_utc(), abandon_days=2)) == 1


@pytest.mark.local_files  # rots and removes bytes in the local folder
def test_file_checks_report_mismatches_on_the_jobs_page(immediate):
    from app.tasks.housekeeping import verify_all_files, verify_files_sample

    good = run(store.store(b"%PDF-1.4 giay phep", "application/pdf"))
    bad = run(store.store(b"%PDF-1.4 to khai", "application/pdf"))
    assert verify_all_files.call_local() == 2
    store.path_for(bad.sha256).write_bytes(b"%PDF-1.4 to khai (sua)")  # bit rot, tampering

    verify_files_sample()
    row = job("verify_files_sample")
    assert row["status"] == "failed" and row["attempts"] == 1  # not retried
    assert bad.sha256 in row["last_error"] and good.sha256 not in row["last_error"]
    assert "1/2 tệp không khớp" in row["last_error"]
    store.path_for(good.sha256).unlink()  # a missing file counts too
    verify_all_files()
    assert "2/2 tệp" in job("verify_all_files")["last_error"]


def test_sample_picks_at_most_its_size(db):
    for i in range(5):
        run(store.store(f"tệp {i}".encode(), "text/plain"))
    checked, bad = run(service.verify_sample(3, random.Random(1)))
    assert (checked, bad) == (3, [])
