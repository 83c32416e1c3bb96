"""Dossier statuses, channels and the dossier code format. Pure: no I/O."""

import re
from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from functools import lru_cache


class Status(IntEnum):
    """The national statuses synchronised with the national portal, plus a local draft."""

    DRAFT = 0
    NEW = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    FINANCIAL_OBLIGATION = 6
    WITHDRAWAL_REQUESTED = 7
    STOPPED = 8
    PROCESSED = 9
    RETURNED = 10

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.DRAFT: "Bản nháp",
    Status.NEW: "Mới nộp",
    Status.RECEIVED: "Đã tiếp nhận",
    Status.NOT_RECEIVED: "Không tiếp nhận",
    Status.PROCESSING: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung",
    Status.FINANCIAL_OBLIGATION: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWAL_REQUESTED: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.PROCESSED: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}

# Dossiers still owed a result: the clock runs (or is paused) for these.
OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.FINANCIAL_OBLIGATION,
        Status.WITHDRAWAL_REQUESTED,
    }
)


class Channel(IntEnum):
    IN_PERSON = 1
    ONLINE = 2
    POST = 3

    @property
    def label(self) -> str:
        return {1: "Trực tiếp", 2: "Trực tuyến", 3: "Qua bưu chính"}[self.value]


# Dossier code: <agency code>-<yymmdd>-<daily sequence, 4+ digits>,
# e.g. 000.00.17.H55-260213-0007. The agency code is the agency's identifier code.
CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z.]{1,40})-(?P<day>\d{6})-(?P<seq>\d{4,})\Z", re.ASCII)


def format_dossier_code(agency_code: str, day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"


def parse_dossier_code(code: str) -> tuple[str, date, int] | None:
    """The parts of a well-formed code, or None (the caller shows a plain message)."""
    match = CODE_RE.match(code.strip().upper())
    if not match:
        return None
    day = match["day"]
    try:
        parsed = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
    except ValueError:
        return None
    return match["agency"], parsed, int(match["seq"])


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def canonical_code(typed: str, agency_codes: Sequence[str]) -> str | None:
    """The dossier code a person meant, typed with or without its dots, dashes and spaces
    ("0000017h55 260213 0007" → "000.00.17.H55-260213-0007"), or None. Where the agency
    part ends is known from the agencies' own codes (the longest that fits wins); the
    rest is the six-digit day and the sequence. A well-formed code of no known agency is
    kept as typed (it is simply not found)."""
    compact = _compact(typed)
    lengths, agency_of = _agency_prefixes(tuple(agency_codes))
    # The first agency, in the order of `_agency_prefixes`, whose code begins the typed one
    # and leaves a day and a sequence after it.
    fits = [agency_of[compact[:n]] for n in lengths if compact[:n] in agency_of
            and compact[n:].isascii() and compact[n:].isdigit() and len(compact) - n >= 10]
    if fits:
        _, agency, length = min(fits)
        rest = compact[length:]
        code = f"{agency}-{rest[:6]}-{rest[6:]}"
        return code if parse_dossier_code(code) is not None else None
    return typed.strip().upper() if parse_dossier_code(typed) is not None else None


@lru_cache(maxsize=8)
def _agency_prefixes(agency_codes: tuple[str, ...]
                     ) -> tuple[list[int], dict[str, tuple[int, str, int]]]:
    """Each agency code without its punctuation, naming (rank, code, length) of the first
    agency written that way, ranked longest code first; and the lengths there are. Made
    once per list of codes (every lookup places its code with the same list) instead of
    compacting every agency's code on every lookup."""
    agency_of: dict[str, tuple[int, str, int]] = {}
    for rank, agency in enumerate(sorted(agency_codes, key=len, reverse=True)):
        if prefix := _compact(agency):
            agency_of.setdefault(prefix, (rank, agency, len(prefix)))
    return sorted({len(prefix) for prefix in agency_of}), agency_of


LAST_DIGITS_RE = re.compile(r"\A\d{4}\Z", re.ASCII)


def last_digits_problem(digits: str) -> str | None:
    """Why the lookup's second factor is not four digits (Vietnamese), or None."""
    if LAST_DIGITS_RE.match(digits.strip()):
        return None
    return "Nhập đúng 4 chữ số cuối của số điện thoại hoặc CCCD (chỉ gồm chữ số)."
