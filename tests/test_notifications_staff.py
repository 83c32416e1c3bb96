"""The deadline watch tells the assignee and the unit's leaders, once, and opens an apology
task that closes when the apology is recorded."""

from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.counter.service import receive
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.notifications.staff import notices_for
from app.notifications.tables import StaffNotice
from app.workflow import Action
from app.workflow.service import perform
from app.workflow.watch import watch_deadlines
from tests import factories
from tests.conftest import login, run
from tests.test_counter_and_workflow import office, reception, staff  # noqa: F401

pytestmark = pytest.mark.anyio


async def notices():
    rows = await StaffNotice.select(StaffNotice.user.username.as_alias("who"), StaffNotice.kind,
                                    StaffNotice.done_at).order_by(StaffNotice.id)
    return sorted((r["who"], r["kind"], r["done_at"] is not None) for r in rows)


@pytest.mark.clock
async def test_overdue_notifies_assignee_and_leader_and_opens_apology_task(office):  # noqa: F811
    other = await factories.agency("Sở Y tế")
    await staff(Role.LEADER, other.id, "lanhdao-khac")  # another unit's leader hears nothing
    dossier_id = await receive(office["counter"], office["procedure"].id, reception(office))
    await perform(dossier_id, office["counter"], Action.FORWARD, assignee_id=office["handler"].id)
    await Dossier.update({Dossier.due_at: now_utc() - timedelta(hours=1)}).where(
        Dossier.id == dossier_id)

    await watch_deadlines()
    await watch_deadlines()  # a second run adds nothing
    assert await notices() == [
        ("lanhdao", "apology_task", False), ("lanhdao", "overdue", False),
        ("thuly", "apology_task", False), ("thuly", "overdue", False)]
    mine = await notices_for(office["handler"].id)
    assert [n["kind"] for n in mine] == ["apology_task", "overdue"]
    assert mine[0]["label"] == "Cần lập phiếu xin lỗi và hẹn lại ngày trả kết quả"

    await perform(dossier_id, office["handler"], Action.RECORD_APOLOGY,
                  new_due_at=now_utc() + timedelta(days=7), reason="Chờ ý kiến Sở Xây dựng")
    assert await notices() == [
        ("lanhdao", "apology_task", True), ("lanhdao", "overdue", False),
        ("thuly", "apology_task", True), ("thuly", "overdue", False)]
    assert [n["kind"] for n in await notices_for(office["handler"].id)] == ["overdue"]


def test_dashboard_lists_the_officers_notices(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp")
        user = await accounts.create_user(username="lanhdao", password="abc12345",
                                          full_name="Lãnh đạo", role=Role.LEADER,
                                          agency_ids=[agency.id])
        dossier = await factories.dossier(await factories.procedure(agency))
        await Dossier.update({Dossier.due_at: now_utc() + timedelta(minutes=30)}).where(
            Dossier.id == dossier.id)
        await watch_deadlines()
        return user, dossier

    _, dossier = run(make())
    login(client, "lanhdao", "abc12345")
    page = client.get("/can-bo").text
    assert "Thông báo cho bạn" in page
    assert f"Sắp đến hạn trả kết quả</strong>: <a href=\"/can-bo/ho-so/{dossier.id}\">" in page
