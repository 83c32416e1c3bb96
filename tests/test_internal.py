"""Internal procedures: an agency's account request through the workflow, revocation,
one-time set-password links, the accounts page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User, UserSession
from app.catalog.tables import Procedure, ProcedureStep
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier
from app.internal import logic
from app.internal import service as internal
from app.internal.logic import Ground, Kind, Person, System
from app.internal.tables import AccountChange, AccountRequestPerson, SetPasswordToken
from app.workflow import Action, TransitionError
from app.workflow.service import perform
from tests import factories
from tests.conftest import login, post_form, run
from tests.signing_world import signing  # noqa: F401  (fixture)

NOW = factories.now_utc()


def person(n: int = 1, **kw) -> Person:
    values = dict(full_name=f"Cán bộ {n}", position="Chuyên viên", unit="Phòng Hành chính",
                  email=f"canbo{n}@sotuphap.example.vn", phone="0905000111",
                  reason="Được phân công nhập báo cáo", role=Role.HANDLER.value)
    return Person(**{**values, **kw})


# -- pure rules ----------------------------------------------------------------------------


def test_person_problems_name_each_field():
    bad = Person(full_name="", position="", unit="", email="x", phone="123", reason="")
    problems = logic.person_problems(bad, System.REPORTING, Kind.GRANT)
    assert set(problems) == {"full_name", "position", "unit", "email", "phone", "reason",
                             "role"}
    revoke = logic.person_problems(person(ground="?"), System.REPORTING, Kind.REVOKE)
    assert set(revoke) == {"ground"}
    assert logic.person_problems(person(role=""), System.DOCUMENTS, Kind.GRANT) == {}


def test_usernames_unique_and_tokens_hashed():
    assert logic.username_for("Nguyen.An@x.vn", {"nguyen.an"}) == "nguyen.an2"
    assert logic.username_for("@x.vn", set()) == "canbo"
    token, digest = logic.new_token()
    assert digest == logic.token_hash(token) != token and len(digest) == 64


def test_token_problems_and_staff_password_rules():
    later = NOW + timedelta(hours=1)
    assert logic.token_problem(NOW, later, None, NOW) is None
    assert "hết hạn" in logic.token_problem(NOW, later, None, later)
    assert "đã được sử dụng" in logic.token_problem(NOW, later, NOW, NOW)
    assert logic.staff_password_problems("abc12345", "abc12345", "u")[0].startswith(
        "Mật khẩu phải có ít nhất 10")
    assert logic.staff_password_problems("abcd123456", "abcd123456", "u") == []
    assert "không khớp" in logic.staff_password_problems("abcd123456", "x", "u")[-1]


# -- through the workflow ------------------------------------------------------------------


async def office_world(signing=None):  # noqa: F811
    """The Provincial Office with its internal procedure (4 steps), its counter officer
    and leader, and a requesting agency with its admin. With `signing`, the server holds
    the leader's signing key (an approved request's result is signed, tests/signing_world)."""
    office = await factories.agency("Văn phòng UBND tỉnh")
    agency = await factories.agency("Sở Tư pháp")
    procedure = await factories.procedure(office, "Cấp phát, thu hồi tài khoản")
    await Procedure.update({Procedure.code: "NB.H55.01", Procedure.internal: True}).where(
        Procedure.id == procedure.id)
    for n, role in enumerate(("counter_officer", "handler", "leader", "counter_officer"), 1):
        await ProcedureStep(procedure=procedure.id, position=n, name=f"Bước {n}", role=role,
                            allotted_hours=4).save()
    users = {}
    for name, role, where in (("vanthu", Role.COUNTER_OFFICER, office),
                              ("lanhdao", Role.LEADER, office),
                              ("quantri", Role.AGENCY_ADMIN, agency)):
        user = await accounts.create_user(username=name, password="Noibo2026xyz",
                                          full_name=name, role=role, agency_ids=[where.id])
        token = await accounts.start_session(user, "127.0.0.1", "test")
        users[name] = await accounts.load_session(token)
    if signing is not None:
        await signing.give_key("lanhdao", "Lãnh đạo Văn phòng")
    return office, agency, procedure, users


async def submitted(kind: str, people: list[Person], signing=None):  # noqa: F811
    office, agency, procedure, users = await office_world(signing)
    dossier_id = await internal.submit_request(users["quantri"], procedure.id, kind,
                                               "15/STP-VP", people)
    await perform(dossier_id, users["vanthu"], Action.ACCEPT)
    await perform(dossier_id, users["lanhdao"], Action.FORWARD)
    return dossier_id, agency, users


def test_submission_is_a_new_online_dossier_of_the_office(db):
    async def go():
        office, agency, procedure, users = await office_world()
        dossier_id = await internal.submit_request(users["quantri"], procedure.id, "cap",
                                                   "", [person(1), person(2)])
        row = await Dossier.select().where(Dossier.id == dossier_id).first()
        assert (row["status"], row["agency"], row["channel"]) == (1, office.id, 2)
        assert row["applicant_name"] == "Sở Tư pháp"
        with pytest.raises(internal.InternalError, match="Người thứ 1"):
            await internal.submit_request(users["quantri"], procedure.id, "cap", "",
                                          [person(1, email="sai")])
        with pytest.raises(internal.InternalError, match="cấp hay thu hồi"):
            await internal.submit_request(users["quantri"], procedure.id, "", "", [person()])
        await perform(dossier_id, users["vanthu"], Action.ACCEPT)
        due = (await Dossier.select(Dossier.due_at).where(Dossier.id == dossier_id).first())
        assert due["due_at"] is not None  # the procedure's time limit, from acceptance
    run(go())


def test_revocation_request_approved_ends_sessions_and_flags_dossiers(signing):  # noqa: F811
    async def go():
        office, agency, procedure, users = await office_world(signing)
        officer = await accounts.create_user(
            username="chuyenvien", password="Noibo2026xyz", full_name="Võ Thị Mai",
            role=Role.HANDLER, agency_ids=[agency.id], email="mai@stp.example.vn")
        token = await accounts.start_session(officer, "127.0.0.1", "test")
        other = await factories.procedure(agency)
        open_dossier = await factories.dossier(other)
        await Dossier.update({Dossier.assignee: officer.id}).where(
            Dossier.id == open_dossier.id)
        dossier_id = await internal.submit_request(
            users["quantri"], procedure.id, "thu_hoi", "",
            [person(email="mai@stp.example.vn", ground=Ground.RETIRED.value)])
        await perform(dossier_id, users["vanthu"], Action.ACCEPT)
        await perform(dossier_id, users["lanhdao"], Action.FORWARD)
        await internal.decide(dossier_id, users["lanhdao"], approve=True)
        assert await accounts.load_session(token) is None
        user = await User.select(User.active).where(User.id == officer.id).first()
        assert user["active"] is False
        change = await AccountChange.select().where(AccountChange.user == officer.id).first()
        assert (change["kind"], change["ground"], change["open_dossiers"]) == (
            "thu_hoi", "nghi_huu", 1)
        status = await Dossier.select(Dossier.status).where(Dossier.id == dossier_id).first()
        assert status["status"] == Status.PROCESSED  # result recorded, steps finished
        with pytest.raises(accounts.AccountError):
            await accounts.authenticate("chuyenvien", "Noibo2026xyz", "127.0.0.1")
        page = await internal.accounts_page(users["quantri"], agency.id)
        assert [d["id"] for d in page["flagged"]] == [open_dossier.id]
        with pytest.raises(internal.InternalError, match="đã được quyết định"):
            await internal.decide(dossier_id, users["lanhdao"], approve=True)
    run(go())


def test_refusal_needs_a_reason_and_stops_the_dossier(db):
    async def go():
        dossier_id, _, users = await submitted("cap", [person()])
        with pytest.raises(internal.InternalError, match="lý do"):
            await internal.decide(dossier_id, users["lanhdao"], approve=False)
        await internal.decide(dossier_id, users["lanhdao"], approve=False,
                              reason="Thiếu chữ ký")
        row = await Dossier.select(Dossier.status).where(Dossier.id == dossier_id).first()
        assert row["status"] == Status.STOPPED
        assert not await User.exists().where(User.email == "canbo1@sotuphap.example.vn")
    run(go())


def test_only_the_admin_of_the_agency_revokes_directly(db):
    async def go():
        office, agency, procedure, users = await office_world()
        with pytest.raises(internal.InternalError, match="cơ quan mình"):
            await internal.revoke_account(users["vanthu"].id, users["quantri"],
                                          Ground.TRANSFERRED)
        province = await accounts.create_user(username="tinh", password="Noibo2026xyz",
                                              full_name="Tỉnh", role=Role.PROVINCIAL_ADMIN)
        admin = await accounts.load_session(
            await accounts.start_session(province, "127.0.0.1", "test"))
        await internal.revoke_account(users["vanthu"].id, admin, Ground.LONG_LEAVE)
        assert not (await User.select(User.active).where(
            User.id == users["vanthu"].id).first())["active"]
        assert await UserSession.count().where(
            (UserSession.user == users["vanthu"].id) & UserSession.revoked_at.is_null()) == 0
        with pytest.raises(internal.InternalError, match="đã bị thu hồi"):
            await internal.revoke_account(users["vanthu"].id, users["lanhdao"],
                                          Ground.RETIRED, check_scope=False)
    run(go())


def test_set_password_link_is_single_use_and_enforces_rules(client):
    async def make():
        user = await accounts.create_user(username="moi", password="Tam2026xyzab",
                                          full_name="Người mới", role=Role.HANDLER)
        await User.update({User.password_hash: logic.PENDING_PASSWORD_HASH}).where(
            User.id == user.id)
        path = await internal.issue_set_password_link(user.id)
        expired = await internal.issue_set_password_link(user.id)
        await SetPasswordToken.update({SetPasswordToken.expires_at: NOW}).where(
            SetPasswordToken.token_hash == logic.token_hash(expired.rsplit("/", 1)[1]))
        return path, expired

    path, expired = run(make())
    assert SetPasswordToken.select(SetPasswordToken.token_hash).run_sync()[0][
        "token_hash"] != path.rsplit("/", 1)[1]
    assert client.get(expired).status_code == 404
    short = post_form(client, path, path, {"password": "abc12345", "confirm": "abc12345"})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.text
    ok = post_form(client, path, path, {"password": "Matkhau2026", "confirm": "Matkhau2026"})
    assert ok.status_code == 200 and "moi" in ok.text
    assert client.get(path).status_code == 404  # used up
    login(client, "moi", "Matkhau2026")


def test_request_form_and_pages(client):
    office, agency, procedure, users = run(office_world())
    login(client, "quantri", "Noibo2026xyz")
    page = "/noi-bo/de-nghi/moi"
    bad = post_form(client, page, page, {"procedure_id": str(procedure.id), "kind": "cap",
                                         "full_name_1": "Lê Văn Bảy"})
    assert bad.status_code == 400 and "Người thứ 1" in bad.text and "Lê Văn Bảy" in bad.text
    fields = {f"{k}_1": getattr(person(), k) for k in ("full_name", "position", "unit", "email",
                                                 "phone", "reason", "role")}
    done = post_form(client, page, page, {"procedure_id": str(procedure.id), "kind": "cap",
                                          **fields})
    assert done.status_code == 200 and "Đã gửi đề nghị" in done.text
    assert AccountRequestPerson.count().run_sync() == 1
    accounts_page = client.get("/noi-bo/tai-khoan")
    assert accounts_page.status_code == 200 and "quantri" in accounts_page.text


def test_grant_approved_creates_scoped_accounts_and_sends_links_not_passwords(
        client, signing):  # noqa: F811
    async def go():
        dossier_id, agency, users = await submitted(
            "cap", [person(1), person(2, role=Role.LEADER.value, phone="")], signing)
        await internal.decide(dossier_id, users["lanhdao"], approve=True)
        return dossier_id, agency

    dossier_id, agency = run(go())
    created = User.select(User.username, User.role, User.password_hash).where(
        User.email.like("canbo%")).order_by(User.username).run_sync()
    assert [(u["username"], u["role"]) for u in created] == [("canbo1", "handler"),
                                                             ("canbo2", "leader")]
    assert all(u["password_hash"] == logic.PENDING_PASSWORD_HASH for u in created)
    from app.notifications.tables import OutboxMessage

    messages = OutboxMessage.select().where(OutboxMessage.event == "set_password").run_sync()
    assert sorted(m["channel"] for m in messages) == ["email", "email", "sms"]
    import re

    mail = next(m for m in messages if m["recipient"] == "canbo1@sotuphap.example.vn")
    path = re.search(r"/dat-mat-khau/[\w-]+", mail["body"]).group(0)
    assert "Matkhau" not in mail["body"]
    post_form(client, path, path, {"password": "Canbo2026xyz", "confirm": "Canbo2026xyz"})
    login(client, "canbo1", "Canbo2026xyz")
    status = Dossier.select(Dossier.status).where(Dossier.id == dossier_id).run_sync()
    assert status[0]["status"] == Status.PROCESSED
    history = AccountChange.select().where(AccountChange.agency == agency.id).run_sync()
    assert {h["account_name"] for h in history} == {"canbo1", "canbo2"}


def test_document_system_grant_records_the_account_and_who_handed_it_over(
        signing):  # noqa: F811
    async def go():
        office, agency, procedure, users = await office_world(signing)
        await Procedure.update({Procedure.code: "NB.H55.02"}).where(
            Procedure.id == procedure.id)
        dossier_id = await internal.submit_request(users["quantri"], procedure.id, "", "",
                                                   [person(role="")])
        await perform(dossier_id, users["vanthu"], Action.ACCEPT)
        await perform(dossier_id, users["lanhdao"], Action.FORWARD)
        (listed,) = await AccountRequestPerson.select(AccountRequestPerson.id)
        with pytest.raises(internal.InternalError, match="đã được phê duyệt"):
            await internal.record_handover(dossier_id, listed["id"], "canbo1.stp",
                                           "Đoàn Thị Lan", users["vanthu"])
        await internal.decide(dossier_id, users["lanhdao"], approve=True)
        assert not await User.exists().where(User.email == "canbo1@sotuphap.example.vn")
        with pytest.raises(internal.InternalError, match="người bàn giao"):
            await internal.record_handover(dossier_id, listed["id"], "", "", users["vanthu"])
        await internal.record_handover(dossier_id, listed["id"], "canbo1.stp",
                                       "Đoàn Thị Lan", users["vanthu"])
        row = await AccountRequestPerson.select().where(
            AccountRequestPerson.id == listed["id"]).first()
        assert (row["external_username"], row["handed_over_by"]) == ("canbo1.stp",
                                                                     "Đoàn Thị Lan")
        change = await AccountChange.select().where(AccountChange.system == "qlvb").first()
        assert (change["kind"], change["account_name"]) == ("cap", "canbo1.stp")
        with pytest.raises(internal.InternalError, match="đã được ghi nhận"):
            await internal.record_handover(dossier_id, listed["id"], "x", "y", users["vanthu"])
    run(go())


def test_approval_without_the_leaders_signing_key_carries_out_nothing(signing):  # noqa: F811
    async def go():
        dossier_id, agency, users = await submitted("cap", [person(1)])  # no key given
        with pytest.raises(TransitionError, match="Máy chủ không giữ khóa ký số"):
            await internal.decide(dossier_id, users["lanhdao"], approve=True)
        assert not await User.exists().where(User.email == "canbo1@sotuphap.example.vn")
        assert await AccountChange.count() == 0
        row = await Dossier.select(Dossier.status, Dossier.approved).where(
            Dossier.id == dossier_id).first()
        assert (row["status"], row["approved"]) == (Status.PROCESSING, False)
    run(go())
