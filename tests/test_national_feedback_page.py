"""A feedback item filed on the national portal whose answer the portal refused: the
handler who answered it sees why on the feedback page and resends it from there (the sync
page is for admins), staff of another agency cannot, the auditor sees the state without a
button, and a second click from a stale tab does nothing twice."""

from __future__ import annotations

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.feedback import service as feedback_service
from app.feedback.tables import Feedback
from app.integrations import outbox
from app.integrations.dvcqg.inbound import pull_all
from app.integrations.tables import PartnerOutbox
from tests import factories
from tests import national_world as world_
from tests.conftest import csrf_from, run
from tests.partner_servers import PortalServer

SECRET = "lgsp-shared-secret-2026"
BUTTON = "Gửi lại lên Cổng DVCQG"


@pytest.fixture
def refused_answer(client, monkeypatch):
    """An item filed there, routed and answered here; the portal refused the answer."""
    with PortalServer(SECRET) as portal:
        world_.connect_sandboxes(monkeypatch, MOTCUA_DVCQG="http",
                                 MOTCUA_DVCQG_URL=portal.url, MOTCUA_DVCQG_SECRET=SECRET)
        portal.filings["PAKN.77"] = {
            "kind": "feedback", "TieuDe": "Chậm trả kết quả", "MaCoQuan": "G22.17",
            "NoiDung": "Quá hạn hai ngày.", "NguoiGui": {"HoTen": "Lê Văn Tám"}}

        async def make():
            agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
            agency.portal_code = "G22.17"
            await agency.save()
            other = await factories.agency("Sở Xây dựng", code="000.00.18.H55")
            await pull_all()
            item = await Feedback.select().first()
            admin = await factories.staff(Role.PROVINCIAL_ADMIN)
            await feedback_service.act(item["id"], admin, "route", {
                "category": "phan_anh", "agency_id": str(agency.id)})
            cookies = {}
            for name, role, agency_id in (("handler", Role.HANDLER, agency.id),
                                          ("stranger", Role.HANDLER, other.id),
                                          ("auditor", Role.AUDITOR, None)):
                user = await accounts.create_user(
                    username=name, password="Phananh2026x", full_name=name, role=role,
                    agency_ids=[agency_id] if agency_id else [])
                cookies[name] = accounts.cookie_value(
                    await accounts.start_session(user, "127.0.0.1", "test"))
                if name == "handler":
                    handler = await accounts.load_session(
                        await accounts.start_session(user, "127.0.0.1", "test"))
            await outbox.deliver_pending()  # the routing reaches the portal
            portal.mode = "refuse"
            await feedback_service.act(item["id"], handler, "answer",
                                       {"text": "Đã trả kết quả, xin lỗi ông."})
            await outbox.deliver_pending()
            return item["id"], cookies

        feedback_id, cookies = run(make())
        yield {"portal": portal, "id": feedback_id, "cookies": cookies, "client": client}


def as_(world, name):
    client = world["client"]
    client.cookies.clear()
    client.cookies.set("motcua_session", world["cookies"][name])
    return client


def test_the_handler_resends_a_refused_answer_from_the_feedback_page(refused_answer):
    world, page_url = refused_answer, f"/can-bo/phan-anh/{refused_answer['id']}"
    client = as_(world, "handler")
    page = client.get(page_url)
    assert "Phiên bản 2 không gửi được" in page.text and "mã 422" in page.text
    assert BUTTON in page.text and "/quan-tri/lien-thong" not in page.text
    world["portal"].mode = ""  # the province's code is declared there now
    token = csrf_from(page.text)
    resend_url = page_url + "/gui-lai-cong-dvcqg"
    done = client.post(resend_url, data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?da_gui_lai=1")
    # The same button from a stale second tab: nothing failed any more, said plainly.
    again = client.post(resend_url, data={"_csrf_token": token})
    assert again.status_code == 200 and "Không có lần gửi lỗi nào" in again.text
    run(outbox.deliver_pending())
    held = world["portal"].latest("feedback", "PAKN.77")
    assert held["TrangThai"] == "answered" and held["PhienBan"] == 2
    assert "đã gửi lúc" in client.get(page_url).text
    row = PartnerOutbox.select().where(PartnerOutbox.version == 2).first().run_sync()
    assert row["status"] == "delivered" and row["attempts"] == 1  # counted afresh


def test_others_cannot_resend_and_the_auditor_sees_the_state_only(refused_answer):
    world, page_url = refused_answer, f"/can-bo/phan-anh/{refused_answer['id']}"
    auditor = as_(world, "auditor")
    page = auditor.get(page_url)
    assert "Phiên bản 2 không gửi được" in page.text and BUTTON not in page.text
    refused = auditor.post(page_url + "/gui-lai-cong-dvcqg",
                           data={"_csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    stranger = as_(world, "stranger")
    token = csrf_from(stranger.get("/dang-nhap").text)
    hidden = stranger.post(page_url + "/gui-lai-cong-dvcqg", data={"_csrf_token": token})
    assert hidden.status_code == 404  # another agency's item: as if it did not exist
    row = PartnerOutbox.select().where(PartnerOutbox.version == 2).first().run_sync()
    assert row["status"] == "failed"
