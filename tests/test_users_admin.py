"""Administering staff accounts: scope (province vs. agency admin), every change audited with
who and why, disabling ends sessions at once, links sent through the notification outbox."""

from __future__ import annotations

import json

import pytest

from app.accounts import admin, logic
from app.accounts import service as accounts
from app.accounts.admin import AccountValues, AdminError
from app.accounts.roles import Role
from app.accounts.tables import SecondFactor, User, UserAgency, UserSession
from app.audit.tables import AuditEntry
from app.internal.logic import Ground
from app.notifications.tables import OutboxMessage
from tests import factories

pytestmark = pytest.mark.anyio


def test_who_may_manage_whom():
    assert logic.manage_refusal(Role.PROVINCIAL_ADMIN, (), Role.AUDITOR, ()) is None
    assert logic.manage_refusal(Role.AGENCY_ADMIN, (1,), Role.HANDLER, (1, 2)) is None
    assert "cơ quan mình" in logic.manage_refusal(Role.AGENCY_ADMIN, (1,), Role.HANDLER, (2,))
    assert "cơ quan mình" in logic.manage_refusal(Role.AGENCY_ADMIN, (1,),
                                                  Role.PROVINCIAL_ADMIN, (1,))
    assert "công dân" in logic.manage_refusal(Role.PROVINCIAL_ADMIN, (), Role.CITIZEN, ())
    assert "không có quyền" in logic.manage_refusal(Role.LEADER, (1,), Role.HANDLER, (1,))
    assert Role.AUDITOR not in logic.grantable_roles(Role.AGENCY_ADMIN)
    problems = logic.change_refusal(5, Role.AGENCY_ADMIN, (1,), None, Role.AUDITOR, (2,))
    assert set(problems) == {"role", "agencies"}
    assert "chính mình" in logic.change_refusal(5, Role.PROVINCIAL_ADMIN, (), 5, Role.HANDLER,
                                                (1,))["role"]
    assert set(logic.account_problems("Có Dấu", "", "x@", "")) == {"username", "full_name",
                                                                  "email"}


@pytest.fixture
async def world(db):
    a, b = await factories.agency("Sở A"), await factories.agency("Sở B")
    return {"a": a.id, "b": b.id,
            "province": await factories.staff(Role.PROVINCIAL_ADMIN),
            "agency_admin": await factories.staff(Role.AGENCY_ADMIN, [a.id])}


def values(username="nguyen.an", role=Role.HANDLER, agencies=(), **kw) -> AccountValues:
    return AccountValues(username=username, full_name="Nguyễn Văn An", role=role,
                         agencies=tuple(agencies), email=f"{username}@so.example.vn", **kw)


async def audit_of(user_id: int) -> list[dict]:
    return await AuditEntry.select(AuditEntry.action, AuditEntry.actor_id,
                                   AuditEntry.data).where(
        (AuditEntry.entity == "user") & (AuditEntry.entity_id == str(user_id))).order_by(
        AuditEntry.id)


async def test_create_sends_a_link_and_records_who_and_why(world):
    actor = world["agency_admin"]
    user_id = await admin.create(actor, values(agencies=[world["a"]]), "Công văn 12/STP")
    row = await User.select().where(User.id == user_id).first()
    assert row["role"] == "handler" and row["password_hash"] == "!chua-dat-mat-khau"
    [message] = await OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.body)
    assert message["recipient"] == "nguyen.an@so.example.vn"
    assert "/dat-mat-khau/" in message["body"]
    [created] = await audit_of(user_id)
    assert created["action"] == "user.created" and created["actor_id"] == actor.id
    assert json.loads(created["data"])["reason"] == "Công văn 12/STP"


async def test_agency_admin_stays_inside_its_agency(world):
    actor = world["agency_admin"]
    with pytest.raises(AdminError) as refused:
        await admin.create(actor, values(role=Role.AUDITOR, agencies=[world["b"]]), "Lý do rõ")
    assert set(refused.value.fields) == {"role", "agencies"}
    other = await admin.create(world["province"], values("tran.b", agencies=[world["b"]]),
                               "Tỉnh tạo")
    assert await admin.account(actor, other) is None
    assert [r["username"] for r in await admin.search(actor)] == [actor.username]
    with pytest.raises(AdminError, match="không quản trị"):
        await admin.disable(actor, other, Ground.TRANSFERRED, "Chuyển công tác")


async def test_edit_role_and_agencies_needs_a_reason_and_is_audited(world):
    province = world["province"]
    user_id = await admin.create(province, values(agencies=[world["a"]]), "Tạo mới")
    with pytest.raises(AdminError, match="lý do"):
        await admin.update(province, user_id, Role.LEADER, (world["b"],), "Nguyễn Văn An", "")
    await admin.update(province, user_id, Role.LEADER, (world["a"], world["b"]),
                       "Nguyễn Văn An", "Quyết định bổ nhiệm 45")
    assert (await User.select(User.role).where(User.id == user_id).first())["role"] == "leader"
    assert await UserAgency.count().where(UserAgency.user == user_id) == 2
    changed = (await audit_of(user_id))[-1]
    assert json.loads(changed["data"]) == {
        "role": ["handler", "leader"], "agencies": [[world["a"]], sorted([world["a"],
                                                                          world["b"]])],
        "reason": "Quyết định bổ nhiệm 45"}


async def test_disable_ends_every_session_at_once_and_enable_brings_it_back(world):
    province = world["province"]
    await accounts.create_user(username="dang.c", password="Abcdef12345", full_name="Đặng C",
                               role=Role.HANDLER, agency_ids=[world["a"]])
    user = await User.objects().where(User.username == "dang.c").first()
    token = await accounts.start_session(user, "127.0.0.1", "test")
    assert await accounts.load_session(token) is not None
    await admin.disable(province, user.id, Ground.RETIRED, "Nghỉ hưu từ 01/03/2026")
    assert await accounts.load_session(token) is None
    assert await UserSession.count().where(UserSession.revoked_at.is_null()) == 0
    with pytest.raises(accounts.AccountError):
        await accounts.authenticate("dang.c", "Abcdef12345", "127.0.0.1")
    await admin.enable(province, user.id, "Tuyển dụng lại")
    assert await accounts.authenticate("dang.c", "Abcdef12345", "127.0.0.2")
    with pytest.raises(AdminError, match="chính mình"):
        await admin.disable(province, province.id, Ground.REQUEST, "Thử tự khoá")


async def test_reset_second_factor_and_send_link(world):
    province = world["province"]
    user_id = await admin.create(province, values(agencies=[world["a"]]), "Tạo mới")
    await SecondFactor(user=user_id, secret="JBSWY3DPEHPK3PXP", created_at=factories.now_utc()
                       ).save()
    await admin.reset_second_factor(province, user_id, "Mất điện thoại")
    assert await SecondFactor.count() == 0
    await admin.send_link(province, user_id, "Quên mật khẩu")
    assert await OutboxMessage.count() == 2
    actions = [a["action"] for a in await audit_of(user_id)]
    assert actions[-3:] == ["second_factor.reset", "user.second_factor_reset_by_admin",
                            "user.password_link_sent"]


async def test_accounts_from_the_account_request_procedure_are_listed(world):
    from app.internal.logic import PENDING_PASSWORD_HASH

    # What app.internal._create_account writes when a request is approved.
    row = User(username="tu.quy.trinh", full_name="Lê Thị Dung", role="counter_officer",
               email="dung@so.example.vn", password_hash=PENDING_PASSWORD_HASH,
               created_at=factories.now_utc())
    await row.save()
    await UserAgency(user=row.id, agency=world["a"]).save()
    [found] = await admin.search(world["agency_admin"], "le thi dung")
    assert found["id"] == row.id and found["pending"] and found["agency_names"] == ["Sở A"]
