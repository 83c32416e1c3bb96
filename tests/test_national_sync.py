"""Dossier sync to the (sandbox) national portal through the real workflow, outbox and
sandbox portal: what is queued, what the portal holds, order, retries, failures, 1.4."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.integrations import outbox
from app.integrations.dvcqg import sandbox
from app.integrations.dvcqg.indicator import sync_evidence
from app.integrations.dvcqg.sync import queue
from app.integrations.dvcqg.tables import NationalSync, SandboxPortalReceipt
from app.integrations.ioffice.service import documents_of
from app.integrations.logic import as_json
from app.integrations.tables import PartnerCall, PartnerOutbox
from app.workflow import Action
from app.workflow.service import perform
from tests import national_world as world_
from tests.signing_world import signing  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(db, monkeypatch, signing):  # noqa: F811  (the fixture)
    world_.connect_sandboxes(monkeypatch, MOTCUA_PARTNER_RETRY_SECONDS="0")
    return await world_.office(signing=signing)


async def deliver_all(rounds: int = 30) -> None:
    """Deliver until nothing is due (retries have no wait in these tests)."""
    for _ in range(rounds):
        await outbox.deliver_pending()
        if not await PartnerOutbox.exists().where(PartnerOutbox.status == "pending"):
            return


async def test_a_dossiers_life_reaches_the_portal_in_order_with_every_field(world):
    dossier_id = await world_.receive_one(world)
    await world_.process(world, dossier_id)
    await world_.hand_over(world, dossier_id)
    await deliver_all()
    row = await Dossier.select().where(Dossier.id == dossier_id).first()
    held = await sandbox.held("dossier", row["code"])
    assert held["TrangThaiHoSo"] == Status.RETURNED == 10
    assert held["MaCoQuan"] == "G22.17" and held["MaTTHC"] == world["procedure"].code
    assert held["KenhThucHien"] == 1 and held["NgayTiepNhan"] and held["NgayHenTra"]
    assert held["NgayKetThucXuLy"] and held["DanhSachPhiLePhi"] == [
        {"TenPhiLePhi": "Phí, lệ phí", "Gia": 100000}]
    assert held["TaiLieuNop"] == [{"TenTaiLieu": "Tờ khai", "DuocSoHoa": 0,
                                   "DuocLayTuKhoDMQG": 0, "CoTepTin": 0}]
    assert held["DuocThanhToanTrucTuyen"] == 0 and held["TaiKhoanDuocXacThucVoiVNeID"] == 0
    # The result's number comes from the document system once it has registered it.
    assert held["MaKetQua"] and f"/ket-qua/{row['code']}?" in held["DuongDanTepTinKetQua"]
    receipts = await SandboxPortalReceipt.select().where(
        SandboxPortalReceipt.key == row["code"]).order_by(SandboxPortalReceipt.id)
    versions = [r["version"] for r in receipts if r["accepted"]]
    assert versions == list(range(1, len(versions) + 1))
    # A move that changes nothing the portal reads (assigning within a step, paying at the
    # counter) queues no version; the result's number is a change.
    statuses = [as_json(r["payload"])["TrangThaiHoSo"] for r in receipts if r["accepted"]]
    assert statuses == [2, 4, 4, 9, 10, 10]  # the last: the result's number from iOffice
    assert held["MaKetQua"] == "1/000.00.17.H55"
    state = await NationalSync.select().where(NationalSync.dossier == dossier_id).first()
    assert state["delivered_version"] == state["queued_version"] == versions[-1]
    assert state["reception_synced_at"] is not None


async def test_paying_after_processing_leaves_the_end_of_processing_alone(world, monkeypatch):
    """Fees paid at the counter days after processing ended (status stays "processed") do
    not move NgayKetThucXuLy, nor make the dossier late by the 766 indicators: the end of
    processing is stamped when the dossier enters "processed", not on every move within
    it (the portal was sent a new version whenever a payment fell in another second)."""
    dossier_id = await world_.receive_one(world)
    await world_.process(world, dossier_id)
    before = await Dossier.select(Dossier.finished_at, Dossier.due_at, Dossier.version).where(
        Dossier.id == dossier_id).first()
    versions = await PartnerOutbox.count().where(PartnerOutbox.kind == "dvcqg.dossier")
    days_later = before["due_at"] - before["finished_at"] + timedelta(days=2)
    monkeypatch.setattr(clock, "_offset", [clock.offset() + days_later])
    await perform(dossier_id, world["counter"], Action.PAY)
    after = await Dossier.select(Dossier.status, Dossier.finished_at, Dossier.version).where(
        Dossier.id == dossier_id).first()
    assert after["status"] == Status.PROCESSED and after["version"] == before["version"] + 1
    assert after["finished_at"] == before["finished_at"] < before["due_at"]
    assert await PartnerOutbox.count().where(PartnerOutbox.kind == "dvcqg.dossier") == versions
    await perform(dossier_id, world["counter"], Action.RETURN_RESULT)
    returned = await Dossier.select(Dossier.finished_at, Dossier.returned_at).where(
        Dossier.id == dossier_id).first()
    assert returned["finished_at"] == before["finished_at"]
    assert returned["returned_at"] > before["due_at"]  # handed over when it happened


async def test_the_same_state_is_queued_once_and_drafts_never(world):
    dossier_id = await world_.receive_one(world)
    before = await PartnerOutbox.count().where(PartnerOutbox.kind == "dvcqg.dossier")
    assert await queue(dossier_id) is None  # nothing changed since the reception
    assert await PartnerOutbox.count().where(PartnerOutbox.kind == "dvcqg.dossier") == before
    await Dossier.update({Dossier.status: Status.DRAFT.value}).where(Dossier.id == dossier_id)
    assert await queue(dossier_id) is None


async def test_not_connected_queues_nothing(world, monkeypatch):
    monkeypatch.delenv("MOTCUA_DVCQG")
    monkeypatch.delenv("MOTCUA_IOFFICE")
    await world_.receive_one(world)
    assert await PartnerOutbox.count() == 0


async def test_a_failed_call_is_retried_and_the_portal_keeps_each_version_once(
        world, monkeypatch):
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_FAILURES", "1")  # every first try fails
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_HANG", "0.3")
    monkeypatch.setenv("MOTCUA_PARTNER_TIMEOUT", "0.1")
    monkeypatch.setenv("MOTCUA_PARTNER_BREAKER_FAILURES", "1000")
    ids = [await world_.receive_one(world) for _ in range(8)]
    for _ in range(6):
        await outbox.deliver_pending()
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_FAILURES", "0")
    await deliver_all()
    codes = [r["code"] for r in await Dossier.select(Dossier.code).where(Dossier.id.is_in(ids))]
    outcomes = {r["outcome"] for r in await PartnerCall.select(PartnerCall.outcome)}
    assert {"ok", "timeout", "failed"} <= outcomes  # 503s, dropped and hung answers
    for code in codes:
        kept = await SandboxPortalReceipt.select().where(
            (SandboxPortalReceipt.key == code) & SandboxPortalReceipt.accepted.eq(True))
        assert [r["version"] for r in kept] == [1]
    assert await PartnerOutbox.count().where(PartnerOutbox.status != "delivered") == 0


async def test_a_stale_answer_is_not_taken_for_the_acknowledgement(world, monkeypatch):
    dossier_id = await world_.receive_one(world)
    await deliver_all()
    # The next version meets "stale": stored, but answered with version 1's acknowledgement.
    code = (await Dossier.select(Dossier.code).where(Dossier.id == dossier_id).first())["code"]
    stale = next(s for s in map(str, range(200))
                 if _mode(monkeypatch, s, code, 2, 0) == "stale")
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_SEED", stale)
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_FAILURES", "0.5")
    await world_.process(world, dossier_id)
    await outbox.deliver_pending()
    second = await PartnerOutbox.select().where(
        (PartnerOutbox.dossier == dossier_id) & (PartnerOutbox.version == 2)).first()
    assert second["status"] == "pending" and "không khớp" in second["last_error"]
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_FAILURES", "0")
    await deliver_all()
    assert (await sandbox.held("dossier", code))["TrangThaiHoSo"] == Status.PROCESSED


def _mode(monkeypatch, seed: str, code: str, version: int, attempt: int) -> str | None:
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_SEED", seed)
    monkeypatch.setenv("MOTCUA_DVCQG_SANDBOX_FAILURES", "0.5")
    return sandbox.failure_mode(code, version, attempt)


async def test_a_refused_version_blocks_the_later_ones_until_resent(world):
    world["agency"].portal_code = ""
    world["agency"].code = ""
    await world["agency"].save()
    dossier_id = await world_.receive_one(world)
    await world_.process(world, dossier_id)
    await deliver_all()
    rows = await PartnerOutbox.select().where(PartnerOutbox.dossier == dossier_id).order_by(
        PartnerOutbox.version)
    assert rows[0]["status"] == "failed" and "mã cơ quan" in rows[0]["last_error"]
    assert {r["status"] for r in rows[1:] if r["kind"] == "dvcqg.dossier"} == {"pending"}
    world["agency"].portal_code = "G22.17"  # the admin enters the missing code
    await world["agency"].save()
    assert await outbox.resend(rows[0]["id"], world["leader"].id)
    await deliver_all()
    left = await PartnerOutbox.select(PartnerOutbox.key, PartnerOutbox.last_error).where(
        PartnerOutbox.status != "delivered")
    assert left == []


async def test_result_and_refusal_get_numbers_from_the_document_system(world):
    dossier_id = await world_.receive_one(world)
    await world_.process(world, dossier_id)
    await deliver_all()
    documents = await documents_of(dossier_id)
    assert [(d["kind"], d["number"]) for d in documents] == [("result", "1/000.00.17.H55")]
    # A retried delivery of the same document takes no second number.
    row = await PartnerOutbox.select().where(PartnerOutbox.kind == "ioffice.document").first()
    await PartnerOutbox.update({PartnerOutbox.status: "pending"}).where(
        PartnerOutbox.id == row["id"])
    await deliver_all()
    assert len(await documents_of(dossier_id)) == 1


async def test_sync_rate_counts_dossiers_the_portal_holds_with_their_reception(world):
    ids = [await world_.receive_one(world) for _ in range(4)]
    await outbox.deliver_pending(limit=2, max_batches=1)
    start, end = now_utc() - timedelta(hours=1), now_utc() + timedelta(hours=1)
    facts = await sync_evidence(start, end, [world["agency"].id])
    assert facts.denominator == 4 and facts.numerator == 2
    await deliver_all()
    facts = await sync_evidence(start, end)
    assert facts.received == frozenset(ids) and facts.synced == frozenset(ids)
    assert facts.rate == 1
    assert (await sync_evidence(end, end + timedelta(days=1))).rate is None
