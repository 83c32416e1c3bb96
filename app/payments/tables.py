"""Tables of online payment: our payments, every callback received, and the sandbox
gateway's own ledger (what a real gateway keeps on its side)."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.dossiers.tables import Dossier


class Payment(Table, tablename="payment"):
    """One attempt to pay a dossier's outstanding fees online. `status` only moves from
    pending to one final state (`app.payments.logic.PaymentStatus`); `amount` is fixed
    at creation and a report with any other amount is refused."""

    reference = Varchar(length=40, unique=True)  # our id, sent to the gateway
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, index=True)
    payer = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    gateway = Varchar(length=20)
    amount = Integer()  # đồng
    status = Varchar(length=20, default="pending")
    transaction_id = Varchar(length=60, default="")  # the gateway's id once it is final
    receipt_no = Varchar(length=40, default="")
    settled_dossier = Boolean(default=False)  # the workflow's PAY was performed
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)
    # Paid but not settled (fees changed, dossier withdrawn): what staff did about it
    # (`logic.Resolution`), who, when, and their note (e.g. how the refund was made).
    resolution = Varchar(length=20, default="")
    resolution_note = Varchar(length=500, default="")
    resolved_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    resolved_at = Timestamptz(null=True, default=None)


class PaymentCallback(Table, tablename="payment_callback"):
    """Every server-to-server callback as received, verified or not, and what it did:
    repeats and late arrivals stay visible for reconciliation."""

    payment = ForeignKey(Payment, null=True, on_delete=OnDelete.restrict, index=True)
    received_at = Timestamptz()
    body = Text()
    signature_ok = Boolean(default=False)
    outcome = Varchar(length=40)  # applied | repeat | ignored | rejected_* | unknown


class SandboxTransaction(Table, tablename="sandbox_payment_txn"):
    """The sandbox gateway's side: what the payer did on its pages and where it must
    send callbacks. Lives in our database only because the sandbox runs inside the app."""

    reference = Varchar(length=40, unique=True)
    amount = Integer()
    description = Varchar(length=300, default="")
    status = Varchar(length=20, default="pending")
    transaction_id = Varchar(length=60, default="")
    return_url = Varchar(length=500)
    callback_url = Varchar(length=500)
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)
