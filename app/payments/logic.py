"""Payment rules: statuses, signatures, what a gateway report may change. Pure: no I/O."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.formatting import format_money


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
    # Bytes: compare_digest raises on non-ASCII text, and the header is anyone's input.
    return hmac.compare_digest(sign(body, secret).encode(),
                               signature.strip().lower().encode())


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


# Reconciliation: paid money the system could not put into its dossier by itself.


class Resolution(StrEnum):
    """What staff did with such a payment ("" while nobody has)."""

    APPLIED = "applied"  # recorded in the dossier's fees through the workflow's PAY
    REFUNDED = "refunded"  # returned to the payer outside the system, with a note

    @property
    def label(self) -> str:
        return {Resolution.APPLIED: "Đã ghi nhận vào hồ sơ",
                Resolution.REFUNDED: "Đã hoàn tiền"}[self]


def needs_attention(status: str, settled_dossier: bool, resolution: str) -> bool:
    """Money was taken but is not in the dossier, and no one has dealt with it yet."""
    return status == PaymentStatus.PAID and not settled_dossier and not resolution


def stale_pending(status: str, created_at: datetime, now: datetime, hours: int) -> bool:
    """Still pending `hours` after it began: the payer left, or the callback was lost."""
    return status == PaymentStatus.PENDING and created_at <= now - timedelta(hours=hours)


STALE_HOURS_DEFAULT = 24
STALE_HOURS_MAX = 24 * 90


def read_hours(text: str) -> int | None:
    """The "pending for more than N hours" filter; None when it is not 1..2160."""
    text = text.strip()
    if not text:
        return STALE_HOURS_DEFAULT
    if not text.isdigit() or not 1 <= int(text) <= STALE_HOURS_MAX:
        return None
    return int(text)


@dataclass(frozen=True)
class Remedy:
    """What staff may do with a paid payment the dossier did not take."""

    apply: bool  # "Ghi nhận vào hồ sơ" is possible
    reason: str  # why the system left it (when apply) or why it cannot apply (otherwise)


def remedy(paid: int, owed_now: int, takes_payment: bool) -> Remedy:
    """Apply only money the dossier can take whole: up to what it owes now, through a
    workflow that accepts a payment. Anything else goes back to the payer."""
    money = format_money(paid)
    if not takes_payment:
        return Remedy(False, "Hồ sơ không còn nhận nộp phí, lệ phí (đã rút, dừng hoặc kết "
                             f"thúc xử lý): hoàn trả {money} cho người nộp ngoài hệ thống "
                             "rồi đánh dấu đã hoàn tiền.")
    if owed_now <= 0:
        return Remedy(False, "Hồ sơ không còn khoản phí, lệ phí nào phải nộp: hoàn trả "
                             f"{money} cho người nộp ngoài hệ thống rồi đánh dấu đã hoàn tiền.")
    if paid > owed_now:
        return Remedy(False, f"Số tiền đã nộp ({money}) lớn hơn số còn phải nộp "
                             f"({format_money(owed_now)}): hoàn trả khoản này cho người nộp "
                             "rồi thu số còn phải nộp tại quầy.")
    if paid < owed_now:
        return Remedy(True, f"Phí, lệ phí đã tăng lên {format_money(owed_now)} trong khi "
                            f"thanh toán: ghi nhận {money}, người nộp còn phải nộp "
                            f"{format_money(owed_now - paid)}.")
    return Remedy(True, "Hồ sơ chưa nhận khoản thanh toán này khi có kết quả từ cổng "
                        "thanh toán; nay có thể ghi nhận đủ.")
