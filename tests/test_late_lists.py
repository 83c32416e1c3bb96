"""Public monthly late lists (seeds 001, 002): which dossiers are late in a month, the
draft the worker builds and refreshes, the provincial admin's approval of exactly the rows
seen, publication by the worker, and the public pages that show only what was published."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit.tables import AuditEntry
from app.dossiers.tables import Dossier
from app.late_lists import logic
from app.late_lists import service as late_lists
from app.late_lists.tables import LateList
from tests.conftest import csrf_from, run
from tests.service_index_world import build

APRIL_2 = date(2026, 4, 2)


def test_rows_per_agency_then_per_officer():
    found = logic.rows([
        logic.LateDossier("Sở Tư pháp", "Lê Văn Cường", 1),
        logic.LateDossier("Sở Tư pháp", "Lê Văn Cường", 0),
        logic.LateDossier("Sở Tư pháp", logic.NO_OFFICER, 2),
        logic.LateDossier("UBND xã Ba Tơ", "Phạm Thị Dung", 0),
    ])
    assert [(r.kind, r.name, r.late, r.apologised, r.letters) for r in found] == [
        ("agency", "Sở Tư pháp", 3, 2, 3), ("agency", "UBND xã Ba Tơ", 1, 0, 0),
        ("officer", "Lê Văn Cường", 2, 1, 1), ("officer", logic.NO_OFFICER, 1, 1, 2),
        ("officer", "Phạm Thị Dung", 1, 0, 0)]
    assert logic.digest(found) == logic.digest(list(found))
    assert logic.digest(found) != logic.digest(found[:-1])


def test_due_by_the_5th_of_the_next_month():
    assert logic.publish_by(2026, 3) == date(2026, 4, 5)
    assert logic.publish_by(2026, 12) == date(2027, 1, 5)
    assert logic.previous_month(date(2027, 1, 1)) == (2026, 12)


@pytest.fixture
def world(client):
    made = run(build())
    officer = run(accounts.create_user(username="cuong", password="abc12345",
                                       full_name="Lê Văn Cường", role=Role.HANDLER,
                                       agency_ids=[made.tu_phap]))
    run(Dossier.update({Dossier.assignee: officer.id}).where(
        Dossier.id == made.ids["overdue_open"]).run())
    return made


def admin_session(client) -> None:
    async def make():
        user = await accounts.create_user(username="tinh", password="abc12345",
                                          full_name="Quản trị tỉnh",
                                          role=Role.PROVINCIAL_ADMIN, agency_ids=[])
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "t"))

    client.cookies.set("motcua_session", run(make()))


def test_march_lists_what_was_late_with_its_apology_letters(world):
    late = run(late_lists.late_dossiers(late_lists.month(2026, 3)))
    # late (after its appointment), sorry (apology), overdue_open (open past it at the
    # end); nagged met its appointment: two supplement requests are not a late date.
    assert sorted((d.agency, d.officer, d.letters) for d in late) == sorted([
        ("Sở Tư pháp", "Lê Văn Cường", 0), ("Sở Tư pháp", logic.NO_OFFICER, 0),
        ("Sở Tư pháp", logic.NO_OFFICER, 1)])


def test_the_schedule_drafts_last_month_once_and_publishes_only_after_approval(client, world):
    first = run(late_lists.run_schedule(APRIL_2))
    again = run(late_lists.run_schedule(APRIL_2))
    assert first["drafted"] == again["drafted"] and first["published"] == []
    assert LateList.count().run_sync() == 1
    assert AuditEntry.count().where(AuditEntry.action == "late_list.drafted").run_sync() == 1
    assert client.get("/danh-sach-tre-han/2026-03").status_code == 404  # a draft: not public

    admin_session(client)
    review = client.get(f"/quan-tri/danh-sach-tre-han/{first['drafted']}")
    assert review.status_code == 200 and "Lê Văn Cường" in review.text
    url = f"/quan-tri/danh-sach-tre-han/{first['drafted']}/duyet"
    unchecked = client.post(url, data={"_csrf_token": csrf_from(review.text),
                                       "digest": "x", "da_ra_soat": ""})
    assert unchecked.status_code == 400 and "Đánh dấu đã rà soát" in unchecked.text
    digest = LateList.select(LateList.digest).first().run_sync()["digest"]
    done = client.post(url, data={"_csrf_token": csrf_from(review.text), "digest": digest,
                                  "da_ra_soat": "1"}, follow_redirects=False)
    assert done.status_code == 303
    twice = client.post(url, data={"_csrf_token": csrf_from(review.text), "digest": digest,
                                   "da_ra_soat": "1"})
    assert twice.status_code == 409 and "đã được duyệt" in twice.text
    assert client.get("/danh-sach-tre-han/2026-03").status_code == 404  # until the worker

    assert run(late_lists.run_schedule(APRIL_2))["published"] == [first["drafted"]]
    client.cookies.clear()
    public = client.get("/danh-sach-tre-han/2026-03")
    assert public.status_code == 200
    assert "Sở Tư pháp" in public.text and "Lê Văn Cường" in public.text
    assert world.codes["late"] not in public.text  # no dossier codes in public
    assert "Tháng 3/2026" in client.get("/danh-sach-tre-han").text
    # A published list never changes, even when the month's data does.
    run(Dossier.update({Dossier.due_at: None}).where(Dossier.id > 0).run())
    assert run(late_lists.build_draft(2026, 3)) is None
    assert [e["action"] for e in AuditEntry.select(AuditEntry.action).where(
        AuditEntry.entity == "late_list").order_by(AuditEntry.id).run_sync()] == [
        "late_list.drafted", "late_list.approved", "late_list.published"]


def test_an_approval_given_on_a_stale_page_is_refused(client, world):
    list_id = run(late_lists.build_draft(2026, 3))
    admin_session(client)
    review = client.get(f"/quan-tri/danh-sach-tre-han/{list_id}")
    seen = LateList.select(LateList.digest).first().run_sync()["digest"]
    # Meanwhile a late dossier is corrected and the worker refreshes the draft.
    run(Dossier.update({Dossier.finished_at: None, Dossier.due_at: None}).where(
        Dossier.id == world.ids["late"]).run())
    assert run(late_lists.build_draft(2026, 3)) == list_id
    response = client.post(f"/quan-tri/danh-sach-tre-han/{list_id}/duyet", data={
        "_csrf_token": csrf_from(review.text), "digest": seen, "da_ra_soat": "1"})
    assert response.status_code == 409 and "đã được lập lại" in response.text
    assert LateList.select(LateList.status).first().run_sync()["status"] == "draft"


def test_the_admin_builds_a_month_now_and_bad_months_are_refused(client, world):
    admin_session(client)
    page = client.get("/quan-tri/danh-sach-tre-han")
    token = csrf_from(page.text)
    built = client.post("/quan-tri/danh-sach-tre-han/lap",
                        data={"_csrf_token": token, "thang": "2026-03"}, follow_redirects=False)
    assert built.status_code == 303
    listing = client.get("/quan-tri/danh-sach-tre-han").text
    assert "Tháng 3/2026" in listing and "05/04/2026" in listing
    for bad, message in (("2026-13", "không hợp lệ"), ("2026-q1", "theo tháng"),
                         ("", "Vui lòng chọn tháng"), ("2099-01", "chưa kết thúc")):
        response = client.post("/quan-tri/danh-sach-tre-han/lap",
                               data={"_csrf_token": token, "thang": bad})
        assert response.status_code == 400 and message in response.text
    assert client.get("/danh-sach-tre-han/2026-x").status_code == 400
    assert "/quan-tri/danh-sach-tre-han" in client.get("/danh-sach-tre-han").text


def test_the_periodic_task_runs_in_the_worker(world, immediate_huey):
    from app.jobs.tables import JobRun
    from app.tasks.late_lists import late_lists_schedule

    late_lists_schedule()
    late_lists_schedule()
    assert LateList.count().run_sync() == 1  # last month's draft, once
    assert [r["status"] for r in JobRun.select().run_sync()] == ["succeeded", "succeeded"]
