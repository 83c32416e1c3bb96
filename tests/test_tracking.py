"""Following a dossier: plain-language timeline and next steps, the public lookup (no
comments, no personal data), the owner's page and the withdrawal request."""

from datetime import UTC, datetime

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.formatting import now_utc
from app.portal.logic import EVENT_LABELS, next_steps, timeline
from tests import factories
from tests.conftest import csrf_from, login, run


def test_next_steps_cover_every_status_and_put_fees_first():
    for status in Status:
        assert next_steps(status, 0), status
    assert next_steps(Status.PROCESSED, 50_000)[0].startswith("Nộp phí, lệ phí 50.000 đ")
    assert next_steps(Status.FINANCIAL_OBLIGATION, 50_000) == [
        "Nộp phí, lệ phí 50.000 đ (trực tuyến hoặc tại Bộ phận Một cửa)."]
    assert not any("Nộp phí" in s for s in next_steps(Status.STOPPED, 50_000))


def test_timeline_orders_events_and_hides_comments_from_strangers():
    t1, t2 = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
    events = [{"id": 2, "at": t2, "action": "supplement_requested", "comment": "Thiếu tờ khai"},
              {"id": 1, "at": t1, "action": "accepted", "comment": "ghi chú nội bộ"},
              {"id": 3, "at": t2, "action": "mystery", "comment": ""}]
    owner = timeline(events, owner=True)
    assert [e["label"] for e in owner] == [EVENT_LABELS["accepted"],
                                           EVENT_LABELS["supplement_requested"],
                                           "Cập nhật hồ sơ"]
    assert [e["note"] for e in owner] == ["", "Thiếu tờ khai", ""]
    assert all(e["note"] == "" for e in timeline(events, owner=False))


@pytest.fixture
def owned(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.81.H55")
        procedure = await factories.procedure(agency)
        user = await accounts.create_user(username="052090002222", password="Binh2026xyz",
                                          full_name="Lê Văn Cường", role=Role.CITIZEN)
        dossier = await factories.dossier(procedure, applicant_id=user.id, phone="0905123456")
        for action, comment in (("accepted", ""), ("processing_started", ""),
                                ("supplement_requested", "Thiếu bản sao sổ đỏ của ông Cường")):
            await DossierEvent(dossier=dossier.id, at=now_utc(), action=action,
                               comment=comment).save()
        return dossier
    dossier = run(make())
    return dossier.id, dossier.code


def test_public_lookup_shows_steps_and_what_to_do_without_comments(client, owned):
    _, code = owned
    page = client.get("/tra-cuu", params={"ma": code, "so": "3456"})
    assert page.status_code == 200
    assert "Tiến trình giải quyết" in page.text and "Yêu cầu bổ sung hồ sơ" in page.text
    assert "Bạn cần làm gì" in page.text and "Chờ cơ quan giải quyết" in page.text
    assert "sổ đỏ" not in page.text and "Nguyễn Văn An" not in page.text


def test_owner_sees_everything_and_asks_to_withdraw(client, owned):
    dossier_id, code = owned
    login(client, "052090002222", "Binh2026xyz")
    page = client.get(f"/ho-so-cua-toi/{dossier_id}")
    assert page.status_code == 200 and code in page.text
    assert "Thiếu bản sao sổ đỏ" in page.text and "<svg" in page.text
    form = client.get(f"/ho-so-cua-toi/{dossier_id}/rut-ho-so")
    empty = client.post(f"/ho-so-cua-toi/{dossier_id}/rut-ho-so",
                        data={"_csrf_token": csrf_from(form.text), "reason": " "})
    assert empty.status_code == 400 and "Nêu lý do rút hồ sơ." in empty.text
    done = client.post(f"/ho-so-cua-toi/{dossier_id}/rut-ho-so",
                       data={"_csrf_token": csrf_from(form.text), "reason": "Nộp nhầm thủ tục"},
                       follow_redirects=False)
    assert done.status_code == 303
    status = Dossier.select(Dossier.status).where(Dossier.id == dossier_id).first().run_sync()
    assert status["status"] == Status.WITHDRAWAL_REQUESTED
    after = client.get(done.headers["location"])
    assert "Đã gửi yêu cầu rút hồ sơ" in after.text and "Nộp nhầm thủ tục" in after.text
    # Asked once: the form is gone, and another account sees nothing of it.
    assert client.get(f"/ho-so-cua-toi/{dossier_id}/rut-ho-so").status_code == 404
    run(accounts.create_user(username="052090003333", password="Khac2026xyz",
                             full_name="Người khác", role=Role.CITIZEN))
    login(client, "052090003333", "Khac2026xyz")
    assert client.get(f"/ho-so-cua-toi/{dossier_id}").status_code == 404


def test_qr_link_opens_the_lookup_prefilled_without_counting_a_failure(client, owned):
    from app.documents.qr import lookup_url
    from app.dossiers import lookup_limit

    _, code = owned
    page = client.get(lookup_url(code))
    assert page.status_code == 200 and f'value="{code}"' in page.text
    assert "đã được điền" in page.text and "Không tìm thấy" not in page.text
    assert not lookup_limit.PER_SOURCE.keys_counted()  # nothing counted against this address
    assert not lookup_limit.PER_CODE.keys_counted()
