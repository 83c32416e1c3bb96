"""Reconciliation of online payments: the pure rules of what needs a person and what may be
done with it, the workflow's part payment, and the staff page against a real database —
fees that grew while the payer was paying, a dossier withdrawn meanwhile, payments left
pending, scope by agency and who may decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit.tables import AuditEntry
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.payments import service as payments
from app.payments.logic import (
    GatewayReport,
    PaymentStatus,
    needs_attention,
    read_hours,
    remedy,
    stale_pending,
)
from app.payments.sandbox import SandboxGateway
from app.payments.tables import Payment
from app.workflow import (
    Action,
    Actor,
    DossierState,
    ResumePoint,
    TransitionError,
    advance,
    apply,
)
from app.workflow.service import perform
from tests import factories
from tests.conftest import csrf_from, run

P = PaymentStatus
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "settled", "resolution", "expected"), [
    (P.PAID, False, "", True),
    (P.PAID, True, "", False),  # the callback settled it
    (P.PAID, False, "applied", False),
    (P.PAID, False, "refunded", False),
    (P.PENDING, False, "", False),
    (P.FAILED, False, "", False),
    (P.CANCELLED, False, "", False),
])
def test_what_needs_a_person(status, settled, resolution, expected):
    assert needs_attention(status, settled, resolution) is expected


def test_stale_pending_counts_from_creation():
    assert stale_pending(P.PENDING, NOW - timedelta(hours=24), NOW, 24)
    assert not stale_pending(P.PENDING, NOW - timedelta(hours=23, minutes=59), NOW, 24)
    assert not stale_pending(P.PAID, NOW - timedelta(days=9), NOW, 24)


@pytest.mark.parametrize(("text", "hours"), [
    ("", 24), ("1", 1), (" 48 ", 48), ("2160", 2160),
    ("0", None), ("2161", None), ("-3", None), ("abc", None), ("1.5", None)])
def test_hours_filter(text, hours):
    assert read_hours(text) == hours


def test_remedy_applies_only_what_the_dossier_can_take():
    same = remedy(200_000, 200_000, True)
    assert same.apply
    more_owed = remedy(200_000, 300_000, True)
    assert more_owed.apply and "còn phải nộp 100.000 đ" in more_owed.reason
    withdrawn = remedy(200_000, 200_000, False)
    assert not withdrawn.apply and "hoàn trả 200.000 đ" in withdrawn.reason
    nothing_owed = remedy(200_000, 0, True)
    assert not nothing_owed.apply and "không còn khoản phí" in nothing_owed.reason
    overpaid = remedy(200_000, 150_000, True)
    assert not overpaid.apply and "lớn hơn số còn phải nộp (150.000 đ)" in overpaid.reason


def obligation(**fields) -> DossierState:
    base = {"status": Status.FINANCIAL_OBLIGATION, "agency_id": 1, "now": NOW,
            "current_step": 1, "fees_due": 300_000, "fees_paid": 0,
            "resume_point": ResumePoint(Status.PROCESSING, 1)}
    return DossierState(**{**base, **fields})


def test_workflow_part_payment_leaves_the_rest_owed():
    citizen = Actor(100, Role.CITIZEN, is_owner=True)
    state = obligation()
    part = apply(state, citizen, Action.PAY, amount=200_000)
    after = advance(state, part)
    assert (after.status, after.fees_paid, after.fees_outstanding) == (
        Status.FINANCIAL_OBLIGATION, 200_000, 100_000)
    assert part.details["outstanding"] == 100_000
    rest = advance(after, apply(after, citizen, Action.PAY, amount=100_000))
    assert (rest.status, rest.fees_paid, rest.current_step) == (Status.PROCESSING, 300_000, 1)
    whole = advance(state, apply(state, citizen, Action.PAY))  # no amount: settles all
    assert whole.fees_paid == 300_000
    for bad in (0, -1, True, "200000", 300_001):
        with pytest.raises(TransitionError):
            apply(state, citizen, Action.PAY, amount=bad)


# --- the staff page ------------------------------------------------------------------------

@pytest.fixture
def world(client):
    """Agency A's dossiers and staff, a counter officer of agency B, and three payments:
    one paid after the fees grew, one paid after the dossier was withdrawn, one left
    pending for 30 hours."""

    async def make():
        a, b = await factories.agency("Sở Tư pháp"), await factories.agency("Sở Xây dựng")
        procedure = await factories.procedure(a)
        citizen = await accounts.create_user(username="052090003333", password="Dung2026xyz",
                                             full_name="Phạm Thị Dung", role=Role.CITIZEN)
        staff = {}
        for name, role, agency in [("counter", Role.COUNTER_OFFICER, a),
                                   ("leader", Role.LEADER, a),
                                   ("handler", Role.HANDLER, a),
                                   ("admin", Role.AGENCY_ADMIN, a),
                                   ("other", Role.COUNTER_OFFICER, b)]:
            user = await accounts.create_user(username=f"tt.{name}", password="abc12345",
                                              full_name=f"Cán bộ {name}", role=role,
                                              agency_ids=[agency.id])
            token = await accounts.start_session(user, "127.0.0.1", "test")
            staff[name] = (accounts.cookie_value(token), await accounts.load_session(token))
        payer_token = await accounts.start_session(citizen, "127.0.0.1", "test")
        staff["payer"] = (accounts.cookie_value(payer_token),
                          payer := await accounts.load_session(payer_token))
        dossiers, refs = [], []
        for fee in (200_000, 150_000, 90_000):
            d = await factories.dossier(procedure, applicant_id=citizen.id)
            await Dossier.update({Dossier.fees_due: fee}).where(Dossier.id == d.id)
            await payments.create_payment(SandboxGateway(), payer, d.id,
                                          return_path="/{reference}")
            refs.append(await Payment.select(Payment.reference).where(
                Payment.dossier == d.id).first())
            dossiers.append(d.id)
        grown, withdrawn, left = dossiers
        # Meanwhile: the handler asks for 100.000 đ more; the payer withdraws the other.
        await perform(grown, staff["handler"][1], Action.REQUEST_PAYMENT, amount=100_000,
                      reason="Phí thẩm định bổ sung")
        await perform(withdrawn, payer, Action.REQUEST_WITHDRAWAL, reason="Không cần nữa")
        for ref, amount in zip(refs[:2], (200_000, 150_000), strict=True):
            decision = await payments.apply_report(GatewayReport(
                reference=ref["reference"], status=P.PAID, amount=amount,
                transaction_id="GW" + ref["reference"][-4:]), "callback")
            assert decision.value == "applied"
        await Payment.update({Payment.created_at: Payment.created_at - timedelta(hours=30)}).where(
            Payment.dossier == left)
        return {"dossiers": dossiers, "staff": staff}

    return run(make())


def as_staff(client, world, who):
    client.cookies.clear()
    client.cookies.set("motcua_session", world["staff"][who][0])


def payment_of(dossier_id) -> dict:
    return Payment.select().where(Payment.dossier == dossier_id).first().run_sync()


def dossier_row(dossier_id) -> dict:
    return Dossier.select(Dossier.status, Dossier.fees_due, Dossier.fees_paid).where(
        Dossier.id == dossier_id).first().run_sync()


def test_fees_grew_while_paying_and_the_counter_records_the_part(client, world):
    grown, withdrawn, _ = world["dossiers"]
    assert not payment_of(grown)["settled_dossier"]  # the system left it to a person
    as_staff(client, world, "counter")
    page = client.get("/can-bo/thanh-toan")
    assert page.status_code == 200 and "Cần xử lý (2)" in page.text
    row = page.text.split(f'id="tt-{payment_of(grown)["id"]}"')[1].split("</tr>")[0]
    assert "200.000 đ" in row and "300.000 đ" in row  # paid, owed now
    assert payment_of(grown)["receipt_no"] in row and payment_of(grown)["transaction_id"] in row
    assert "Ghi nhận vào hồ sơ" in row and "/can-bo/ho-so/" in row

    pid = payment_of(grown)["id"]
    done = client.post(f"/can-bo/thanh-toan/{pid}/ghi-nhan",
                       data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    confirmation = client.get(done.headers["location"])
    assert "đã ghi nhận vào hồ sơ; hồ sơ còn phải nộp 100.000 đ" in confirmation.text
    assert dossier_row(grown) == {"status": Status.FINANCIAL_OBLIGATION, "fees_due": 300_000,
                                  "fees_paid": 200_000}
    payment = payment_of(grown)
    assert (payment["resolution"], payment["settled_dossier"]) == ("applied", True)
    assert payment["resolved_by"] == world["staff"]["counter"][1].id
    assert DossierEvent.count().where((DossierEvent.dossier == grown)
                                      & (DossierEvent.action == "paid")).run_sync() == 1
    assert AuditEntry.count().where((AuditEntry.action == "payment.reconciled")
                                    & (AuditEntry.entity_id == str(pid))).run_sync() == 1
    # A second click (another tab) changes nothing.
    again = client.post(f"/can-bo/thanh-toan/{pid}/ghi-nhan",
                        data={"_csrf_token": csrf_from(page.text)})
    assert again.status_code == 400 and "đã được xử lý" in again.text
    assert dossier_row(grown)["fees_paid"] == 200_000
    assert "Cần xử lý (1)" in client.get("/can-bo/thanh-toan").text


def test_withdrawn_dossier_is_refunded_outside_the_system(client, world):
    _, withdrawn, _ = world["dossiers"]
    pid = payment_of(withdrawn)["id"]
    as_staff(client, world, "leader")
    page = client.get("/can-bo/thanh-toan")
    row = page.text.split(f'id="tt-{pid}"')[1].split("</tr>")[0]
    assert "Hồ sơ không còn nhận nộp phí" in row and "Đánh dấu đã hoàn tiền" in row
    assert "Ghi nhận vào hồ sơ" not in row
    token = csrf_from(page.text)
    forced = client.post(f"/can-bo/thanh-toan/{pid}/ghi-nhan", data={"_csrf_token": token})
    assert forced.status_code == 400 and "hoàn trả 150.000 đ" in forced.text
    blank = client.post(f"/can-bo/thanh-toan/{pid}/hoan-tien",
                        data={"_csrf_token": token, "ghi_chu": "  "})
    assert blank.status_code == 400 and "Cần ghi rõ đã hoàn tiền" in blank.text
    assert payment_of(withdrawn)["resolution"] == ""
    note = "Chuyển khoản hoàn trả ngày 03/12/2026, UNC số 118"
    as_staff(client, world, "payer")  # the payer is told someone is on it
    assert "Cơ quan đang đối soát khoản này" in client.get(f"/ho-so-cua-toi/{withdrawn}").text
    as_staff(client, world, "leader")
    token = csrf_from(client.get("/can-bo/thanh-toan").text)
    done = client.post(f"/can-bo/thanh-toan/{pid}/hoan-tien",
                       data={"_csrf_token": token, "ghi_chu": note})
    assert done.status_code == 200 and "đã hoàn tiền" in done.text and note in done.text
    payment = payment_of(withdrawn)
    assert (payment["resolution"], payment["resolution_note"]) == ("refunded", note)
    assert dossier_row(withdrawn)["fees_paid"] == 0
    assert dossier_row(withdrawn)["status"] == Status.WITHDRAWAL_REQUESTED
    as_staff(client, world, "payer")
    assert "Đã hoàn trả cho người nộp" in client.get(f"/ho-so-cua-toi/{withdrawn}").text


def test_pending_too_long_filter(client, world):
    _, _, left = world["dossiers"]
    as_staff(client, world, "counter")
    ref = payment_of(left)["reference"]
    assert ref in client.get("/can-bo/thanh-toan?loai=dang-cho&gio=24").text
    assert ref not in client.get("/can-bo/thanh-toan?loai=dang-cho&gio=48").text
    bad = client.get("/can-bo/thanh-toan?loai=dang-cho&gio=abc")
    assert bad.status_code == 400 and "Số giờ phải là số nguyên" in bad.text
    # Online payment switched off since: nobody to ask, and nothing changes.
    pid = payment_of(left)["id"]
    asked = client.post(f"/can-bo/thanh-toan/{pid}/kiem-tra",
                        data={"_csrf_token": csrf_from(bad.text)})
    assert asked.status_code == 400 and "Chưa cấu hình cổng thanh toán" in asked.text
    assert payment_of(left)["status"] == "pending"


def test_the_queries_follow_the_pure_rules(client, world):
    from app.formatting import now_utc
    from app.payments.reconcile import Views, view_condition

    every = Payment.select().run_sync()
    for view, rule in [
        (Views.ATTENTION, lambda p: needs_attention(p["status"], p["settled_dossier"],
                                                    p["resolution"])),
        (Views.STALE, lambda p: stale_pending(p["status"], p["created_at"], now_utc(), 24)),
    ]:
        listed = {p["id"] for p in Payment.select(Payment.id).where(
            view_condition(view, 24)).run_sync()}
        assert listed == {p["id"] for p in every if rule(p)}
        assert listed  # the world has one of each


def test_scope_and_who_may_decide(client, world):
    grown = world["dossiers"][0]
    pid = payment_of(grown)["id"]
    as_staff(client, world, "other")  # another agency's counter: sees none of it
    page = client.get("/can-bo/thanh-toan")
    assert "Cần xử lý (0)" in page.text and f'id="tt-{pid}"' not in page.text
    missing = client.post(f"/can-bo/thanh-toan/{pid}/ghi-nhan",
                          data={"_csrf_token": csrf_from(page.text)})
    assert missing.status_code == 404
    as_staff(client, world, "admin")  # sees, cannot act
    page = client.get("/can-bo/thanh-toan")
    assert "Cần xử lý (2)" in page.text and "Ghi nhận vào hồ sơ" not in page.text
    refused = client.post(f"/can-bo/thanh-toan/{pid}/ghi-nhan",
                          data={"_csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    assert not payment_of(grown)["settled_dossier"]


@pytest.mark.sqlite_only  # SQLite's query planner (EXPLAIN QUERY PLAN)
@pytest.mark.parametrize("view", ["can-xu-ly", "dang-cho", "da-xu-ly"])
def test_each_view_reads_payments_through_an_index(db, view):
    from app.payments.reconcile import view_condition
    from tests.test_query_plans import plan_of

    plan = plan_of(db, Payment.select(Payment.id).where(view_condition(view, 24)))
    assert any("INDEX payment_" in p for p in plan), plan
    assert not any(p.startswith("SCAN") for p in plan), plan
