"""Staff reconciliation of online payments the system could not settle by itself.

`service.apply_report` records paid money but leaves the dossier alone when the amount no
longer matches what it owes or its workflow no longer takes a payment. Those payments,
and payments pending for too long, are listed here for finance and counter staff of the
dossier's agencies; each paid one is either recorded in the dossier (through the
workflow's PAY, as the payer's act) or marked refunded with a note. Every decision is one
transaction with its audit record.
"""

from __future__ import annotations

from datetime import timedelta

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.service import visible_to
from app.dossiers.tables import Dossier
from app.formatting import format_money, now_utc
from app.payments.gateway import PaymentGateway
from app.payments.logic import PaymentStatus, Resolution, remedy
from app.payments.service import can_pay, owner_of, refresh
from app.payments.tables import Payment
from app.workflow import Action
from app.workflow.service import TransitionError, perform

# Counter officers collect fees and leaders answer for them: they decide. Agency and
# provincial admins and auditors see the list but, as in the workflow, move nothing.
RECONCILERS = frozenset({Role.COUNTER_OFFICER, Role.LEADER})
VIEWERS = RECONCILERS | {Role.AGENCY_ADMIN, Role.PROVINCIAL_ADMIN, Role.AUDITOR}
LIST_LIMIT = 200
NOTE_MAX = 500


class ReconcileError(ValueError):
    """A refusal to show the officer (Vietnamese)."""


class Views:
    ATTENTION = "can-xu-ly"  # paid, not in the dossier, nobody has decided
    STALE = "dang-cho"  # pending longer than the chosen hours
    RESOLVED = "da-xu-ly"  # decided by staff, for the record

    ALL = (ATTENTION, STALE, RESOLVED)


def _scope(user: CurrentUser):
    return Payment.dossier.is_in(Dossier.select(Dossier.id).where(visible_to(user)))


def view_condition(view: str, hours: int):
    """Each view as a query that reads through the migration …000001 indexes."""
    paid = Payment.status == PaymentStatus.PAID.value
    if view == Views.RESOLVED:
        return Payment.resolution.is_in([r.value for r in Resolution])
    if view == Views.STALE:
        return (Payment.status == PaymentStatus.PENDING.value) & (
            Payment.created_at <= now_utc() - timedelta(hours=hours))
    # The rule of logic.needs_attention, as a query.
    return paid & (Payment.settled_dossier == False) & (Payment.resolution == "")  # noqa: E712


async def counts(user: CurrentUser, hours: int) -> dict[str, int]:
    return {view: await Payment.count().where(view_condition(view, hours) & _scope(user))
            for view in Views.ALL}


async def payments_needing(user: CurrentUser, view: str, hours: int) -> list[dict]:
    """The view's payments in the user's scope: the longest waiting first, or the latest
    decisions first."""
    return await _rows(view_condition(view, hours) & _scope(user), view,
                       newest_first=view == Views.RESOLVED)


async def resolved_payment(user: CurrentUser, payment_id: int) -> dict | None:
    """One decided payment in scope, for the confirmation after a decision."""
    where = view_condition(Views.RESOLVED, 0) & _scope(user) & (Payment.id == payment_id)
    rows = await _rows(where, Views.RESOLVED)
    return rows[0] if rows else None


async def _rows(where, view: str, *, newest_first: bool = False) -> list[dict]:
    rows = await Payment.select(
        Payment.all_columns(), Payment.dossier.code.as_alias("dossier_code"),
        Payment.dossier.applicant_name.as_alias("applicant_name"),
        Payment.dossier.fees_due.as_alias("fees_due"),
        Payment.dossier.fees_paid.as_alias("fees_paid"),
        Payment.resolved_by.full_name.as_alias("resolved_by_name"),
    ).where(where).order_by(Payment.id, ascending=not newest_first).limit(LIST_LIMIT)
    for row in rows:
        row["owed_now"] = max(row["fees_due"] - row["fees_paid"], 0)
        row["status_label"] = PaymentStatus(row["status"]).label
        if row["resolution"]:
            row["resolution_label"] = Resolution(row["resolution"]).label
        if view == Views.ATTENTION:
            owner = await owner_of(row["dossier"])
            row["remedy"] = remedy(row["amount"], row["owed_now"],
                                   await can_pay(owner, row["dossier"]))
    return rows


async def recheck(user: CurrentUser, payment_id: int, gateway: PaymentGateway | None) -> None:
    """Ask the gateway about a payment still pending (its callback may be lost); what it
    says is applied exactly as the payer's return page would (`service.refresh`)."""
    if user.role not in RECONCILERS:
        raise ReconcileError("Vai trò của bạn chỉ được xem, không được xử lý khoản thanh toán.")
    row = await Payment.select(Payment.reference, Payment.gateway, Payment.status).where(
        (Payment.id == payment_id) & _scope(user)).first()
    if row is None:
        raise LookupError(payment_id)
    if row["status"] != PaymentStatus.PENDING:
        raise ReconcileError("Khoản thanh toán này đã có kết quả.")
    if gateway is None:
        raise ReconcileError("Chưa cấu hình cổng thanh toán trực tuyến.")
    if gateway.name != row["gateway"]:
        raise ReconcileError(f"Khoản này được tạo qua cổng “{row['gateway']}”, hệ thống nay "
                             f"dùng cổng “{gateway.name}”: cần đối soát trực tiếp với nhà "
                             "cung cấp.")
    await refresh(gateway, row["reference"])


async def checked_payment(user: CurrentUser, payment_id: int) -> dict | None:
    """A payment in scope as it stands, for the notice after a re-check."""
    row = await Payment.select(Payment.reference, Payment.status, Payment.settled_dossier).where(
        (Payment.id == payment_id) & _scope(user)).first()
    if row is not None:
        row["status_label"] = PaymentStatus(row["status"]).label
    return row


async def _open_payment(user: CurrentUser, payment_id: int) -> dict:
    """The payment if it is in scope and still needs a decision; inside the transaction."""
    if user.role not in RECONCILERS:
        raise ReconcileError("Vai trò của bạn chỉ được xem, không được xử lý khoản thanh toán.")
    row = await Payment.select().where((Payment.id == payment_id) & _scope(user)).first()
    if row is None:
        raise LookupError(payment_id)
    if row["status"] != PaymentStatus.PAID or row["settled_dossier"] or row["resolution"]:
        raise ReconcileError("Khoản thanh toán này đã được xử lý.")
    return row


async def apply_to_dossier(user: CurrentUser, payment_id: int) -> str:
    """Record the paid amount in the dossier through the workflow's PAY (as the payer,
    who paid; the officer is the audit's actor). Returns the confirmation to show."""
    async with write_transaction():
        row = await _open_payment(user, payment_id)
        dossier = await Dossier.select(Dossier.code, Dossier.fees_due, Dossier.fees_paid).where(
            Dossier.id == row["dossier"]).first()
        owed = max(dossier["fees_due"] - dossier["fees_paid"], 0)
        owner = await owner_of(row["dossier"])
        decision = remedy(row["amount"], owed, await can_pay(owner, row["dossier"]))
        if not decision.apply:
            raise ReconcileError(decision.reason)
        try:
            await perform(row["dossier"], owner, Action.PAY, amount=row["amount"])
        except TransitionError as exc:  # the dossier moved since the check: nothing saved
            raise ReconcileError(str(exc)) from None
        await _resolve(user, row, Resolution.APPLIED, "", settled=True)
        await audit.record("payment.reconciled", "payment", payment_id, {
            "resolution": Resolution.APPLIED.value, "dossier": row["dossier"],
            "amount": row["amount"], "owed_before": owed}, actor_id=user.id)
    done = f"Đã ghi nhận {format_money(row['amount'])} vào hồ sơ {dossier['code']}"
    if row["amount"] < owed:
        return f"{done}; hồ sơ còn phải nộp {format_money(owed - row['amount'])}."
    return f"{done}."


async def mark_refunded(user: CurrentUser, payment_id: int, note: str) -> str:
    note = " ".join(note.split())
    if not note:
        raise ReconcileError("Cần ghi rõ đã hoàn tiền thế nào (ngày, hình thức, số chứng từ).")
    if len(note) > NOTE_MAX:
        raise ReconcileError(f"Ghi chú hoàn tiền dài quá {NOTE_MAX} ký tự.")
    async with write_transaction():
        row = await _open_payment(user, payment_id)
        await _resolve(user, row, Resolution.REFUNDED, note, settled=False)
        await audit.record("payment.reconciled", "payment", payment_id, {
            "resolution": Resolution.REFUNDED.value, "dossier": row["dossier"],
            "amount": row["amount"], "note": note}, actor_id=user.id)
    return f"Đã ghi nhận việc hoàn trả {format_money(row['amount'])} (mã {row['reference']})."


async def _resolve(user: CurrentUser, row: dict, resolution: Resolution, note: str, *,
                   settled: bool) -> None:
    await Payment.update({
        Payment.resolution: resolution.value, Payment.resolution_note: note,
        Payment.resolved_by: user.id, Payment.resolved_at: now_utc(),
        Payment.settled_dossier: settled,
    }).where(Payment.id == row["id"])
