"""Rules of digital signatures (ký số). Pure: no I/O, no clock.

The PDF validator (`app.signatures.pades.inspect`) reduces a signed file to
`SignatureFacts`; `refusal` decides whether those facts make a valid signature of the step
being signed and, if not, says why in the words an officer reads:
"Tệp chưa được ký số hợp lệ: …". The order of the checks is the order an auditor asks:
is it signed at all, is it intact, is it the whole file, who vouches for the certificate,
is it the right person, at the right time, and is it the approved draft.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.formatting import to_local

INVALID = "Tệp chưa được ký số hợp lệ: "
# Signers' clocks (a USB token's computer) drift; a signature a few minutes "in the future"
# is a slow clock, one an hour ahead is not.
CLOCK_SKEW = timedelta(minutes=5)


class Problem(StrEnum):
    NOT_PDF = "not_pdf"
    UNSIGNED = "unsigned"
    BROKEN = "broken"
    CHANGED_AFTER = "changed_after"
    UNTRUSTED = "untrusted"
    WRONG_SIGNER = "wrong_signer"
    BEFORE_STEP = "before_step"
    IN_FUTURE = "in_future"
    NOT_THE_DRAFT = "not_the_draft"


REASONS = {
    Problem.NOT_PDF: "tệp không phải PDF đọc được.",
    Problem.UNSIGNED: "tệp chưa ký (không có chữ ký số nào trong tệp).",
    Problem.BROKEN: "tệp bị sửa sau khi ký (nội dung không còn khớp với chữ ký).",
    Problem.CHANGED_AFTER: "tệp bị sửa sau khi ký (có nội dung được thêm vào sau chữ ký).",
    Problem.UNTRUSTED: "chứng thư số không do tổ chức tin cậy cấp.",
    Problem.WRONG_SIGNER: "không phải chữ ký của người ký bước này.",
    Problem.BEFORE_STEP: "ký trước khi hồ sơ đến bước ký.",
    Problem.IN_FUTURE: "thời điểm ký ghi trong tệp ở tương lai (đồng hồ máy ký sai).",
    Problem.NOT_THE_DRAFT: "tệp đã ký không phải dự thảo kết quả đã trình duyệt.",
}


def message(problem: Problem, detail: str = "") -> str:
    """The sentence shown to the officer; `detail` adds what was found (e.g. who signed)."""
    reason = REASONS[problem]
    return f"{INVALID}{reason[:-1]} ({detail})." if detail else f"{INVALID}{reason}"


@dataclass(frozen=True)
class SignatureFacts:
    """What the validator found in a file's last signature. `readable` is false for
    bytes that are not a PDF; `signed` false for a PDF without a signature. `intact`: the
    signed bytes still match the signature; `whole_file`: nothing follows the signed
    revision; `trusted`: the certificate chains to a configured trust root."""

    readable: bool
    signed: bool = False
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    signer_fingerprint: str = ""  # SHA-256 of the signer's certificate, lower-case hex
    signer_name: str = ""
    signed_at: datetime | None = None  # as the signer's software wrote it


def integrity_problem(facts: SignatureFacts) -> Problem | None:
    """Whether the file carries a sound signature over all of itself by a trusted
    certificate, whoever signed it (what a scan's organisational signature needs)."""
    if not facts.readable:
        return Problem.NOT_PDF
    if not facts.signed:
        return Problem.UNSIGNED
    if not facts.intact:
        return Problem.BROKEN
    if not facts.whole_file:
        return Problem.CHANGED_AFTER
    if not facts.trusted:
        return Problem.UNTRUSTED
    return None


def refusal(
    facts: SignatureFacts,
    *,
    signer_fingerprints: Collection[str],
    reached_step_at: datetime | None,
    now: datetime,
    is_the_draft: bool = True,
) -> str | None:
    """Why this file is not a valid signature of the step, or None.

    `signer_fingerprints`: the certificates registered to the person holding the step;
    `reached_step_at`: when the dossier entered the step (None: unknown, not checked);
    `is_the_draft`: the signed revision is the draft that was approved."""
    problem = integrity_problem(facts)
    if problem is not None:
        return message(problem)
    if facts.signer_fingerprint.lower() not in {f.lower() for f in signer_fingerprints}:
        return message(Problem.WRONG_SIGNER, f"tệp do {facts.signer_name or 'người khác'} ký")
    if facts.signed_at is None:
        return message(Problem.BEFORE_STEP, "tệp không ghi thời điểm ký")
    # A signing time is written to the second: the second the step began counts as after.
    if reached_step_at is not None and facts.signed_at < reached_step_at.replace(microsecond=0):
        return message(Problem.BEFORE_STEP,
                       f"ký lúc {local_stamp_time(facts.signed_at)}, hồ sơ đến bước lúc "
                       f"{local_stamp_time(reached_step_at)}")
    if facts.signed_at > now + CLOCK_SKEW:
        return message(Problem.IN_FUTURE, f"ký lúc {local_stamp_time(facts.signed_at)}")
    if not is_the_draft:
        return message(Problem.NOT_THE_DRAFT)
    return None


def local_stamp_time(moment: datetime) -> str:
    """dd/mm/yyyy hh:mm in Vietnam's time, as the visible stamp and the messages show it."""
    return to_local(moment).strftime("%d/%m/%Y %H:%M")


def stamp_text(signer_name: str, agency_name: str, at: datetime) -> str:
    """The visible stamp: who signed, for which agency, when (local time)."""
    lines = [f"Ký bởi: {signer_name}"]
    if agency_name:
        lines.append(f"Cơ quan: {agency_name}")
    lines.append(f"Thời gian ký: {local_stamp_time(at)}")
    return "\n".join(lines)


def certificate_problem(not_before: datetime, not_after: datetime, now: datetime) -> str | None:
    """A registered certificate may sign only within its validity."""
    if now < not_before:
        return f"Chứng thư số chưa có hiệu lực (từ {local_stamp_time(not_before)})."
    if now > not_after:
        return f"Chứng thư số đã hết hạn ngày {local_stamp_time(not_after)}."
    return None


def step_entered_at(events: list[tuple[int | None, datetime]], step: int | None
                    ) -> datetime | None:
    """When the dossier entered `step`: the earliest of the latest run of events at that
    step. `events` are (step, at) oldest first; None when the dossier is not at `step`."""
    entered = None
    for event_step, at in reversed(events):
        if event_step != step:
            break
        entered = at
    return entered
