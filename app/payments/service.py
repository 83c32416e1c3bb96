"""Online payment with the database: create, apply gateway reports, receipts.

A dossier is marked paid only here, only from a verified callback or a gateway lookup,
only with the exact amount, and through the workflow's PAY action in the same
transaction as the payment row and its audit entry. Reports are idempotent: the first
final status wins (see `logic.decide`).
"""

from __future__ import annotations

import secrets

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.tables import Dossier
from app.formatting import now_utc, to_local
from app.payments.gateway import Checkout, PaymentError, PaymentGateway, shared_secret
from app.payments.logic import (
    Decision,
    GatewayReport,
    PaymentStatus,
    decide,
    receipt_number,
    signature_valid,
)
from app.payments.rejects import REJECTED
from app.payments.tables import Payment, PaymentCallback
from app.settings import get_settings
from app.workflow import Action
from app.workflow.service import actions_for, perform


async def can_pay(user: CurrentUser, dossier_id: int) -> bool:
    return Action.PAY in await actions_for(dossier_id, user)


async def create_payment(gateway: PaymentGateway, user: CurrentUser, dossier_id: int,
                         *, return_path: str) -> str:
    """A pending payment for everything the dossier owes now; returns the gateway URL. The
    gateway's return and callback URLs are on the configured public address."""
    dossier = await Dossier.select(
        Dossier.id, Dossier.code, Dossier.applicant, Dossier.fees_due, Dossier.fees_paid,
    ).where(Dossier.id == dossier_id).first()
    if dossier is None or dossier["applicant"] != user.id:
        raise PaymentError("Không tìm thấy hồ sơ.")
    amount = dossier["fees_due"] - dossier["fees_paid"]
    if amount <= 0 or not await can_pay(user, dossier_id):
        raise PaymentError("Hồ sơ không còn khoản phí, lệ phí nào phải nộp trực tuyến.")
    reference = "TT" + secrets.token_hex(8).upper()
    base = get_settings().public_url
    async with write_transaction():
        payment = Payment(reference=reference, dossier=dossier_id, payer=user.id,
                          gateway=gateway.name, amount=amount, created_at=now_utc())
        await payment.save()
        await audit.record("payment.created", "payment", payment.id,
                           {"dossier": dossier_id, "amount": amount, "gateway": gateway.name},
                           actor_id=user.id)
    return await gateway.create(Checkout(
        reference=reference, amount=amount,
        description=f"Nộp phí, lệ phí hồ sơ {dossier['code']}",
        return_url=f"{base}{return_path.format(reference=reference)}",
        callback_url=f"{base}/api/v1/payments/callback"))


async def owner_of(dossier_id: int) -> CurrentUser:
    dossier = await Dossier.select(Dossier.applicant).where(Dossier.id == dossier_id).first()
    row = await User.select(User.id, User.username, User.full_name, User.role).where(
        User.id == dossier["applicant"]).first()
    return CurrentUser(id=row["id"], username=row["username"], full_name=row["full_name"],
                       role=Role(row["role"]), agency_ids=(), session_token="")


async def apply_report(report: GatewayReport, source: str) -> Decision | None:
    """Apply what the gateway says; None when the reference is not ours."""
    async with write_transaction():
        payment = await Payment.select().where(Payment.reference == report.reference).first()
        if payment is None:
            return None
        decision = decide(PaymentStatus(payment["status"]), payment["amount"], report)
        if decision != Decision.APPLY:
            return decision
        now = now_utc()
        values = {Payment.status: report.status.value, Payment.completed_at: now,
                  Payment.transaction_id: report.transaction_id}
        if report.status == PaymentStatus.PAID:
            values[Payment.receipt_no] = receipt_number(to_local(now).date(), payment["id"])
            dossier = await Dossier.select(Dossier.fees_due, Dossier.fees_paid).where(
                Dossier.id == payment["dossier"]).first()
            # Fees may have changed since the payment began (a new financial obligation):
            # then the money is recorded but the dossier is reconciled by staff.
            owner = await owner_of(payment["dossier"])
            # Or withdrawn/stopped meanwhile: the workflow no longer takes a payment.
            if (dossier["fees_due"] - dossier["fees_paid"] == payment["amount"]
                    and await can_pay(owner, payment["dossier"])):
                await perform(payment["dossier"], owner, Action.PAY)
                values[Payment.settled_dossier] = True
        await Payment.update(values).where(Payment.id == payment["id"])
        await audit.record(f"payment.{report.status.value}", "payment", payment["id"],
                           {"source": source, "amount": report.amount,
                            "transaction_id": report.transaction_id,
                            "settled_dossier": values.get(Payment.settled_dossier, False)})
    return decision


async def receive_callback(body: bytes, signature: str, address: str) -> tuple[int, str]:
    """The server-to-server callback: (HTTP status, outcome). Every signed call is logged
    in `payment_callback`; one failing the signature is only counted (`rejects`)."""
    if not signature_valid(body, signature, shared_secret()):
        REJECTED.record(address, body)
        return 400, "rejected_signature"
    report, payment = None, None
    try:
        report = GatewayReport.from_body(body)
    except ValueError:
        outcome = "rejected_body"
    else:
        decision = await apply_report(report, "callback")
        outcome = "unknown" if decision is None else decision.value
        payment = await Payment.select(Payment.id).where(
            Payment.reference == report.reference).first()
    async with write_transaction():
        await PaymentCallback(payment=payment["id"] if payment else None,
                              received_at=now_utc(), body=body[:4000].decode(errors="replace"),
                              signature_ok=True, outcome=outcome).save()
    status = {"rejected_body": 400, "unknown": 404, "rejected_amount": 409}.get(outcome, 200)
    return status, outcome


async def refresh(gateway: PaymentGateway, reference: str) -> None:
    """When the payer comes back: ask the gateway, since its callback may be late."""
    report = await gateway.lookup(reference)
    if report is not None and report.reference == reference:
        await apply_report(report, "lookup")


async def payment_of(user: CurrentUser, reference: str) -> dict | None:
    """The payer's own payment with its dossier's code and procedure."""
    return await Payment.select(
        Payment.all_columns(), Payment.dossier.code.as_alias("dossier_code"),
        Payment.dossier.procedure.name.as_alias("procedure_name"),
        Payment.dossier.applicant_name.as_alias("applicant_name"),
        Payment.dossier.agency.name.as_alias("agency_name"),
    ).where((Payment.reference == reference)
            & (Payment.dossier.applicant == user.id)).first()


async def payments_for(dossier_id: int) -> list[dict]:
    return await Payment.select().where(Payment.dossier == dossier_id).order_by(
        Payment.id, ascending=False)
