"""The HTTP providers of the national portal, the document system and Zalo's OA, over real
HTTP on loopback against servers that speak each contract (`tests/partner_servers.py`):
a dossier's whole life signed both ways, pull and reconciliation, forged answers not
believed, 5xx and timeouts retried, and the circuit opening so a down partner is no
longer called at all."""

from __future__ import annotations

import asyncio
import base64

import pytest

from app.dossiers.tables import Dossier
from app.formatting import to_local
from app.integrations import outbox
from app.integrations.calls import Answer, PartnerUnavailable, call, reset_breakers
from app.integrations.dvcqg.inbound import pull_all
from app.integrations.dvcqg.reconcile import reconcile_day
from app.integrations.dvcqg.tables import NationalDossierLink, NationalSync
from app.integrations.logic import as_json
from app.integrations.tables import PartnerCall, PartnerOutbox
from app.integrations.zalo import service as zalo
from tests import national_world as world_
from tests.partner_servers import DocumentServer, PortalServer, ZaloApiServer
from tests.signing_world import draft_pdf, signing  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio
SECRET, TOKEN, OA_TOKEN = "lgsp-shared-secret-2026", "ioffice-token-xyz", "oa-token-abc"


@pytest.fixture
def partners(monkeypatch):
    with PortalServer(SECRET) as portal, DocumentServer(TOKEN) as documents, \
            ZaloApiServer(OA_TOKEN, followers={"8421"}) as oa:
        world_.connect_sandboxes(
            monkeypatch, MOTCUA_DVCQG="http", MOTCUA_DVCQG_URL=portal.url,
            MOTCUA_DVCQG_SECRET=SECRET, MOTCUA_IOFFICE="http", MOTCUA_IOFFICE_URL=documents.url,
            MOTCUA_IOFFICE_TOKEN=TOKEN, MOTCUA_ZALO_OA="http",
            MOTCUA_ZALO_OA_URL=oa.url + "/message/cs", MOTCUA_ZALO_OA_TOKEN=OA_TOKEN,
            MOTCUA_PARTNER_RETRY_SECONDS="0", MOTCUA_PARTNER_TIMEOUT="10",
            MOTCUA_PARTNER_BREAKER_FAILURES="3", MOTCUA_PARTNER_BREAKER_SECONDS="3600")
        yield {"portal": portal, "documents": documents, "oa": oa}
    reset_breakers()


@pytest.fixture
async def world(db, partners, signing):  # noqa: F811  (the fixture)
    return {**await world_.office(signing=signing), **partners}


async def deliver_all(rounds: int = 30) -> None:
    for _ in range(rounds):
        await outbox.deliver_pending()
        if not await PartnerOutbox.exists().where(PartnerOutbox.status == "pending"):
            return


async def deliver_to_a_hanging_partner(monkeypatch, server) -> None:
    """One delivery run while `server` holds every request: it times out (at 0.3 s; the
    other tests keep a long timeout so a loaded machine never fails them)."""
    server.hang()
    monkeypatch.setenv("MOTCUA_PARTNER_TIMEOUT", "0.3")
    await outbox.deliver_pending()
    monkeypatch.setenv("MOTCUA_PARTNER_TIMEOUT", "10")
    server.release()


async def code_of(dossier_id: int) -> str:
    return (await Dossier.select(Dossier.code).where(Dossier.id == dossier_id).first())["code"]


async def test_a_dossiers_life_reaches_the_portal_over_http_signed_both_ways(world):
    portal = world["portal"]
    dossier_id = await world_.receive_one(world)
    await world_.process(world, dossier_id)
    await world_.hand_over(world, dossier_id)
    await deliver_all()
    code = await code_of(dossier_id)
    held = portal.latest("dossier", code)
    assert held["TrangThaiHoSo"] == 10 and held["MaCoQuan"] == "G22.17"
    # The result's number came from the document system over HTTP with our token.
    assert held["MaKetQua"] == "1/000.00.17.H55" and world["documents"].book
    statuses = [v["TrangThaiHoSo"] for v in portal.versions[("dossier", code)]]
    assert statuses == [2, 4, 4, 9, 10, 10]  # each version once, in order
    state = await NationalSync.select().where(NationalSync.dossier == dossier_id).first()
    assert state["delivered_version"] == state["queued_version"] == len(statuses)
    logged = await PartnerCall.select().where(PartnerCall.partner.is_in(["dvcqg", "ioffice"]))
    assert logged and all(r["outcome"] == "ok" and r["status"] == 200 for r in logged)
    assert not any(SECRET in r["request"] + r["answer"] or TOKEN in r["request"] + r["answer"]
                   for r in logged)


async def test_filings_are_pulled_and_acknowledged_and_counts_reconciled(world):
    portal = world["portal"]
    portal.filings["G22.261205.00042"] = {
        "kind": "dossier", "MaTTHC": world["procedure"].code,
        "ChuHoSo": {"HoTen": "Nguyễn Thị Hoa", "SoDinhDanh": "051190001111"},
        "TaiLieuNop": [{"TenTaiLieu": "Tờ khai",
                        "NoiDung": base64.b64encode(draft_pdf()).decode()}]}
    assert (await pull_all())["dossier"] == 1
    link = await NationalDossierLink.select(NationalDossierLink.dossier.code).first()
    assert portal.acknowledged == {"G22.261205.00042": link["dossier.code"]}
    assert (await pull_all())["dossier"] == 0  # acknowledged: the portal holds it no more
    received = await world_.receive_one(world)
    await deliver_all()
    row = await Dossier.select(Dossier.received_at).where(Dossier.id == received).first()
    checked = await reconcile_day(to_local(row["received_at"]).date())
    assert checked == {"day": checked["day"], "differences": [], "error": ""}


async def test_a_forged_answer_is_not_believed(world):
    portal = world["portal"]
    portal.mode = "forge"
    dossier_id = await world_.receive_one(world)
    await outbox.deliver_pending()
    row = await PartnerOutbox.select().where(PartnerOutbox.dossier == dossier_id).first()
    assert row["status"] == "pending" and "chữ ký câu trả lời không đúng" in row["last_error"]
    failed = await PartnerCall.select().where(PartnerCall.outcome == "failed").first()
    assert "chữ ký" in failed["error"] and failed["status"] == 200
    # A pulled list signed by someone else is not taken either.
    portal.filings["G22.X"] = {"kind": "dossier", "MaTTHC": world["procedure"].code,
                               "ChuHoSo": {"HoTen": "Kẻ Giả", "SoDinhDanh": "051190009999"}}
    assert (await pull_all())["dossier"] == 0
    assert not await NationalDossierLink.exists() and portal.acknowledged == {}
    portal.mode = ""  # the portal had kept the version: the retry is acknowledged again
    reset_breakers()  # three failed calls opened the circuit; its cool-off has passed
    await deliver_all()
    assert len(portal.versions[("dossier", await code_of(dossier_id))]) == 1
    row = await PartnerOutbox.select().where(PartnerOutbox.dossier == dossier_id).first()
    assert row["status"] == "delivered"


async def test_5xx_and_timeouts_open_the_circuit_and_a_down_portal_is_not_called(
        world, monkeypatch):
    portal = world["portal"]
    portal.mode = "down"
    dossier_id = await world_.receive_one(world)
    await outbox.deliver_pending()
    await deliver_to_a_hanging_partner(monkeypatch, portal)
    portal.mode = "down"
    await outbox.deliver_pending()  # the third failure in a row opens the circuit
    outcomes = [r["outcome"] for r in await PartnerCall.select(PartnerCall.outcome).where(
        PartnerCall.partner == "dvcqg").order_by(PartnerCall.id)]
    assert outcomes == ["ok", "timeout", "ok"]  # the 503s were answers, judged by the caller
    seen = len(portal.requests)
    await outbox.deliver_pending()
    assert len(portal.requests) == seen  # not attempted: the circuit is open
    row = await PartnerOutbox.select().where(PartnerOutbox.dossier == dossier_id).first()
    assert row["status"] == "pending" and "đang gián đoạn" in row["last_error"]
    assert (await PartnerCall.select(PartnerCall.outcome).order_by(
        PartnerCall.id, ascending=False).first())["outcome"] == "circuit_open"
    reset_breakers()  # the cool-off has passed: a trial call goes and closes the circuit
    portal.release()
    await deliver_all()
    row = await PartnerOutbox.select().where(PartnerOutbox.dossier == dossier_id).first()
    assert row["status"] == "delivered"


DOCUMENT = {"reference": "motcua-event-1", "kind": "result", "title": "Kết quả",
            "dossier_code": "H55-1", "agency_code": "000.00.17.H55",
            "issued_at": "2026-12-05T09:00:00+07:00", "event_id": 1, "sha256": ""}
DELIVERIES = {"documents": ("ioffice", "ioffice.document", "event:1", DOCUMENT),
              "oa": ("zalo", zalo.KIND, "zalo-message:m9",
                     {"user_id": "8421", "text": "Đang xử lý.", "reference": "m9"})}


@pytest.mark.parametrize("server", sorted(DELIVERIES))
async def test_a_hanging_then_failing_partner_opens_its_own_circuit_only(
        world, server, monkeypatch):
    partner, kind, subject, payload = DELIVERIES[server]
    await outbox.queue(partner, kind, subject, payload, version=1)
    await deliver_to_a_hanging_partner(monkeypatch, world[server])
    world[server].mode = "down"
    for _ in range(2):  # two 503s: three failures in a row open this partner's circuit
        await outbox.deliver_pending()
    outcomes = [(r["outcome"], r["status"]) for r in await PartnerCall.select(
        PartnerCall.outcome, PartnerCall.status).where(PartnerCall.partner == partner
                                                       ).order_by(PartnerCall.id)]
    assert outcomes == [("timeout", None), ("ok", 503), ("ok", 503)]
    seen = len(world[server].requests)
    await outbox.deliver_pending()
    assert len(world[server].requests) == seen  # not attempted while open
    row = await PartnerOutbox.select().where(PartnerOutbox.subject == subject).first()
    assert row["status"] == "pending" and "đang gián đoạn" in row["last_error"]
    # Another partner's calls are not held back by this one's circuit.
    dossier_id = await world_.receive_one(world)
    await outbox.deliver_pending()
    assert world["portal"].latest("dossier", await code_of(dossier_id)) is not None


async def test_a_cancelled_trial_call_does_not_keep_the_circuit_open(db, monkeypatch):
    monkeypatch.setenv("MOTCUA_PARTNER_BREAKER_FAILURES", "1")
    monkeypatch.setenv("MOTCUA_PARTNER_BREAKER_SECONDS", "0")  # every call after is a trial
    reset_breakers()

    async def refused() -> Answer:
        raise ConnectionRefusedError("down")

    async def cancelled() -> Answer:
        raise asyncio.CancelledError  # the visitor closed the page mid-call

    async def answered() -> Answer:
        return Answer(200)

    with pytest.raises(PartnerUnavailable):
        await call("dvcqg", "test", refused, target="x")
    with pytest.raises(asyncio.CancelledError):
        await call("dvcqg", "test", cancelled, target="x")
    assert (await call("dvcqg", "test", answered, target="x")).status == 200


async def test_the_document_system_over_http(world):
    documents = world["documents"]
    documents.misnumber = True  # an answer about another document is not a number
    dossier_id = await world_.receive_one(world)
    await world_.process(world, dossier_id)
    await deliver_all(rounds=2)
    row = await PartnerOutbox.select().where(PartnerOutbox.kind == "ioffice.document").first()
    assert row["status"] == "pending" and "không đúng định dạng" in row["last_error"]
    documents.misnumber = False
    await deliver_all()
    row = await PartnerOutbox.select().where(PartnerOutbox.kind == "ioffice.document").first()
    assert row["status"] == "delivered" and documents.book == {
        as_json(row["payload"])["reference"]: "1/000.00.17.H55"}
    documents.token = "rotated-on-their-side"  # our token is refused: a person must look
    second = await world_.receive_one(world, "062190005678")
    await world_.process(world, second)
    await deliver_all()
    row = await PartnerOutbox.select().where(PartnerOutbox.kind == "ioffice.document").order_by(
        PartnerOutbox.id, ascending=False).first()
    assert row["status"] == "failed" and "mã 401" in row["last_error"]


async def test_zalo_replies_over_http(world):
    oa = world["oa"]
    for user, message_id in (("8421", "m1"), ("5550", "m2")):
        await outbox.queue("zalo", zalo.KIND, f"zalo-message:{message_id}",
                           {"user_id": user, "text": "Hồ sơ đang xử lý.",
                            "reference": message_id}, version=1)
    await deliver_all()
    rows = {r["subject"]: r for r in await PartnerOutbox.select().where(
        PartnerOutbox.kind == zalo.KIND)}
    assert rows["zalo-message:m1"]["status"] == "delivered"
    assert oa.sent == [{"recipient": {"user_id": "8421"},
                        "message": {"text": "Hồ sơ đang xử lý."}}]
    # Not a follower: Zalo says so in a 200 answer; retrying cannot help.
    assert rows["zalo-message:m2"]["status"] == "failed"
    assert "not followed" in rows["zalo-message:m2"]["last_error"]
    oa.mode = "down"
    await outbox.queue("zalo", zalo.KIND, "zalo-message:m3",
                       {"user_id": "8421", "text": "x", "reference": "m3"}, version=1)
    await outbox.deliver_pending()
    row = await PartnerOutbox.select().where(PartnerOutbox.subject == "zalo-message:m3").first()
    assert row["status"] == "pending" and "503" in row["last_error"]
