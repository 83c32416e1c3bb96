"""The late list's reminder to the provincial admins (a draft still unapproved on the 4th
and the 5th) through the notification outbox, delivered by the sandbox provider; and the
auditors' read-only view of drafts."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit.tables import AuditEntry
from app.late_lists import logic
from app.late_lists import service as late_lists
from app.late_lists.tables import LateList
from app.notifications.service import deliver_pending
from app.notifications.tables import OutboxMessage, SandboxMessage
from tests.conftest import csrf_from, run
from tests.service_index_world import build


def test_a_draft_is_brought_up_on_the_4th_and_the_5th_only():
    due = date(2026, 4, 5)
    assert [logic.reminds_on(date(2026, 4, d), due, "draft") for d in (3, 4, 5, 6)] == [
        False, True, True, False]
    assert not logic.reminds_on(date(2026, 4, 4), due, "approved")
    assert not logic.reminds_on(date(2026, 4, 5), due, "published")


async def _person(username: str, role: Role, email: str = "", phone: str = "",
                  active: bool = True) -> None:
    user = await accounts.create_user(username=username, password="abc12345",
                                      full_name=f"Người {username}", role=role, agency_ids=[])
    await User.update({User.email: email, User.phone: phone, User.active: active}).where(
        User.id == user.id)


@pytest.fixture
def office(db):
    async def make():
        await build()
        await _person("tinh.a", Role.PROVINCIAL_ADMIN, "a@quangngai.gov.vn", "0905111222")
        await _person("tinh.b", Role.PROVINCIAL_ADMIN, email="b@quangngai.gov.vn")
        await _person("tinh.cu", Role.PROVINCIAL_ADMIN, "cu@quangngai.gov.vn", active=False)
        await _person("tinh.c", Role.PROVINCIAL_ADMIN)  # nobody to reach
        await _person("thanhtra", Role.AUDITOR, "tt@quangngai.gov.vn", "0905333444")
    run(make())


def reminders() -> int:
    return AuditEntry.count().where(AuditEntry.action == "late_list.reminded").run_sync()


@pytest.mark.anyio
async def test_admins_are_reminded_once_a_day_until_it_is_approved(office):
    assert (await late_lists.run_schedule(date(2026, 4, 3)))["reminded"] == 0
    assert (await late_lists.run_schedule(date(2026, 4, 4)))["reminded"] == 3
    assert (await late_lists.run_schedule(date(2026, 4, 4)))["reminded"] == 0  # hourly again
    assert reminders() == 1
    rows = await OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.channel)
    assert sorted((r["channel"], r["recipient"]) for r in rows) == [
        ("email", "a@quangngai.gov.vn"), ("email", "b@quangngai.gov.vn"),
        ("sms", "0905111222")]  # not the former admin, not the auditor
    assert (await deliver_pending())["delivered"] == 3
    mail = await SandboxMessage.select().where(
        SandboxMessage.recipient == "a@quangngai.gov.vn").first()
    list_id = (await LateList.select(LateList.id).first())["id"]
    assert mail["subject"] == "Danh sách trễ hạn tháng 3/2026 chờ duyệt"
    assert "Kính gửi Người tinh.a" in mail["body"] and "Hạn công bố: 05/04/2026" in mail["body"]
    assert f"{logic.ADMIN_PATH}/{list_id}" in mail["body"]
    sms = await SandboxMessage.select().where(SandboxMessage.channel == "sms").first()
    assert sms["body"].startswith("Danh sach tre han thang 3/2026 chua duoc duyet")
    assert (await late_lists.run_schedule(date(2026, 4, 5)))["reminded"] == 3
    admin = await User.select(User.id).where(User.username == "tinh.a").first()
    digest = (await LateList.select(LateList.digest).first())["digest"]
    await late_lists.approve(list_id, digest, admin["id"])
    await OutboxMessage.delete(force=True)
    done = await late_lists.run_schedule(date(2026, 4, 5))
    assert done["reminded"] == 0 and done["published"] == [list_id]
    assert reminders() == 2


def test_an_auditor_reads_a_draft_but_cannot_build_or_approve_it(client):
    run(build())
    auditor = run(accounts.create_user(username="thanhtra", password="abc12345",
                                       full_name="Thanh tra tỉnh", role=Role.AUDITOR,
                                       agency_ids=[]))
    client.cookies.set("motcua_session", run(_session(auditor)))
    list_id = run(late_lists.build_draft(2026, 3))
    listing = client.get(logic.ADMIN_PATH)
    assert listing.status_code == 200 and "Tháng 3/2026" in listing.text
    assert "Chế độ chỉ xem" in listing.text and "Lập bản nháp</button>" not in listing.text
    review = client.get(f"{logic.ADMIN_PATH}/{list_id}")
    assert review.status_code == 200 and "Sở Tư pháp" in review.text
    assert "Duyệt và công bố" not in review.text and "Chế độ chỉ xem" in review.text
    token = csrf_from(review.text)  # the sign-out form carries it
    digest = LateList.select(LateList.digest).first().run_sync()["digest"]
    approve = client.post(f"{logic.ADMIN_PATH}/{list_id}/duyet", data={
        "_csrf_token": token, "digest": digest, "da_ra_soat": "1"})
    assert approve.status_code == 403
    built = client.post(f"{logic.ADMIN_PATH}/lap", data={"_csrf_token": token,
                                                          "thang": "2026-02"})
    assert built.status_code == 403
    assert LateList.select(LateList.status).first().run_sync()["status"] == "draft"
    assert LateList.count().run_sync() == 1


async def _session(user) -> str:
    return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "test"))
