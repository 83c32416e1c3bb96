"""Rules of procedure versions and publishing decisions. Pure: no I/O.

A version is a draft until the provincial admin publishes it through a decision; it takes
effect at 00:00 local time on the decision's effective day ("scheduled" until then), is
"in force" until the next version takes effect, then "superseded". Abolishing is a version
too: the procedure leaves the catalogue on its effective day, its history stays public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.accounts.roles import Role


class VersionStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return {VersionStatus.DRAFT: "Bản nháp", VersionStatus.SCHEDULED: "Chờ hiệu lực",
                VersionStatus.IN_FORCE: "Đang có hiệu lực",
                VersionStatus.SUPERSEDED: "Hết hiệu lực"}[self]


class Change(StrEnum):
    ADD = "add"
    AMEND = "amend"
    ABOLISH = "abolish"

    @property
    def label(self) -> str:
        return {Change.ADD: "Công bố mới", Change.AMEND: "Sửa đổi, bổ sung",
                Change.ABOLISH: "Bãi bỏ"}[self]


PUBLISHED = (VersionStatus.SCHEDULED, VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)
# "1234/QĐ-UBND", "25/2025/QĐ-UBND", "QĐ 12": letters, digits and the usual separators.
_DECISION_NUMBER = re.compile(r"^[0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ/\-. ]{0,79}$")


@dataclass(frozen=True)
class Decision:
    number: str
    signed_on: date
    effective_from: date


def decision_problems(number: str, signed_on: date | None,
                      effective_from: date | None) -> dict[str, str]:
    """Form field → Vietnamese message for a publishing decision."""
    problems: dict[str, str] = {}
    if not _DECISION_NUMBER.match(number.strip()):
        problems["decision_number"] = "Nhập số quyết định công bố, ví dụ 1234/QĐ-UBND."
    if signed_on is None:
        problems["decision_signed_on"] = "Nhập ngày ký quyết định (dd/mm/yyyy)."
    if effective_from is None:
        problems["decision_effective_from"] = "Nhập ngày quyết định có hiệu lực (dd/mm/yyyy)."
    elif signed_on is not None and effective_from < signed_on:
        problems["decision_effective_from"] = "Ngày có hiệu lực không thể trước ngày ký."
    return problems


def same_decision(stored: Decision, number: str, signed_on: date, effective_from: date
                  ) -> str | None:
    """Why a decision number already recorded cannot be used with these dates, or None."""
    if stored.signed_on != signed_on or stored.effective_from != effective_from:
        return (f"Quyết định {stored.number} đã được ghi nhận với ngày ký "
                f"{stored.signed_on:%d/%m/%Y}, hiệu lực {stored.effective_from:%d/%m/%Y}; "
                "kiểm tra lại số hoặc ngày.")
    return None


def change_for(has_published: bool, abolished: bool, abolish: bool = False) -> Change:
    """An abolished procedure published again is added anew (its history stays)."""
    if abolish:
        return Change.ABOLISH
    return Change.AMEND if has_published and not abolished else Change.ADD


def status_on_publish(effective_from: date, today: date) -> VersionStatus:
    """A version whose day has come is in force at once; otherwise it waits for its day."""
    return VersionStatus.IN_FORCE if effective_from <= today else VersionStatus.SCHEDULED


@dataclass(frozen=True)
class ScheduledVersion:
    id: int
    number: int
    effective_from: date


def due_in_order(scheduled: list[ScheduledVersion], today: date) -> list[ScheduledVersion]:
    """Scheduled versions whose day has come, oldest first: applied in this order, the last
    one of each procedure is the one in force."""
    due = [v for v in scheduled if v.effective_from <= today]
    return sorted(due, key=lambda v: (v.effective_from, v.number))


def publish_conflict(change: Change, has_published: bool, abolished: bool,
                     scheduled_from: date | None) -> str | None:
    """Why this version cannot be published now (Vietnamese), or None."""
    if scheduled_from is not None:
        return (f"Thủ tục đã có một phiên bản chờ hiệu lực từ {scheduled_from:%d/%m/%Y}; "
                "chờ phiên bản đó có hiệu lực trước khi công bố phiên bản mới.")
    if change == Change.ABOLISH and not has_published:
        return "Thủ tục chưa được công bố nên không thể bãi bỏ."
    if change == Change.ABOLISH and abolished:
        return "Thủ tục đã bị bãi bỏ."
    return None


def edit_refusal(role: Role, user_agencies: tuple[int, ...] | list[int],
                 agencies: set[int | None]) -> str | None:
    """Why this user may not draft a procedure of these agencies (Vietnamese), or None: the
    provincial admin drafts any; an agency admin only its own agencies' procedures."""
    if role == Role.PROVINCIAL_ADMIN:
        return None
    if role != Role.AGENCY_ADMIN:
        return "Bạn không có quyền soạn thảo thủ tục hành chính."
    if not {a for a in agencies if a is not None} <= set(user_agencies):
        return "Quản trị cơ quan chỉ soạn thảo thủ tục do cơ quan mình thực hiện."
    return None
