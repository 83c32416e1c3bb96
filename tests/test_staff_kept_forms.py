"""Staff forms come back filled in after a CSRF failure or an ended session, as citizen
forms do (issue #17's kept forms; #16 asked for every staff form to keep what was typed):
feedback handling, calendar, internal procedure decisions, catalogue editor, users admin,
organisation admin. Only the form that was sent is refilled; passwords, one-time codes and
files never are; nothing is saved by the refused post."""

from __future__ import annotations

import re

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User, UserSession
from app.calendar.tables import CalendarOverride
from app.directory.tables import AdminUnit, AgencySigner
from app.feedback import service as feedback
from app.web.kept_forms import STORE, is_secret
from tests import factories
from tests.conftest import csrf_from, login, run
from tests.test_internal import office_world

SITE = "http://testserver.local"
PASSWORD = "Quantri2026x"


@pytest.fixture(autouse=True)
def empty_store():
    STORE.clear()
    yield
    STORE.clear()


@pytest.fixture
def office(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp")
        unit = AdminUnit(code="51", name="Tỉnh Quảng Ngãi", level="tinh", level_name="Tỉnh",
                         era="2025", depth=0)
        await unit.save()
        admin = await accounts.create_user(username="tinh", password=PASSWORD,
                                           full_name="Quản trị tỉnh",
                                           role=Role.PROVINCIAL_ADMIN)
        other = await factories.staff(Role.HANDLER, [agency.id], "thuly.a")
        return {"agency": agency.id, "unit": unit.id, "admin": admin.id, "other": other.id}

    world = run(make())
    login(client, "tinh", PASSWORD)
    return world


def refused(client, page: str, action: str, data: dict, *, drop: str = "csrf"):
    """Open `page`, lose the form cookie (or the session), post its form: sent back."""
    token = csrf_from(client.get(page).text)
    if drop == "csrf":
        client.cookies.delete("motcua_csrf")
    else:
        run(UserSession.update({UserSession.expires_at: UserSession.created_at},
                               force=True).run())
    answer = client.post(action, data={**data, "_csrf_token": token}, follow_redirects=False,
                         headers={"origin": SITE, "referer": SITE + page})
    assert answer.status_code == 303, (action, answer.status_code)
    return answer.headers["location"]


def refilled(client, page: str) -> str:
    text = client.get(page).text
    assert "Chưa gửi được" in text and "điền lại dưới đây" in text, page
    return text


def test_calendar_day_off_comes_back_filled_in(client, office):
    page = "/quan-tri/lich-lam-viec"
    back = refused(client, page, page + "/ngay", {"day": "15/06/2026", "kind": "off",
                                                  "reason": "Nghỉ theo Thông báo 12/TB-UBND"})
    assert back == page
    text = refilled(client, page)
    assert 'value="15/06/2026"' in text and 'value="Nghỉ theo Thông báo 12/TB-UBND"' in text
    assert re.search(r'name="kind" value="off"[^>]* checked', text)
    assert CalendarOverride.count().run_sync() == 0


def test_new_account_keeps_its_ticked_agencies_but_never_a_password(client, office):
    page = "/quan-tri/nguoi-dung/moi"
    refused(client, page, page, {"username": "le.binh", "full_name": "Lê Văn Bình",
                                 "email": "binh@so.example.vn", "role": "handler",
                                 "agencies": str(office["agency"]), "reason": "Nhận công tác",
                                 "password": "khong-giu-lai"})
    text = refilled(client, page)
    assert 'value="le.binh"' in text and 'value="Nhận công tác"' in text
    assert re.search(rf'name="agencies" value="{office["agency"]}" checked', text)
    assert '<option value="handler" selected>' in text and "khong-giu-lai" not in text
    assert User.count().where(User.username == "le.binh").run_sync() == 0


def test_only_the_account_form_that_was_sent_gets_its_reason_back(client, office):
    page = f"/quan-tri/nguoi-dung/{office['other']}"
    refused(client, page, page + "/vo-hieu", {"ground": "chuyen_cong_tac",
                                              "reason": "Chuyển công tác từ 01/07"})
    text = refilled(client, page)
    assert text.count("Chuyển công tác từ 01/07") == 1
    assert re.search(r'id="reason_disable" name="reason"[^>]*value="Chuyển công tác từ 01/07"',
                     text)
    assert '<option value="chuyen_cong_tac" selected>' in text
    assert re.search(r'id="reason" name="reason"[^>]*value=""', text)  # the main form: empty


def test_a_form_on_a_page_a_post_drew_goes_back_to_its_page(client, office):
    """An error shown again lives at the post's address, which cannot be opened: the form
    sent from there comes back to the account's page."""
    page = f"/quan-tri/nguoi-dung/{office['other']}"
    error = client.post(page + "/vo-hieu", data={
        "ground": "chuyen_cong_tac", "reason": "", "_csrf_token": csrf_from(client.get(page).text)})
    assert error.status_code == 400
    client.cookies.delete("motcua_csrf")
    answer = client.post(page + "/vo-hieu", data={
        "ground": "nghi_huu", "reason": "Nghỉ hưu", "_csrf_token": csrf_from(error.text)},
        headers={"origin": SITE, "referer": SITE + page + "/vo-hieu"}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, page)
    assert 'value="Nghỉ hưu"' in refilled(client, page)


def test_draft_editor_keeps_an_unticked_method_unticked(client, office):
    created = client.post("/quan-tri/thu-tuc/moi", data={
        "_csrf_token": csrf_from(client.get("/quan-tri/thu-tuc").text)}, follow_redirects=False)
    editor = created.headers["location"]
    typed = {"code": "1.009999", "name": "Cấp giấy phép thử", "level": "tinh",
             "subjects": "Tổ chức, cá nhân", "method_in_person": "1",
             "time_limit_amount": "7", "time_limit_unit": "working_days",
             "comp_1_name": "Đơn đề nghị", "comp_1_kind": "original", "comp_1_quantity": "2"}
    saved = client.post(editor, data={**typed, "method_online": "1", "_csrf_token": csrf_from(
        client.get(editor).text)}, follow_redirects=False)
    assert saved.status_code == 303
    assert re.search(r'name="method_online" value="1" checked', client.get(editor).text)
    refused(client, editor, editor, {**typed, "name": "Cấp giấy phép thử (sửa)"})
    text = refilled(client, editor)
    for value in ("1.009999", "Cấp giấy phép thử (sửa)", "Đơn đề nghị"):
        assert f'value="{value}"' in text, value
    assert ">Tổ chức, cá nhân</textarea>" in text
    assert re.search(r'name="method_in_person" value="1" checked', text)
    assert not re.search(r'name="method_online" value="1" checked', text)  # unticked stays


def test_agency_signer_and_unit_merge_come_back_in_their_own_forms(client, office):
    page = f"/quan-tri/co-quan/{office['agency']}"
    refused(client, page, page + "/nguoi-ky", {"signer_name": "Đinh Văn Tâm",
                                               "signer_title": "Giám đốc"})
    text = refilled(client, page)
    assert 'value="Đinh Văn Tâm"' in text and 'value="Giám đốc"' in text
    assert 'value="Sở Tư pháp"' in text  # the agency's own form keeps what is stored
    assert AgencySigner.count().run_sync() == 0
    unit = f"/quan-tri/don-vi-hanh-chinh/{office['unit']}"
    refused(client, unit, unit + "/sap-nhap", {"merge_on": "01/07/2025", "reason": "Sắp xếp",
                                               "move_agencies": "1"})
    text = refilled(client, unit)
    assert 'value="01/07/2025"' in text and 'name="move_agencies" value="1" checked' in text


def test_an_ended_staff_session_keeps_the_form_through_the_login(client, office):
    page = "/quan-tri/don-vi-hanh-chinh"
    back = refused(client, page, page, {"code": "99", "name": "Xã Thử", "level": "xa",
                                        "era": "2025"}, drop="session")
    assert back.startswith("/dang-nhap?het_phien=1&next=")
    assert "Phiên đăng nhập đã hết hạn" in client.get(back).text
    login(client, "tinh", PASSWORD)  # password, then the second factor
    text = refilled(client, page)
    assert "Phiên đăng nhập đã hết hạn" in text and 'value="Xã Thử"' in text
    assert AdminUnit.count().where(AdminUnit.name == "Xã Thử").run_sync() == 0


def test_internal_decision_and_feedback_handling_come_back(client):
    async def make():
        office_row, agency, procedure, users = await office_world()
        from app.internal import service as internal
        from tests.test_internal import person, to_the_leader

        dossier_id = await internal.submit_request(users["quantri"], procedure.id, "cap",
                                                   "15/STP-VP", [person()])
        await to_the_leader(dossier_id, users)
        return dossier_id, accounts.cookie_value(users["lanhdao"].session_token)

    dossier_id, cookie = run(make())
    client.cookies.set("motcua_session", cookie)
    page = f"/noi-bo/de-nghi/{dossier_id}"
    refused(client, page, page + "/quyet-dinh", {"decision": "refuse",
                                                 "reason": "Thiếu chữ ký thủ trưởng"})
    assert 'value="Thiếu chữ ký thủ trưởng"' in refilled(client, page)

    async def feedback_world():
        agency = await factories.agency("Sở Y tế")
        citizen = await factories.staff(Role.CITIZEN, [], "congdan.fb")
        fid = await feedback.submit(citizen, {"title": "Chờ lâu", "content": "Chờ quá lâu.",
                                              "agency_id": str(agency.id),
                                              "agree_publish": "1"})
        leader = await accounts.create_user(username="tinh.fb", password=PASSWORD,
                                            full_name="Quản trị", role=Role.PROVINCIAL_ADMIN)
        return fid, agency.id, accounts.cookie_value(
            await accounts.start_session(leader, "ip", "t"))

    fid, agency_id, cookie = run(feedback_world())
    client.cookies.set("motcua_session", cookie)
    page = f"/can-bo/phan-anh/{fid}"
    refused(client, page, page + "/xu-ly", {"move": "route", "category": "kien_nghi",
                                            "agency_id": str(agency_id)})
    text = refilled(client, page)
    assert '<option value="kien_nghi" selected>' in text
    assert f'<option value="{agency_id}" selected>' in text


def test_secrets_are_never_kept():
    for name in ("password", "password_confirm", "new_password", "passphrase"):
        assert is_secret(name, "/quan-tri/nguoi-dung/moi")
    assert is_secret("code", "/dang-nhap/xac-thuc")
    assert is_secret("code", "/quen-mat-khau/abc")
    assert not is_secret("code", "/quan-tri/thu-tuc/ban-nhap/3")  # a procedure's code
    assert not is_secret("reason", "/dang-nhap/xac-thuc")
