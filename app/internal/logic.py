"""Rules of the account procedures of seed 000. Pure: no I/O.

Three internal procedures, whose applicant is an agency: issuing and revoking accounts of
the provincial reporting system (this system), issuing accounts of the document management
system, revoking those. The grounds for revocation that seed 000 asks to make explicit
(transfer, retirement, long leave) are named here once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.accounts.passwords import password_problems
from app.accounts.roles import Role


class System(StrEnum):
    REPORTING = "bao_cao"  # Hệ thống thông tin báo cáo tỉnh: this system
    DOCUMENTS = "qlvb"  # Hệ thống Quản lý văn bản và điều hành: external

    @property
    def label(self) -> str:
        return {System.REPORTING: "Hệ thống thông tin báo cáo tỉnh (Hệ thống này)",
                System.DOCUMENTS: "Hệ thống Quản lý văn bản và điều hành"}[self]


class Kind(StrEnum):
    GRANT = "cap"
    REVOKE = "thu_hoi"

    @property
    def label(self) -> str:
        return {Kind.GRANT: "Cấp tài khoản", Kind.REVOKE: "Thu hồi tài khoản"}[self]


class Ground(StrEnum):
    """Why an account is revoked; the last three are changes of the officer's status."""

    REQUEST = "theo_de_nghi"
    TRANSFERRED = "chuyen_cong_tac"
    RETIRED = "nghi_huu"
    LONG_LEAVE = "nghi_dai_han"

    @property
    def label(self) -> str:
        return GROUND_LABELS[self]


GROUND_LABELS = {
    Ground.REQUEST: "Theo đề nghị của cơ quan",
    Ground.TRANSFERRED: "Chuyển công tác",
    Ground.RETIRED: "Nghỉ hưu",
    Ground.LONG_LEAVE: "Nghỉ dài hạn",
}

# Procedure code → the system it concerns and, when fixed, the kind of request.
PROCEDURES: dict[str, tuple[System, Kind | None]] = {
    "NB.H55.01": (System.REPORTING, None),  # issue or revoke: the request says which
    "NB.H55.02": (System.DOCUMENTS, Kind.GRANT),
    "NB.H55.03": (System.DOCUMENTS, Kind.REVOKE),
}

# Roles an agency may ask for; province-wide roles are given by the Provincial Office only.
GRANTABLE_ROLES = (Role.COUNTER_OFFICER, Role.HANDLER, Role.LEADER, Role.AGENCY_ADMIN)

SET_PASSWORD_TTL = timedelta(hours=72)
STAFF_PASSWORD_MIN_LENGTH = 10  # staff rule (with the second factor added by "security")
MAX_PEOPLE = 50
PENDING_PASSWORD_HASH = "!chua-dat-mat-khau"  # never verifies: argon2 rejects the format

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^0\d{9,10}$")


@dataclass(frozen=True)
class Person:
    full_name: str
    position: str
    unit: str
    email: str
    phone: str
    reason: str
    role: str = ""  # for a grant on this system
    ground: str = ""  # for a revocation


def person_problems(person: Person, system: System, kind: Kind) -> dict[str, str]:
    """Field → Vietnamese message for each problem with one listed person."""
    problems: dict[str, str] = {}
    if not person.full_name:
        problems["full_name"] = "Nhập họ và tên."
    if not person.position:
        problems["position"] = "Nhập chức vụ."
    if not person.unit:
        problems["unit"] = "Nhập đơn vị công tác."
    if not _EMAIL.match(person.email):
        problems["email"] = "Thư điện tử không đúng định dạng, ví dụ ten@quangngai.gov.vn."
    if person.phone and not _PHONE.match(person.phone):
        problems["phone"] = "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0."
    if not person.reason:
        problems["reason"] = "Nêu lý do đề nghị."
    if kind == Kind.GRANT and system == System.REPORTING and person.role not in {
            r.value for r in GRANTABLE_ROLES}:
        problems["role"] = "Chọn vai trò trên Hệ thống."
    if kind == Kind.REVOKE and person.ground not in {g.value for g in Ground}:
        problems["ground"] = "Chọn căn cứ thu hồi (chuyển công tác, nghỉ hưu, nghỉ dài hạn…)."
    return problems


def username_for(email: str, taken: set[str]) -> str:
    """The e-mail's local part, lower case, made unique with a number when taken."""
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@", 1)[0].lower()) or "canbo"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def new_token() -> tuple[str, str]:
    """A one-time token for a link and the hash that is stored (never the token)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_problem(created_at: datetime, expires_at: datetime, used_at: datetime | None,
                  now: datetime) -> str | None:
    """Why a set-password link cannot be used now (Vietnamese), or None."""
    if used_at is not None:
        return "Đường dẫn này đã được sử dụng. Mỗi đường dẫn chỉ dùng được một lần."
    if now >= expires_at:
        return "Đường dẫn này đã hết hạn. Đề nghị cơ quan gửi lại đề nghị cấp tài khoản."
    return None


def staff_password_problems(password: str, confirm: str, username: str) -> list[str]:
    problems = [p for p in password_problems(password, username=username)
                if "ít nhất" not in p]
    if len(password) < STAFF_PASSWORD_MIN_LENGTH:
        problems.insert(0, f"Mật khẩu phải có ít nhất {STAFF_PASSWORD_MIN_LENGTH} ký tự.")
    if password != confirm:
        problems.append("Hai lần nhập mật khẩu không khớp.")
    return problems
