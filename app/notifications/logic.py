"""Pure rules of notifications: events, channels, statuses, templates, SMS text, retries.

No I/O here: rendering a template, making SMS text fit one GSM-7 message, the idempotency
key and the retry schedule are all decided from their inputs alone and unit-tested.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.text import strip_diacritics


class Event(StrEnum):
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    LATE_APOLOGY = "late_apology"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    FEEDBACK_ANSWERED = "feedback_answered"
    RATING_INVITE = "rating_invite"
    SET_PASSWORD = "set_password"
    LOOKUP_REPLY = "lookup_reply"
    DUE_RECOMPUTED = "due_recomputed"
    STOPPED = "stopped"
    VERIFY_CODE = "verify_code"  # one-time code proving a phone (anonymous feedback)
    PASSWORD_RESET_CODE = "password_reset_code"  # "Quên mật khẩu": the one-time code
    PASSWORD_CHANGED = "password_changed"  # told after a reset, in case it was not them
    ID_NUMBER_MOVED = "id_number_moved"  # the account that held a CCCD lost it
    ID_NUMBER_RECLAIMED = "id_number_reclaimed"  # the CCCD's owner now holds it


EVENT_LABELS = {
    Event.RECEIVED: "Tiếp nhận hồ sơ",
    Event.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    Event.REFUSED: "Từ chối hồ sơ",
    Event.LATE_APOLOGY: "Xin lỗi và hẹn lại ngày trả kết quả",
    Event.RESULT_READY: "Có kết quả giải quyết",
    Event.RETURNED: "Đã trả kết quả",
    Event.FEEDBACK_ANSWERED: "Trả lời phản ánh, kiến nghị",
    Event.RATING_INVITE: "Mời đánh giá mức độ hài lòng",
    Event.SET_PASSWORD: "Đặt mật khẩu tài khoản",
    Event.LOOKUP_REPLY: "Trả lời tra cứu qua tin nhắn",
    Event.DUE_RECOMPUTED: "Thay đổi ngày hẹn trả kết quả",
    Event.STOPPED: "Dừng xử lý hồ sơ",
    Event.VERIFY_CODE: "Mã xác thực số điện thoại",
    Event.PASSWORD_RESET_CODE: "Mã đặt lại mật khẩu",
    Event.PASSWORD_CHANGED: "Mật khẩu đã được đặt lại",
    Event.ID_NUMBER_MOVED: "Tài khoản bị khóa vì số CCCD thuộc về người khác",
    Event.ID_NUMBER_RECLAIMED: "Số CCCD được chuyển về tài khoản của chủ thẻ",
}


class Channel(StrEnum):
    SMS = "sms"
    ZALO = "zalo"
    EMAIL = "email"


CHANNEL_LABELS = {Channel.SMS: "SMS", Channel.ZALO: "Zalo", Channel.EMAIL: "Thư điện tử"}


class Status(StrEnum):
    CREATED = "created"
    SENDING = "sending"
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary_failure"
    PERMANENT_FAILURE = "permanent_failure"


STATUS_LABELS = {
    Status.CREATED: "Chờ gửi",
    Status.SENDING: "Đang gửi",
    Status.DELIVERED: "Đã gửi",
    Status.TEMPORARY_FAILURE: "Lỗi tạm thời, sẽ gửi lại",
    Status.PERMANENT_FAILURE: "Không gửi được",
}

# Placeholders a template may use, with what they mean (shown to the admin who edits them).
PLACEHOLDERS = {
    "code": "Mã hồ sơ (hoặc mã phản ánh)",
    "name": "Họ tên người nộp",
    "procedure": "Tên thủ tục",
    "agency": "Cơ quan giải quyết",
    "due_date": "Ngày hẹn trả kết quả (dd/mm/yyyy)",
    "reason": "Lý do / nội dung cần bổ sung",
    "status": "Trạng thái hồ sơ",
    "lookup_url": "Địa chỉ trang tra cứu",
    "link": "Đường dẫn riêng (đặt mật khẩu, đánh giá, xem trả lời)",
    "province": "Tên tỉnh",
}


@dataclass(frozen=True)
class Template:
    """One message text for one event and channel; `subject` is used by e-mail only."""

    body: str
    subject: str = ""


_SMS = {
    Event.RECEIVED: "Ho so {code} da duoc tiep nhan. Hen tra ket qua {due_date}. "
                    "Tra cuu: {lookup_url}",
    Event.SUPPLEMENT_REQUESTED: "Ho so {code} can bo sung: {reason}. Vui long nop bo sung "
                                "de tiep tuc giai quyet.",
    Event.REFUSED: "Ho so {code} khong duoc giai quyet. Ly do: {reason}",
    Event.LATE_APOLOGY: "Xin loi: ho so {code} bi tre han. Hen tra moi: {due_date}. "
                        "Ly do: {reason}",
    Event.RESULT_READY: "Ho so {code} da co ket qua. Moi ong/ba den nhan hoac xem tai "
                        "{lookup_url}",
    Event.RETURNED: "Ho so {code} da duoc tra ket qua. Cam on ong/ba da su dung dich vu "
                    "cong.",
    Event.FEEDBACK_ANSWERED: "Phan anh {code} da duoc tra loi. Xem tai: {link}",
    Event.RATING_INVITE: "Moi ong/ba danh gia muc do hai long voi ho so {code}: {link}",
    Event.SET_PASSWORD: "Dat mat khau tai khoan Dich vu cong: {link}",
    Event.LOOKUP_REPLY: "{status}",
    Event.DUE_RECOMPUTED: "Ho so {code}: ngay hen tra ket qua moi la {due_date}.",
    Event.STOPPED: "Ho so {code} da dung xu ly. Ly do: {reason}",
    Event.VERIFY_CODE: "Ma xac thuc phan anh, kien nghi: {code}. Het han sau 10 phut. "
                       "Khong chia se ma nay.",
    Event.PASSWORD_RESET_CODE: "Ma dat lai mat khau Dich vu cong: {code}. Het han sau 10 "
                               "phut. Khong dua ma nay cho bat ky ai.",
    Event.PASSWORD_CHANGED: "Mat khau tai khoan Dich vu cong {province} vua duoc dat lai. "
                            "Neu khong phai ong/ba, hay den Bo phan Mot cua.",
    Event.ID_NUMBER_MOVED: "Tai khoan Dich vu cong dang ky so CCCD {code} da bi khoa: chu "
                           "the CCCD da xac thuc so nay. Thac mac: Bo phan Mot cua.",
    Event.ID_NUMBER_RECLAIMED: "So CCCD {code} da thuoc tai khoan Dich vu cong cua ong/ba. "
                               "Dat mat khau (neu can): {link}",
}

_EMAIL = {
    Event.RECEIVED: Template(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đã được {agency} tiếp nhận. "
        "Ngày hẹn trả kết quả: {due_date}.\nTra cứu tình trạng hồ sơ tại {lookup_url}.",
        "Hồ sơ {code} đã được tiếp nhận"),
    Event.SUPPLEMENT_REQUESTED: Template(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) cần bổ sung: {reason}\n"
        "Thời gian chờ bổ sung không tính vào thời hạn giải quyết. Tra cứu: {lookup_url}.",
        "Hồ sơ {code} cần bổ sung"),
    Event.REFUSED: Template(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) không được giải quyết.\n"
        "Lý do: {reason}", "Hồ sơ {code} không được giải quyết"),
    Event.LATE_APOLOGY: Template(
        "Kính gửi {name},\n\n{agency} xin lỗi vì hồ sơ {code} ({procedure}) chưa có kết quả "
        "đúng hẹn. Lý do: {reason}\nNgày hẹn trả kết quả mới: {due_date}.",
        "Xin lỗi: hồ sơ {code} trễ hẹn"),
    Event.RESULT_READY: Template(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đã có kết quả. "
        "Xem và nhận kết quả tại {lookup_url}.", "Hồ sơ {code} đã có kết quả"),
    Event.RETURNED: Template(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đã được trả kết quả. Cảm ơn ông/bà "
        "đã sử dụng dịch vụ công.", "Hồ sơ {code} đã trả kết quả"),
    Event.FEEDBACK_ANSWERED: Template(
        "Phản ánh, kiến nghị {code} đã được trả lời. Xem nội dung trả lời tại {link}.",
        "Phản ánh {code} đã được trả lời"),
    Event.RATING_INVITE: Template(
        "Mời ông/bà đánh giá mức độ hài lòng với việc giải quyết hồ sơ {code} tại {link}.",
        "Mời đánh giá hồ sơ {code}"),
    Event.SET_PASSWORD: Template(
        "Đặt mật khẩu cho tài khoản Dịch vụ công {province} tại {link}.\n"
        "Nếu ông/bà không yêu cầu, xin bỏ qua thư này.", "Đặt mật khẩu tài khoản"),
    Event.LOOKUP_REPLY: Template("{status}", "Tra cứu hồ sơ"),
    Event.DUE_RECOMPUTED: Template(
        "Hồ sơ {code} ({procedure}) có ngày hẹn trả kết quả mới: {due_date}.",
        "Hồ sơ {code}: ngày hẹn mới"),
    Event.STOPPED: Template(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}) đã dừng xử lý. Lý do: {reason}",
        "Hồ sơ {code} dừng xử lý"),
    Event.VERIFY_CODE: Template(
        "Mã xác thực để gửi phản ánh, kiến nghị: {code}. Mã hết hạn sau 10 phút.",
        "Mã xác thực"),
    Event.PASSWORD_RESET_CODE: Template(
        "Mã đặt lại mật khẩu tài khoản Dịch vụ công {province}: {code}.\nMã hết hạn sau 10 "
        "phút. Không đưa mã này cho bất kỳ ai, kể cả cán bộ.\nNếu ông/bà không yêu cầu, xin "
        "bỏ qua thư này.", "Mã đặt lại mật khẩu"),
    Event.PASSWORD_CHANGED: Template(
        "Mật khẩu tài khoản Dịch vụ công {province} của ông/bà vừa được đặt lại và mọi phiên "
        "đăng nhập cũ đã kết thúc.\nNếu không phải ông/bà, hãy đến Bộ phận Một cửa.",
        "Mật khẩu đã được đặt lại"),
    Event.ID_NUMBER_MOVED: Template(
        "Tài khoản Dịch vụ công {province} đăng ký với số CCCD {code} đã bị khóa: chủ thẻ căn "
        "cước đã xác thực số này với tài khoản của mình.\nNếu có nhầm lẫn, xin đến Bộ phận "
        "Một cửa mang theo thẻ căn cước.", "Tài khoản đã bị khóa"),
    Event.ID_NUMBER_RECLAIMED: Template(
        "Số CCCD {code} trước đây do một tài khoản khác chưa xác thực đăng ký. Tài khoản đó "
        "đã bị khóa; số CCCD nay thuộc tài khoản Dịch vụ công của ông/bà.\nĐặt mật khẩu "
        "(nếu cần) tại {link}.", "Số CCCD đã thuộc tài khoản của ông/bà"),
}


def default_template(event: Event, channel: Channel) -> Template:
    """The built-in text; Zalo shows full Vietnamese like e-mail, without a subject."""
    if channel == Channel.SMS:
        return Template(_SMS[event])
    email = _EMAIL[event]
    return email if channel == Channel.EMAIL else Template(email.body)


# -- GSM 03.38 --------------------------------------------------------------------------

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")  # each costs two septets (escape + char)
SMS_LIMIT = 160
_PUNCTUATION = str.maketrans({
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " ",
    "\t": " ", "•": "-",
})


def gsm_length(text: str) -> int:
    """Septets the text takes in one GSM-7 SMS."""
    return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def to_gsm(text: str) -> str:
    """Vietnamese to plain GSM-7: diacritics dropped (Ế → E, đ → d), typographic
    punctuation made plain, anything else left outside GSM-7 becomes '?'. Accented Latin
    letters that GSM happens to hold (é, à) are stripped too: phones show Vietnamese SMS
    without diacritics consistently, and one UCS-2 character would cut the limit to 70."""
    plain = unicodedata.normalize("NFC", strip_diacritics(text.translate(_PUNCTUATION)))
    return "".join(_gsm_char(ch) for ch in plain)


def _gsm_char(ch: str) -> str:
    return ch if ord(ch) < 128 and (ch in GSM_BASIC or ch in GSM_EXTENDED) else "?"


def template_placeholders(text: str) -> list[str]:
    """Named placeholders used by `text`; raises ValueError on malformed braces."""
    names = []
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.append(field)
    return names


def render(text: str, values: dict[str, str]) -> str:
    """Fill {placeholders}; a value the caller did not give renders empty rather than
    failing a state change that is already decided."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")))
    return "".join(out)


# Values that may be shortened when an SMS does not fit, longest-lived first.
_SHORTENABLE = ("reason", "procedure", "agency", "name", "status")


def render_sms(text: str, values: dict[str, str], limit: int = SMS_LIMIT) -> str:
    """Render and make the result fit one GSM-7 SMS: free-text values (reason, procedure…)
    are shortened with "..." first, since the code and dates must survive; only if the
    fixed text itself is too long is the end cut."""
    plain = {key: re.sub(r"\s+", " ", to_gsm(str(value))).strip()
             for key, value in values.items()}
    body = to_gsm(render(text, plain))
    for key in _SHORTENABLE:
        excess = gsm_length(body) - limit
        if excess <= 0:
            break
        value = plain.get(key, "")
        if key in template_placeholders(text) and len(value) > 3:
            keep = max(len(value) - excess - 3, 0)
            plain[key] = value[:keep].rstrip() + "..."
            body = to_gsm(render(text, plain))
    while gsm_length(body) > limit:
        body = body[:-1]
    return body


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render_message(template: Template, channel: Channel, values: dict[str, str]) -> Rendered:
    if channel == Channel.SMS:
        return Rendered("", render_sms(template.body, values))
    return Rendered(render(template.subject, values).strip(), render(template.body, values))


def validate_template(channel: Channel, body: str, subject: str = "") -> list[str]:
    """Vietnamese problems with an edited template; empty when it can be saved.

    SMS: no diacritics, GSM-7 only, and the text without its placeholders must leave room
    in 160 characters (values are shortened to fit at send time, the fixed words are not).
    """
    problems = []
    if not body.strip():
        problems.append("Nội dung không được để trống.")
    for label, text in (("Nội dung", body), ("Tiêu đề", subject)):
        try:
            names = template_placeholders(text)
        except ValueError:
            problems.append(f"{label} có dấu ngoặc {{ }} không đúng cách.")
            continue
        unknown = sorted({n for n in names if n not in PLACEHOLDERS})
        if unknown:
            problems.append(f"{label} có trường không được hỗ trợ: "
                            + ", ".join("{" + n + "}" for n in unknown) + ".")
    if channel == Channel.SMS and not problems:
        if strip_diacritics(body) != body or not is_gsm(body):
            problems.append("Tin nhắn SMS phải viết không dấu (chỉ dùng ký tự GSM).")
        fixed = render(body, {})
        if gsm_length(fixed) > SMS_LIMIT - 20:
            problems.append(f"Tin nhắn SMS dài {gsm_length(fixed)} ký tự (chưa kể các trường); "
                            f"cần để lại chỗ cho mã hồ sơ, tối đa {SMS_LIMIT - 20} ký tự.")
    return problems


# -- recipients, keys, retries -----------------------------------------------------------

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def idempotency_key(scope: str, event: Event, occurrence: str, recipient: str,
                    channel: Channel) -> str:
    """One message per (dossier or contact, event, occurrence, recipient, channel).
    Hashed so the unique index stays small whatever the recipient's length."""
    raw = "\x1f".join((scope, event.value, occurrence, recipient.lower(), channel.value))
    return hashlib.sha256(raw.encode()).hexdigest()


BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
MAX_ATTEMPTS = 20


def next_attempt(now: datetime, attempts: int) -> datetime:
    """Exponential backoff after the `attempts`-th failure: 30 s, 1 min, 2 min … capped at
    2 h, so an outage of a day costs a few dozen calls per message, not thousands;
    20 attempts span about a day before a message is given up and shown to staff."""
    delay = BASE_DELAY * (2 ** max(attempts - 1, 0))
    return now + min(delay, MAX_DELAY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


# -- SMS lookup (tra cứu qua tin nhắn) -----------------------------------------------------

LOOKUP_RE = re.compile(r"^\s*TC\s+(?P<code>\S+)\s+(?P<factor>\d{4})\s*$", re.IGNORECASE)
LOOKUP_USAGE = "Sai cu phap. Soan: TC <ma ho so> <4 so cuoi SDT nguoi nop>"
LOOKUP_NOT_FOUND = ("Khong tim thay ho so voi ma va 4 so da nhap. Vui long kiem tra lai "
                    "ma tren phieu hen.")


def parse_lookup(text: str) -> tuple[str, str] | None:
    """`TC <code> <4 digits>` → (CODE, digits); anything else → None."""
    match = LOOKUP_RE.match(text or "")
    return (match["code"].upper(), match["factor"]) if match else None


def lookup_reply(code: str, status_label: str, due_date: str, done_date: str) -> str:
    """The answer to a found dossier, short enough for one SMS with any code."""
    text = f"Ho so {code}: {status_label}."
    if done_date:
        text += f" Ngay co ket qua: {done_date}."
    elif due_date:
        text += f" Hen tra: {due_date}."
    return text
