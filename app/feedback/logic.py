"""Feedback and petitions: statuses, who may do what, deadlines, redaction, figures. Pure.

Flow: received → (provincial admin classifies and routes) routed → the agency refuses,
asks the submitter for more information (back to routed when supplied) or answers →
published (only when the submitter agreed, with personal data removed). The submitter
rates the answer once. Deadlines in working days (DOMAIN.md, to verify, configuration):
refuse ≤ 2, ask for more ≤ 5, answer ≤ 15 from reception; publish ≤ 2 from the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from app.accounts.roles import Role
from app.text import fold


class FeedbackError(ValueError):
    """A refusal with a Vietnamese message fit to show the user."""


class Status(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"
    MORE_INFO = "more_info"
    REFUSED = "refused"
    ANSWERED = "answered"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.RECEIVED: "Đã tiếp nhận, chờ phân loại",
    Status.ROUTED: "Đã chuyển cơ quan xử lý",
    Status.MORE_INFO: "Đề nghị bổ sung thông tin",
    Status.REFUSED: "Từ chối xử lý",
    Status.ANSWERED: "Đã trả lời",
    Status.PUBLISHED: "Đã trả lời và công khai",
}


class Category(StrEnum):
    FEEDBACK = "phan_anh"  # about conduct or a problem (phản ánh)
    PETITION = "kien_nghi"  # a proposal about rules (kiến nghị)

    @property
    def label(self) -> str:
        return {Category.FEEDBACK: "Phản ánh", Category.PETITION: "Kiến nghị"}[self]


class Move(StrEnum):
    ROUTE = "route"
    REFUSE = "refuse"
    ASK_MORE = "ask_more"
    SUPPLY = "supply"
    ANSWER = "answer"
    PUBLISH = "publish"

    @property
    def label(self) -> str:
        return MOVE_LABELS[self]


MOVE_LABELS = {
    Move.ROUTE: "Phân loại và chuyển cơ quan xử lý",
    Move.REFUSE: "Từ chối xử lý",
    Move.ASK_MORE: "Đề nghị bổ sung thông tin",
    Move.SUPPLY: "Bổ sung thông tin",
    Move.ANSWER: "Trả lời",
    Move.PUBLISH: "Công khai trả lời",
}

# Working days (configuration): DOMAIN.md, marked to verify.
DEADLINES = {"refuse": 2, "ask_more": 5, "answer": 15, "publish": 2}

PROVINCE = frozenset({Role.PROVINCIAL_ADMIN})
AGENCY = frozenset({Role.AGENCY_ADMIN, Role.LEADER, Role.HANDLER})
SUBMITTER = frozenset({Role.CITIZEN, Role.ORGANISATION})
STAFF_HANDLING = PROVINCE | AGENCY

# (status, move) → (new status, roles allowed)
MOVES: dict[tuple[Status, Move], tuple[Status, frozenset[Role]]] = {
    (Status.RECEIVED, Move.ROUTE): (Status.ROUTED, PROVINCE),
    (Status.RECEIVED, Move.REFUSE): (Status.REFUSED, PROVINCE),
    (Status.ROUTED, Move.REFUSE): (Status.REFUSED, AGENCY | PROVINCE),
    (Status.ROUTED, Move.ASK_MORE): (Status.MORE_INFO, AGENCY),
    (Status.ROUTED, Move.ANSWER): (Status.ANSWERED, AGENCY),
    (Status.MORE_INFO, Move.SUPPLY): (Status.ROUTED, SUBMITTER),
    (Status.ANSWERED, Move.PUBLISH): (Status.PUBLISHED, AGENCY | PROVINCE),
}


def moves_for(status: Status, role: Role, *, in_scope: bool, agreed_to_publish: bool
              ) -> list[Move]:
    """What this role may do now; agency roles only on feedback routed to their agency."""
    found = []
    for (at, move), (_, roles) in MOVES.items():
        if at != status or role not in roles:
            continue
        if role in AGENCY and not in_scope:
            continue
        if move == Move.PUBLISH and not agreed_to_publish:
            continue
        found.append(move)
    return found


def next_status(status: Status, move: Move, role: Role, *, in_scope: bool,
                agreed_to_publish: bool) -> Status:
    if move not in moves_for(status, role, in_scope=in_scope,
                             agreed_to_publish=agreed_to_publish):
        raise FeedbackError(f"Không thể “{move.label}” khi phản ánh ở trạng thái "
                            f"“{status.label}”.")
    return MOVES[(status, move)][0]


def due_moment(status: Status, received_due: dict[str, datetime],
               publish_due: datetime | None) -> datetime | None:
    """The deadline that applies now: classification or refusal while received, the
    answer while routed or waiting, publication once answered."""
    if status == Status.RECEIVED:
        return received_due["refuse"]
    if status in (Status.ROUTED, Status.MORE_INFO):
        return received_due["answer"]
    if status == Status.ANSWERED:
        return publish_due
    return None


_PHONE = re.compile(r"(?:\+84|\b0)\d[\d .]{7,12}\d\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID = re.compile(r"\b\d{9,12}\b")
HIDDEN = "[đã ẩn]"


def redact(text: str, names: list[str]) -> str:
    """Personal data removed for publication: e-mails, phone and ID numbers, the
    submitter's name and the names the officer confirmed (as written, and without case)."""
    text = _EMAIL.sub(HIDDEN, text)
    text = _PHONE.sub(HIDDEN, text)
    text = _ID.sub(HIDDEN, text)
    for name in names:
        if name.strip():
            text = re.sub(re.escape(name.strip()), HIDDEN, text, flags=re.IGNORECASE)
    return text


# Names of private persons the submitter or the officer wrote ("bà Nguyễn Thị Hoa") are not
# known to the system, so they are found by shape and the officer confirms each one.
HONORIFICS = frozenset({"ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "cháu",
                        "dì", "thím", "mợ", "cậu"})
# The commonest family names (over 90% of the population); folded for comparison.
FAMILY_NAMES = frozenset(fold(n) for n in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Lương", "Đoàn", "Trương", "Lâm", "Mai",
    "Trịnh", "Đào", "Cao", "Hà", "Tô", "Tạ", "Châu", "Thái", "Kiều", "Quách", "La", "Lưu",
    "Tăng", "Triệu", "Hứa", "Văn", "Y", "A"))
# A capitalised run after these is a place, not a person ("phường Trần Hưng Đạo").
PLACE_WORDS = frozenset({"đường", "phố", "phường", "xã", "thôn", "tổ", "quận", "huyện",
                         "tỉnh", "thị", "trấn", "thành", "làng", "bản", "ấp", "khu", "cầu",
                         "chợ", "sông", "trường", "viện", "đội", "hẻm", "ngõ", "kiệt",
                         "số", "lô", "công", "ty", "sở", "ban", "phòng", "ubnd", "hđnd"})
_WORD = re.compile(r"[^\W\d_]+")
MAX_NAME_WORDS = 5


def _capitalised(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or not word[1:].isupper() or len(word) <= 2)


def private_names(text: str) -> list[str]:
    """Likely names of private persons, in order of appearance, each once: a capitalised
    run after an honorific ("bà Nguyễn Thị Hoa", "anh Tú"), or of two words or more that
    starts with a common family name ("Trần Văn Bình"); never a run after a place word
    ("phường Trần Hưng Đạo", "đường Lê Lợi"). Upper-case acronyms are not names."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    found: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while (j < len(words) and _capitalised(words[j][2]) and j - i < MAX_NAME_WORDS
               and (j == i or text[words[j - 1][1]:words[j][0]].isspace())):
            j += 1
        if j == i:
            i += 1
            continue
        first = words[i][2].lower()
        if first in PLACE_WORDS:  # "Phường Trần Hưng Đạo …" opening a sentence
            i = j
            continue
        if first in HONORIFICS and j - i >= 2:  # "Bà Nguyễn Thị Hoa …" opening a sentence
            start, before, adjacent = i + 1, first, True
        else:
            start, before = i, words[i - 1][2].lower() if i else ""
            adjacent = bool(i) and text[words[i - 1][1]:words[i][0]].isspace()
        honoured = adjacent and before in HONORIFICS
        family = j - start >= 2 and fold(words[start][2]) in FAMILY_NAMES
        if (honoured or family) and not (adjacent and before in PLACE_WORDS):
            name = text[words[start][0]:words[j - 1][1]]
            if name not in found:
                found.append(name)
        i = j
    return found


@dataclass(frozen=True)
class Publication:
    """What the public page would show, and the names found for the officer to confirm."""

    title: str
    content: str
    answer: str
    flagged: list[str]
    chosen: list[str]


def publication(title: str, content: str, answer: str, submitter: str,
                chosen: list[str] | None = None, extra: list[str] = ()) -> Publication:
    """The redacted texts with the names the officer keeps hidden (`chosen`; None: every
    name found, the safe default) and any the finder missed (`extra`, typed by the
    officer). The submitter's own name is always hidden."""
    flagged: list[str] = []
    for part in (title, content, answer):
        flagged += [n for n in private_names(part)
                    if n not in flagged and fold(n) != fold(submitter)]
    kept = flagged if chosen is None else [n for n in chosen if n in flagged]
    names = [submitter, *kept, *(n.strip() for n in extra if len(n.strip()) > 1)]
    return Publication(redact(title, names), redact(content, names), redact(answer, names),
                       flagged, kept)


@dataclass(frozen=True)
class Figures:
    """For the service index (satisfaction group): answered on time, satisfaction."""

    received: int
    answered: int
    answered_on_time: int
    overdue_open: int
    rated: int
    satisfied: int

    @property
    def on_time_rate(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(self.answered_on_time) * 100 / self.answered).quantize(Decimal("0.01"))

    @property
    def satisfaction_rate(self) -> Decimal | None:
        if not self.rated:
            return None
        return (Decimal(self.satisfied) * 100 / self.rated).quantize(Decimal("0.01"))


def figures(rows: list[dict], now: datetime) -> Figures:
    """rows: status, answered_at, answer_due_at, due_at, rating (1 satisfied, 0 not)."""
    answered = [r for r in rows if r["answered_at"] is not None]
    return Figures(
        received=len(rows), answered=len(answered),
        answered_on_time=sum(1 for r in answered if r["answered_at"] <= r["answer_due_at"]),
        overdue_open=sum(1 for r in rows if r["due_at"] is not None and r["due_at"] < now
                         and r["status"] in (Status.RECEIVED, Status.ROUTED,
                                             Status.ANSWERED)),
        rated=sum(1 for r in rows if r["rating"] is not None),
        satisfied=sum(1 for r in rows if r["rating"] == 1),
    )


# -- phone verification for submitters without an account -------------------------------------

CODE_TTL_MINUTES = 10
MAX_CODE_ATTEMPTS = 5
MAX_CODES_PER_PHONE_HOUR = 3


def new_code() -> str:
    import secrets

    return f"{secrets.randbelow(1_000_000):06d}"


def code_problem(expires_at: datetime, used_at: datetime | None, attempts: int,
                 now: datetime) -> str | None:
    """Why a pending verification can no longer be confirmed (Vietnamese), or None."""
    if used_at is not None:
        return "Phản ánh này đã được xác thực và gửi đi."
    if now >= expires_at:
        return "Mã xác thực đã hết hạn. Vui lòng gửi lại phản ánh để nhận mã mới."
    if attempts >= MAX_CODE_ATTEMPTS:
        return "Nhập sai mã quá nhiều lần. Vui lòng gửi lại phản ánh để nhận mã mới."
    return None
