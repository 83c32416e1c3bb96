"""What the counter decides after checking a dossier, and what it must write down. Pure.

Accept (form 01), ask for a supplement listing everything missing at once (form 02),
refuse with the reason (form 03), or direct the applicant to the competent agency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.workflow import Action


class Outcome(StrEnum):
    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"
    REDIRECT = "redirect"

    @property
    def action(self) -> Action:
        return {
            Outcome.ACCEPT: Action.ACCEPT, Outcome.SUPPLEMENT: Action.REQUEST_SUPPLEMENT,
            Outcome.REFUSE: Action.REFUSE, Outcome.REDIRECT: Action.REDIRECT,
        }[self]


OUTCOME_LABELS = {
    Outcome.ACCEPT: "Tiếp nhận hồ sơ, in phiếu hẹn",
    Outcome.SUPPLEMENT: "Hồ sơ chưa đầy đủ: yêu cầu bổ sung",
    Outcome.REFUSE: "Từ chối tiếp nhận",
    Outcome.REDIRECT: "Không thuộc thẩm quyền: hướng dẫn nộp nơi khác",
}


@dataclass(frozen=True)
class Decision:
    """The outcome and the parameters the state machine needs for it; `errors` maps form
    fields to Vietnamese messages."""

    outcome: Outcome
    params: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)


def supplement_reason(missing: Iterable[str], note: str) -> str:
    """The written request: every missing component, then the officer's note (a request to
    complete a dossier is made once, in full)."""
    lines = [f"- {name}" for name in missing]
    text = ("Cần bổ sung:\n" + "\n".join(lines)) if lines else ""
    note = note.strip()
    return f"{text}\n{note}".strip() if note else text


def decide(data: Mapping[str, str], missing_required: Iterable[str]) -> Decision:
    """Read the counter's choice from the form. `missing_required` are the names of the
    required components the officer did not tick."""
    try:
        outcome = Outcome(data.get("outcome") or Outcome.ACCEPT)
    except ValueError:
        return Decision(Outcome.ACCEPT, errors={"outcome": "Chọn kết quả kiểm tra hồ sơ."})
    reason = (data.get("reason") or "").strip()
    if outcome == Outcome.ACCEPT:
        return Decision(outcome)
    if outcome == Outcome.SUPPLEMENT:
        text = supplement_reason(missing_required, reason)
        if not text:
            return Decision(outcome, errors={
                "reason": "Ghi rõ giấy tờ cần bổ sung (hoặc bỏ đánh dấu thành phần còn thiếu)."})
        return Decision(outcome, {"reason": text})
    if outcome == Outcome.REFUSE:
        if not reason:
            return Decision(outcome, errors={"reason": "Cần nêu rõ lý do từ chối tiếp nhận."})
        return Decision(outcome, {"reason": reason})
    target = (data.get("target_agency_id") or "").strip()
    name = (data.get("target_agency_name") or "").strip()
    if not target.isdigit() and not name:
        return Decision(outcome, errors={
            "target_agency_id": "Chọn hoặc ghi tên cơ quan có thẩm quyền giải quyết."})
    params: dict[str, Any] = {"target_agency_name": name, "reason": reason}
    if target.isdigit():
        params["target_agency_id"] = int(target)
    return Decision(outcome, params)
