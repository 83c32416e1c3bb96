"""Administering staff accounts: create, edit role and agencies, disable and enable, reset
the second factor, send a set-password link; search. Every change is one transaction with
its audit entry (who, and the reason given). Accounts made by the account-request
procedure (`app.internal`, seed 000) are the same rows, so they are managed here too;
disabling is that procedure's revocation (sessions end at once, open dossiers flagged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

from app.accounts import logic
from app.accounts.roles import STAFF_ROLES, Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User, UserAgency
from app.audit import service as audit
from app.audit.tables import AuditEntry
from app.db import write_transaction
from app.directory.tables import Agency
from app.formatting import now_utc
from app.internal import messages
from app.internal import service as internal
from app.internal.logic import PENDING_PASSWORD_HASH, Ground
from app.refusals import Refusal, refuse
from app.text import fold

MAX_LISTED = 200


class AdminError(Refusal):
    """A refusal of this area (Vietnamese message, fields at fault)."""


_refuse = partial(refuse, error=AdminError)


@dataclass(frozen=True)
class AccountValues:
    username: str
    full_name: str
    role: Role
    agencies: tuple[int, ...]
    email: str = ""
    phone: str = ""


async def _agencies_of(user_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for row in await UserAgency.select(UserAgency.user, UserAgency.agency).where(
            UserAgency.user.is_in(user_ids or [-1])):
        found.setdefault(row["user"], []).append(row["agency"])
    return found


async def search(actor: CurrentUser, q: str = "", agency_id: int | None = None) -> list[dict]:
    """Staff accounts this admin manages, matching the words in name or username (without
    diacritics) and the agency."""
    rows = await User.select(
        User.id, User.username, User.full_name, User.role, User.active, User.email,
        User.last_login_at, User.password_hash,
    ).where(User.role.is_in([r.value for r in STAFF_ROLES])).order_by(User.full_name)
    links = await _agencies_of([r["id"] for r in rows])
    names = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name)}
    words = fold(q).split()
    found = []
    for row in rows:
        agencies = links.get(row["id"], [])
        if logic.manage_refusal(actor.role, actor.agency_ids, Role(row["role"]), agencies):
            continue
        if agency_id is not None and agency_id not in agencies:
            continue
        if not all(w in fold(f"{row['full_name']} {row['username']}") for w in words):
            continue
        row["pending"] = row.pop("password_hash") == PENDING_PASSWORD_HASH
        row["agency_names"] = [names[a] for a in agencies if a in names]
        found.append(row)
    return found[:MAX_LISTED]


async def account(actor: CurrentUser, user_id: int) -> dict | None:
    """The account with its agencies and history, if this admin manages it."""
    row = await User.select(
        User.id, User.username, User.full_name, User.role, User.active, User.email,
        User.phone, User.created_at, User.last_login_at, User.password_hash,
    ).where(User.id == user_id).first()
    if row is None:
        return None
    row["agencies"] = (await _agencies_of([user_id])).get(user_id, [])
    if logic.manage_refusal(actor.role, actor.agency_ids, Role(row["role"]), row["agencies"]):
        return None
    row["pending"] = row.pop("password_hash") == PENDING_PASSWORD_HASH
    history = await AuditEntry.select(
        AuditEntry.at, AuditEntry.action, AuditEntry.data, AuditEntry.actor_id,
    ).where((AuditEntry.entity == "user") & (AuditEntry.entity_id == str(user_id))).order_by(
        AuditEntry.id, ascending=False).limit(50)
    actors = {r["id"]: r["full_name"] for r in await User.select(User.id, User.full_name).where(
        User.id.is_in([h["actor_id"] for h in history if h["actor_id"]] or [-1]))}
    for entry in history:
        data = json.loads(entry["data"] or "{}")
        entry["reason"] = data.pop("reason", "") or data.pop("ground", "")
        entry["actor"] = actors.get(entry["actor_id"], "")
    row["history"] = history
    return row


async def _managed(actor: CurrentUser, user_id: int) -> dict:
    row = await account(actor, user_id)
    if row is None:
        raise AdminError("Không tìm thấy tài khoản, hoặc bạn không quản trị tài khoản này.")
    return row


async def _set_agencies(user_id: int, agencies: tuple[int, ...]) -> None:
    known = {a["id"] for a in await Agency.select(Agency.id).where(Agency.id.is_in(
        list(agencies) or [-1]))}
    if known != set(agencies):
        _refuse({"agencies": "Cơ quan đã chọn không tồn tại."})
    await UserAgency.delete().where(UserAgency.user == user_id)
    for agency in agencies:
        await UserAgency(user=user_id, agency=agency).save()


async def create(actor: CurrentUser, values: AccountValues, reason: str) -> int:
    """A staff account with no usable password; its holder gets a one-time link."""
    username = values.username.strip().lower()
    _refuse({**logic.account_problems(username, values.full_name, values.email, values.phone),
             **logic.change_refusal(actor.id, actor.role, actor.agency_ids, None, values.role,
                                    values.agencies), **logic.reason_problem(reason)})
    async with write_transaction():
        if await User.exists().where(User.username == username):
            _refuse({"username": "Tên đăng nhập này đã được sử dụng."})
        user = User(username=username, full_name=values.full_name.strip(),
                    role=values.role.value, email=values.email.strip().lower(),
                    phone=values.phone.strip(), password_hash=PENDING_PASSWORD_HASH,
                    created_at=now_utc())
        await user.save()
        await _set_agencies(user.id, values.agencies)
        await audit.record("user.created", "user", user.id,
                           {"username": username, "role": values.role.value,
                            "agencies": list(values.agencies), "reason": reason.strip()},
                           actor_id=actor.id)
        await _send_link(user.id, user.full_name, user.email, user.phone)
    messages.schedule_delivery()
    return user.id


async def update(actor: CurrentUser, user_id: int, role: Role, agencies: tuple[int, ...],
                 full_name: str, reason: str) -> None:
    async with write_transaction():
        before = await _managed(actor, user_id)
        _refuse({**logic.change_refusal(actor.id, actor.role, actor.agency_ids, user_id, role,
                                        agencies), **logic.reason_problem(reason)})
        if not full_name.strip():
            _refuse({"full_name": "Nhập họ và tên."})
        await User.update({User.role: role.value, User.full_name: full_name.strip()}).where(
            User.id == user_id)
        await _set_agencies(user_id, agencies)
        await audit.record("user.updated", "user", user_id, {
            "role": [before["role"], role.value],
            "agencies": [sorted(before["agencies"]), sorted(agencies)],
            "reason": reason.strip()}, actor_id=actor.id)


async def disable(actor: CurrentUser, user_id: int, ground: Ground, reason: str) -> int:
    """Revocation: login refused and every session ended at once; the number of open
    dossiers still assigned to the person (their leader reassigns them)."""
    _refuse(logic.reason_problem(reason))
    async with write_transaction():
        await _managed(actor, user_id)
        try:
            open_dossiers = await internal.revoke_account(user_id, actor, ground,
                                                          reason.strip())
        except internal.InternalError as exc:
            raise AdminError(str(exc)) from None
        await audit.record("user.disabled_by_admin", "user", user_id,
                           {"ground": ground.value, "reason": reason.strip()},
                           actor_id=actor.id)
    return open_dossiers


async def enable(actor: CurrentUser, user_id: int, reason: str) -> None:
    _refuse(logic.reason_problem(reason))
    async with write_transaction():
        row = await _managed(actor, user_id)
        if row["active"]:
            raise AdminError("Tài khoản này đang hoạt động.")
        await User.update({User.active: True}).where(User.id == user_id)
        await audit.record("user.enabled", "user", user_id, {"reason": reason.strip()},
                           actor_id=actor.id)


async def reset_second_factor(actor: CurrentUser, user_id: int, reason: str) -> None:
    from app.accounts import second_factor_service

    _refuse(logic.reason_problem(reason))
    async with write_transaction():
        row = await _managed(actor, user_id)
        await second_factor_service.reset(row["username"], actor_id=actor.id)
        await audit.record("user.second_factor_reset_by_admin", "user", user_id,
                           {"reason": reason.strip()}, actor_id=actor.id)


async def send_link(actor: CurrentUser, user_id: int, reason: str) -> None:
    _refuse(logic.reason_problem(reason))
    async with write_transaction():
        row = await _managed(actor, user_id)
        if not row["active"]:
            raise AdminError("Tài khoản đã bị thu hồi; kích hoạt lại trước khi gửi đường dẫn.")
        if not row["email"] and not row["phone"]:
            raise AdminError("Tài khoản chưa có thư điện tử hoặc số điện thoại để gửi.")
        await _send_link(user_id, row["full_name"], row["email"], row["phone"])
        await audit.record("user.password_link_sent", "user", user_id,
                           {"reason": reason.strip()}, actor_id=actor.id)
    messages.schedule_delivery()


async def _send_link(user_id: int, full_name: str, email: str, phone: str) -> None:
    path = await internal.issue_set_password_link(user_id)
    await messages.send_set_password_link(user_id=user_id, full_name=full_name, email=email,
                                          phone=phone, path=path)
