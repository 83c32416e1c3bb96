"""Dossier statuses, channels and the dossier code format. Pure: no I/O."""

import re
from datetime import date
from enum import IntEnum


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
