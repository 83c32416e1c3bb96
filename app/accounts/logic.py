"""Who may administer which staff accounts, and what a staff account needs. Pure: no I/O.

The provincial admin manages every staff account; an agency admin manages the accounts of
its own agencies, gives only the roles an agency may ask for (seed 000) and only its own
agencies. Nobody changes their own role or disables themselves (no admin locks the
province out by mistake).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.accounts.roles import PROVINCE_WIDE_ROLES, STAFF_ROLES, Role
from app.text import is_phone

AGENCY_GRANTABLE = (Role.COUNTER_OFFICER, Role.HANDLER, Role.LEADER, Role.AGENCY_ADMIN,
                    Role.POSTAL_STAFF, Role.ARCHIVIST)  # the agency archive's own staff
ADMIN_ROLES = (Role.PROVINCIAL_ADMIN, Role.AGENCY_ADMIN)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def grantable_roles(actor_role: Role) -> tuple[Role, ...]:
    if actor_role == Role.PROVINCIAL_ADMIN:
        return tuple(r for r in Role if r in STAFF_ROLES)
    if actor_role == Role.AGENCY_ADMIN:
        return AGENCY_GRANTABLE
    return ()


def manage_refusal(actor_role: Role, actor_agencies: Iterable[int], target_role: Role,
                   target_agencies: Iterable[int]) -> str | None:
    """Why this actor may not administer this account at all (Vietnamese), or None."""
    if actor_role not in ADMIN_ROLES:
        return "Bạn không có quyền quản trị tài khoản."
    if target_role not in STAFF_ROLES:
        return "Trang này quản trị tài khoản cán bộ; tài khoản công dân do công dân tự quản lý."
    if actor_role == Role.AGENCY_ADMIN and (
            target_role in PROVINCE_WIDE_ROLES or not set(target_agencies) & set(actor_agencies)):
        return "Quản trị cơ quan chỉ quản trị tài khoản của cơ quan mình."
    return None


def change_refusal(actor_id: int, actor_role: Role, actor_agencies: Iterable[int],
                   target_id: int | None, role: Role, agencies: Iterable[int]) -> dict[str, str]:
    """Field → message for giving `role` and `agencies` to an account (new or existing)."""
    problems: dict[str, str] = {}
    if role not in grantable_roles(actor_role):
        problems["role"] = "Bạn không được giao vai trò này."
    agencies = set(agencies)
    if role not in PROVINCE_WIDE_ROLES and not agencies:
        problems["agencies"] = "Chọn ít nhất một cơ quan cho tài khoản cán bộ."
    if actor_role == Role.AGENCY_ADMIN and not agencies <= set(actor_agencies):
        problems["agencies"] = "Quản trị cơ quan chỉ giao cơ quan của mình."
    if target_id is not None and target_id == actor_id and role != actor_role:
        problems["role"] = "Không thể tự thay đổi vai trò của chính mình."
    return problems


def account_problems(username: str, full_name: str, email: str, phone: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not _USERNAME.match(username):
        problems["username"] = ("Tên đăng nhập gồm 3–60 chữ thường không dấu, số, dấu chấm, "
                                "gạch ngang hoặc gạch dưới.")
    if not full_name.strip():
        problems["full_name"] = "Nhập họ và tên."
    if email and not _EMAIL.match(email):
        problems["email"] = "Thư điện tử không đúng định dạng, ví dụ ten@quangngai.gov.vn."
    if phone and not is_phone(phone):
        problems["phone"] = "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."
    if not email and not phone:
        problems["email"] = "Nhập thư điện tử hoặc số điện thoại để gửi đường dẫn đặt mật khẩu."
    return problems


def reason_problem(reason: str) -> dict[str, str]:
    if len(reason.strip()) < 5:
        return {"reason": "Nêu lý do thay đổi (ghi vào nhật ký), ví dụ số văn bản đề nghị."}
    return {}
