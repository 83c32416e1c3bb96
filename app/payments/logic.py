"""Payment rules: statuses, signatures, what a gateway report may change. Pure: no I/O."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PaymentStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self is not PaymentStatus.PENDING

    @property
    def label(self) -> str:
        return {
            PaymentStatus.PENDING: "Đang chờ thanh toán",
            PaymentStatus.PAID: "Đã thanh toán",
            PaymentStatus.FAILED: "Thanh toán không thành công",
            PaymentStatus.CANCELLED: "Đã hủy thanh toán",
        }[self]


SIGNATURE_HEADER = "x-signature"


def sign(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of the exact body bytes, hex: what the gateway sends beside it."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, signature: str, secret: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature.strip().lower())


@dataclass(frozen=True)
class GatewayReport:
    """What the gateway says about one payment (from a callback or a lookup)."""

    reference: str
    status: PaymentStatus
    amount: int
    transaction_id: str = ""

    def to_body(self) -> bytes:
        return json.dumps({"reference": self.reference, "status": self.status.value,
                           "amount": self.amount, "transaction_id": self.transaction_id},
                          separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_body(cls, body: bytes) -> GatewayReport:
        """Parse a callback body; ValueError for anything malformed."""
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("body is not an object")
        amount = data.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValueError("amount must be a whole number of đồng")
        reference, txn = data.get("reference"), data.get("transaction_id", "")
        if not isinstance(reference, str) or not reference or not isinstance(txn, str):
            raise ValueError("reference and transaction_id must be text")
        return cls(reference=reference[:40], status=PaymentStatus(data.get("status")),
                   amount=amount, transaction_id=txn[:60])


class Decision(StrEnum):
    APPLY = "applied"  # the payment moves to the reported final status
    REPEAT = "repeat"  # already in that status: a duplicate, nothing to do
    IGNORE = "ignored"  # pending news, or a conflicting report after a final one
    WRONG_AMOUNT = "rejected_amount"


def decide(current: PaymentStatus, expected_amount: int, report: GatewayReport) -> Decision:
    """Callbacks may repeat and arrive out of order, and the return-page lookup may race
    them: the first final status wins and nothing moves a payment after that. A report
    with another amount never counts, whatever it says."""
    if report.amount != expected_amount:
        return Decision.WRONG_AMOUNT
    if current == report.status:
        return Decision.REPEAT
    if current.final or not report.status.final:
        return Decision.IGNORE
    return Decision.APPLY


def receipt_number(day: date, payment_id: int) -> str:
    """Electronic receipt number: BL-<yymmdd>-<payment id, 6+ digits>."""
    return f"BL-{day:%y%m%d}-{payment_id:06d}"
