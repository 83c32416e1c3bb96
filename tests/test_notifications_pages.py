"""Staff pages: failed messages with a resend, and the provincial admin's templates."""

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit import service as audit
from app.db import write_transaction
from app.notifications.api import Event, notify_applicant, notify_contact
from app.notifications.service import deliver_pending
from app.notifications.tables import NotificationTemplate, OutboxMessage
from tests import factories
from tests.conftest import csrf_from, login, post_form, run


def make_world():
    async def make():
        mine, other = await factories.agency("Sở Tư pháp"), await factories.agency("Sở Y tế")
        for username, role, agency in (("admin", Role.PROVINCIAL_ADMIN, None),
                                       ("motcua", Role.COUNTER_OFFICER, mine),
                                       ("khac", Role.COUNTER_OFFICER, other)):
            await accounts.create_user(username=username, password="abc12345",
                                       full_name=username, role=role,
                                       agency_ids=[agency.id] if agency else [])
        dossier = await factories.dossier(await factories.procedure(mine), phone="0998123456")
        async with write_transaction():
            await notify_applicant(dossier.id, Event.RECEIVED)
            await notify_contact(Event.SET_PASSWORD, phone="0998000000",
                                 values={"link": "http://x/mat-khau/SECRET"})
            await notify_contact(Event.VERIFY_CODE, phone="0998000001",
                                 values={"code": "424242"})
        await deliver_pending()  # the sandbox: 0998… is an unknown subscriber
        return dossier

    return run(make())


def test_failed_messages_are_listed_in_scope_and_resent(client):
    dossier = make_world()
    login(client, "motcua", "abc12345")
    page = client.get("/quan-tri/thong-bao")
    assert page.status_code == 200
    assert dossier.code in page.text and "Thuê bao hoặc hộp thư không tồn tại" in page.text
    assert "SECRET" not in page.text and "0998000000" not in page.text  # contact: province only
    (message_id,) = [r["id"] for r in OutboxMessage.select(OutboxMessage.id).where(
        OutboxMessage.dossier == dossier.id).run_sync()]
    done = post_form(client, "/quan-tri/thong-bao", f"/quan-tri/thong-bao/{message_id}/gui-lai",
                     {}, follow_redirects=False)
    assert done.status_code == 302 and done.headers["location"].endswith(
        f"?da_gui_lai={message_id}")
    row = OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts).where(
        OutboxMessage.id == message_id).first().run_sync()
    assert (row["status"], row["attempts"]) == ("created", 0)  # queued again from the start
    assert run(audit.verify()) == []

    client.cookies.clear()
    login(client, "khac", "abc12345")
    assert dossier.code not in client.get("/quan-tri/thong-bao").text
    token = csrf_from(client.get("/quan-tri/thong-bao").text)
    refused = client.post(f"/quan-tri/thong-bao/{message_id}/gui-lai",
                          data={"_csrf_token": token})
    assert refused.status_code == 404


def test_province_admin_sees_contact_messages_without_secret_links(client):
    make_world()
    login(client, "admin", "abc12345")
    page = client.get("/quan-tri/thong-bao?loai=vinh-vien").text
    assert "0998000000" in page and "SECRET" not in page
    assert "Nội dung ẩn vì chứa đường dẫn đặt mật khẩu" in page
    # An anonymous feedback's phone code proves that phone: staff never read it either.
    assert "0998000001" in page and "424242" not in page
    assert "Nội dung ẩn vì chứa mã xác thực" in page


def test_admin_edits_sms_template_with_validation(client):
    make_world()
    login(client, "admin", "abc12345")
    url = "/quan-tri/mau-thong-bao/received/sms"
    bad = post_form(client, url, url, {"body": "Hồ sơ {ma_ho_so} đã nhận"})
    assert bad.status_code == 400
    assert "trường không được hỗ trợ: {ma_ho_so}" in bad.text
    assert "Hồ sơ {ma_ho_so} đã nhận" in bad.text  # what was typed is kept
    assert NotificationTemplate.count().run_sync() == 0

    accented = post_form(client, url, url, {"body": "Hồ sơ {code} đã nhận"})
    assert accented.status_code == 400 and "không dấu" in accented.text

    good = post_form(client, url, url, {"body": "UBND tinh: da nhan ho so {code}, hen {due_date}"})
    assert good.status_code == 200 and "Đã lưu mẫu thông báo." in good.text
    assert "(đã sửa)" in good.text

    async def queue_one():
        dossier = await factories.dossier(await factories.procedure(await factories.agency()))
        await notify_applicant(dossier.id, Event.RECEIVED)
        return dossier.code, await OutboxMessage.select(OutboxMessage.body).where(
            OutboxMessage.dossier == dossier.id).first()

    code, row = run(queue_one())
    assert row["body"].startswith(f"UBND tinh: da nhan ho so {code}, hen ")

    reset = post_form(client, url, url, {"body": "", "mac_dinh": "1"})
    assert reset.status_code == 200 and NotificationTemplate.count().run_sync() == 0


def test_unknown_slot_and_other_roles(client):
    make_world()
    login(client, "admin", "abc12345")
    assert client.get("/quan-tri/mau-thong-bao/nope/sms").status_code == 404
    client.cookies.clear()
    login(client, "motcua", "abc12345")
    assert client.get("/quan-tri/mau-thong-bao").status_code == 403
