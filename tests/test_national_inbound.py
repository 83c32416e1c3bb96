"""What comes from outside: dossiers and feedback filed on the (sandbox) national portal,
and Zalo lookups. Signed webhooks only; each filing taken once; the dossier is processed
here and its result reaches the portal; the feedback is answered here and the answer
reaches the portal; Zalo answers like the SMS lookup."""

from __future__ import annotations

import base64
import json
import time

import pytest

from app.dossiers.tables import Dossier, DossierComponent
from app.feedback import service as feedback_service
from app.feedback.tables import Feedback
from app.integrations import outbox
from app.integrations.dvcqg import sandbox
from app.integrations.dvcqg.inbound import pull_all
from app.integrations.dvcqg.portal import secret
from app.integrations.tables import PartnerCall
from app.integrations.zalo import service as zalo
from app.integrations.zalo.tables import SandboxZaloReply
from app.payments.logic import sign
from tests import national_world as world_
from tests import pdfs
from tests.conftest import run
from tests.signing_world import signing  # noqa: F401  (fixture)

PDF = pdfs.simple("to khai nop tren cong quoc gia")


@pytest.fixture
def world(client, monkeypatch, signing):  # noqa: F811  (the fixture)
    world_.connect_sandboxes(monkeypatch, MOTCUA_PARTNER_RETRY_SECONDS="0")
    return run(world_.office(signing=signing))


def deliver():
    for _ in range(10):
        run(outbox.deliver_pending())


def filing(world, portal_id="G22.261205.00001") -> bytes:
    return sandbox.encode({
        "Ma": portal_id, "MaTTHC": world["procedure"].code,
        "ChuHoSo": {"HoTen": "Nguyễn Thị Hoa", "SoDinhDanh": "051190001111",
                    "SoDienThoai": "0905111222", "DiaChi": "Quảng Ngãi"},
        "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "NoiDung": base64.b64encode(PDF).decode()}]})


def test_a_dossier_filed_on_the_portal_is_processed_here_and_its_result_goes_back(
        client, world):
    body = filing(world)
    unsigned = client.post("/api/v1/dvcqg/ho-so", content=body)
    assert unsigned.status_code == 401 and "chữ ký" in unsigned.json()["ThongBao"]
    answer = client.post("/api/v1/dvcqg/ho-so", content=body,
                         headers={"x-signature": sign(body, secret())})
    assert answer.status_code == 200
    code = answer.json()["MaThamChieu"]
    again = client.post("/api/v1/dvcqg/ho-so", content=body,
                        headers={"x-signature": sign(body, secret())})
    assert again.json()["MaThamChieu"] == code  # taken once
    row = Dossier.select().where(Dossier.code == code).first().run_sync()
    assert (row["status"], row["channel"], row["agency"]) == (1, 2, world["agency"].id)
    component = DossierComponent.select().where(
        DossierComponent.dossier == row["id"]).first().run_sync()
    assert component["name"] == "Tờ khai" and component["file"] is not None
    assert PartnerCall.exists().where((PartnerCall.direction == "in")
                                      & (PartnerCall.outcome == "refused")).run_sync()

    async def process():
        from app.workflow import Action
        from app.workflow.service import perform

        await perform(row["id"], world["counter"], Action.ACCEPT)
        await world_.process(world, row["id"])

    run(process())
    deliver()
    held = run(sandbox.held("dossier", code))
    assert held["TrangThaiHoSo"] == 9 and held["MaHoSoDVCQG"] == "G22.261205.00001"
    assert held["KenhThucHien"] == 2 and held["MaKetQua"] == "1/000.00.17.H55"
    assert held["TaiLieuNop"][0]["CoTepTin"] == 1


def test_a_signature_that_is_not_even_ascii_is_refused_not_a_500(client, world):
    answer = client.post("/api/v1/dvcqg/ho-so", content=filing(world),
                         headers=[(b"x-signature", "chữ-ký".encode())])
    assert answer.status_code == 401 and "chữ ký" in answer.json()["ThongBao"]


def test_a_filing_for_an_unknown_procedure_or_with_a_bad_file_is_refused(client, world):
    bad = json.loads(filing(world))
    bad["MaTTHC"] = "9.999999"
    body = sandbox.encode(bad)
    refused = client.post("/api/v1/dvcqg/ho-so", content=body,
                          headers={"x-signature": sign(body, secret())})
    assert refused.status_code == 422 and "Không tìm thấy thủ tục" in refused.json()["ThongBao"]
    bad = json.loads(filing(world, "G22.2"))
    bad["TaiLieuNop"][0]["NoiDung"] = base64.b64encode(b"MZ\x90\x00 not a document").decode()
    body = sandbox.encode(bad)
    refused = client.post("/api/v1/dvcqg/ho-so", content=body,
                          headers={"x-signature": sign(body, secret())})
    assert refused.status_code == 422
    assert Dossier.count().run_sync() == 0


def test_a_missed_push_is_pulled(world):
    portal_id = run(sandbox.file("dossier", json.loads(filing(world))))
    counts = run(pull_all())
    assert counts["dossier"] == 1
    assert Dossier.count().run_sync() == 1
    assert run(pull_all())["dossier"] == 0  # acknowledged: not pulled twice
    assert sandbox.SandboxPortalFiling.select().where(
        sandbox.SandboxPortalFiling.portal_id == portal_id).first().run_sync()[
        "our_reference"]


def test_feedback_filed_on_the_portal_is_answered_here_and_the_answer_reaches_it(
        client, world):
    body = sandbox.encode({"Ma": "PAKN.1", "TieuDe": "Chậm trả kết quả",
                           "NoiDung": "Hồ sơ của tôi quá hạn hai ngày.", "MaCoQuan": "G22.17",
                           "DongYCongKhai": 1, "NguoiGui": {"HoTen": "Lê Văn Tám"}})
    answer = client.post("/api/v1/dvcqg/phan-anh", content=body,
                         headers={"x-signature": sign(body, secret())})
    assert answer.status_code == 200
    item = Feedback.select().first().run_sync()
    assert item["about_agency"] == world["agency"].id and item["status"] == "received"

    async def handle():
        from app.accounts.roles import Role
        from tests import factories

        admin = await factories.staff(Role.PROVINCIAL_ADMIN)
        await feedback_service.act(item["id"], admin, "route",
                                   {"category": "phan_anh",
                                    "agency_id": str(world["agency"].id)})
        await feedback_service.act(item["id"], world["leader"], "answer",
                                   {"text": "Đã trả kết quả ngày 05/12/2026, xin lỗi ông."})

    run(handle())
    deliver()
    held = run(sandbox.held("feedback", "PAKN.1"))
    assert held["TrangThai"] == "answered" and held["PhanLoai"] == "phan_anh"
    assert held["NoiDungTraLoi"].startswith("Đã trả kết quả") and held["PhienBan"] == 2
    staff_page = run(_feedback_status(item["id"]))
    assert staff_page["portal_id"] == "PAKN.1" and staff_page["last"]["status"] == "delivered"


async def _feedback_status(feedback_id):
    from app.integrations.dvcqg.feedback import sync_status

    return await sync_status(feedback_id)


def zalo_event(text: str, *, msg_id: str, user: str = "8421", stamp: int | None = None):
    data = {"app_id": "app1", "event_name": "user_send_text",
            "timestamp": str(stamp or int(time.time() * 1000)),
            "sender": {"id": user}, "recipient": {"id": "oa1"},
            "message": {"text": text, "msg_id": msg_id}}
    body = json.dumps(data).encode()
    return body, zalo.mac("app1", body, data["timestamp"], "oa-secret")


@pytest.fixture
def zalo_oa(world, monkeypatch):
    monkeypatch.setenv("MOTCUA_ZALO_OA", "sandbox")
    monkeypatch.setenv("MOTCUA_ZALO_OA_SECRET", "oa-secret")
    monkeypatch.setenv("MOTCUA_ZALO_APP_ID", "app1")
    from app.notifications.inbound import LOOKUPS_PER_SENDER

    LOOKUPS_PER_SENDER.clear()
    return world


def test_zalo_lookup_is_answered_like_sms_and_unsigned_is_refused(client, zalo_oa):
    dossier_id = run(world_.receive_one(zalo_oa))
    code = Dossier.select(Dossier.code).where(Dossier.id == dossier_id).first().run_sync()[
        "code"]
    body, mac = zalo_event(f"TC {code} 3456", msg_id="m1")
    assert client.post("/api/v1/zalo/webhook", content=body).status_code == 401
    # One hex digit changed (writing "00" over the end was the real MAC 1 time in 256).
    forged_mac = mac[:-1] + ("1" if mac[-1] == "0" else "0")
    forged = client.post("/api/v1/zalo/webhook", content=body,
                         headers={"x-zevent-signature": forged_mac})
    assert forged.status_code == 401
    odd = client.post("/api/v1/zalo/webhook", content=body,
                      headers={"x-zevent-signature": "chữ-ký".encode()})
    assert odd.status_code == 401  # non-ASCII: refused like any wrong signature, never a 500
    flood = client.post("/api/v1/zalo/webhook", content=b"{" + b" " * 100_000 + b"}",
                        headers={"x-zevent-signature": mac})
    assert flood.status_code == 413  # capped before it is read
    ok = client.post("/api/v1/zalo/webhook", content=body, headers={"x-zevent-signature": mac})
    assert ok.status_code == 200 and ok.json()["outcome"] == "queued"
    resent = client.post("/api/v1/zalo/webhook", content=body,
                         headers={"x-zevent-signature": mac})
    assert resent.json()["outcome"] == "repeat"
    wrong, wrong_mac = zalo_event(f"TC {code} 0000", msg_id="m2")
    client.post("/api/v1/zalo/webhook", content=wrong, headers={"x-zevent-signature": wrong_mac})
    old, old_mac = zalo_event(f"TC {code} 3456", msg_id="m3", stamp=1)
    assert client.post("/api/v1/zalo/webhook", content=old,
                       headers={"x-zevent-signature": old_mac}).status_code == 401
    deliver()
    replies = {r["reference"]: r["text"] for r in SandboxZaloReply.select().run_sync()}
    from app.notifications.logic import LOOKUP_NOT_FOUND

    assert replies["m1"].startswith(f"Ho so {code}: Đã tiếp nhận")
    assert replies["m2"] == LOOKUP_NOT_FOUND  # the SMS lookup's own answer
    assert len(replies) == 2


def test_without_a_zalo_oa_the_webhook_is_absent(client):
    body, signature = zalo_event("TC X 1234", msg_id="m0")
    answer = client.post("/api/v1/zalo/webhook", content=body,
                         headers={zalo.HEADER: signature})
    assert answer.status_code == 404 and "Chưa cấu hình" in answer.json()["error"]


def test_zalo_lookups_share_the_sms_limit(client, zalo_oa):
    for n in range(7):
        body, mac = zalo_event("TC 000.00.17.H55-261205-0001 1111", msg_id=f"x{n}")
        outcome = client.post("/api/v1/zalo/webhook", content=body,
                              headers={"x-zevent-signature": mac}).json()["outcome"]
    assert outcome == "limited"
