"""Account requests of agencies, processed by the Provincial Office through the dossier
workflow (`app.workflow.service.perform`); grants, revocations and set-password links.

Each state change is one write transaction with its audit entry: the dossier action, the
accounts it creates or disables, the links queued, all or nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, replace
from html import escape

from app.accounts.passwords import hash_password
from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User, UserAgency, UserSession
from app.audit import service as audit
from app.catalog.tables import Procedure
from app.counter.service import next_code
from app.db import write_transaction
from app.directory.tables import Agency
from app.documents.pdf import html_to_pdf
from app.dossiers.logic import OPEN_STATUSES, Channel, Status
from app.dossiers.tables import Dossier, DossierEvent, RuleVersion
from app.files import store
from app.formatting import format_datetime, now_utc, to_local
from app.internal import messages
from app.internal.logic import (
    MAX_PEOPLE,
    PENDING_PASSWORD_HASH,
    PROCEDURES,
    SET_PASSWORD_TTL,
    Ground,
    Kind,
    Person,
    System,
    new_token,
    person_problems,
    staff_password_problems,
    token_hash,
    token_problem,
    username_for,
)
from app.internal.tables import (
    AccountChange,
    AccountRequest,
    AccountRequestPerson,
    SetPasswordToken,
)
from app.processes.logic import StepKind
from app.workflow import Action, TransitionError, refusal
from app.workflow.service import actor_for, perform, snapshot


class InternalError(ValueError):
    """A refusal with a Vietnamese message fit to show the user."""


async def internal_procedures() -> list[dict]:
    return await Procedure.select(Procedure.id, Procedure.code, Procedure.name).where(
        Procedure.internal.eq(True) & Procedure.active.eq(True)
        & Procedure.code.is_in(list(PROCEDURES))).order_by(Procedure.code)


def request_kind(procedure_code: str, chosen: str) -> tuple[System, Kind]:
    system, fixed = PROCEDURES[procedure_code]
    if fixed is not None:
        return system, fixed
    try:
        return system, Kind(chosen)
    except ValueError:
        raise InternalError("Chọn đề nghị cấp hay thu hồi tài khoản.") from None


async def submit_request(user: CurrentUser, procedure_id: int, kind_text: str,
                         letter_number: str, people: list[Person]) -> int:
    """The agency's request as a new online dossier of the internal procedure; its id."""
    procedure = await Procedure.select().where(
        (Procedure.id == procedure_id) & Procedure.internal.eq(True)).first()
    if procedure is None or procedure["code"] not in PROCEDURES:
        raise InternalError("Chọn một thủ tục nội bộ về tài khoản.")
    if not user.agency_ids:
        raise InternalError("Tài khoản của bạn chưa gắn với cơ quan nào.")
    system, kind = request_kind(procedure["code"], kind_text)
    if not people:
        raise InternalError("Danh sách cần có ít nhất một người.")
    if len(people) > MAX_PEOPLE:
        raise InternalError(f"Mỗi văn bản đề nghị tối đa {MAX_PEOPLE} người.")
    for n, person in enumerate(people, 1):
        problems = person_problems(person, system, kind)
        if problems:
            raise InternalError(f"Người thứ {n}: " + " ".join(problems.values()))
    agency = await Agency.select(Agency.id, Agency.name).where(
        Agency.id == user.agency_ids[0]).first()
    now = now_utc()
    async with write_transaction():
        rule = await RuleVersion.select(RuleVersion.id).where(
            RuleVersion.effective_from <= now).order_by(
            RuleVersion.effective_from, ascending=False).first()
        dossier = Dossier(
            code=await next_code(procedure["agency"], to_local(now).date()),
            procedure=procedure_id, agency=procedure["agency"], applicant=user.id,
            procedure_version=procedure["current_version"],
            applicant_name=agency["name"], channel=Channel.ONLINE.value,
            status=Status.NEW.value, rule_version=rule["id"] if rule else None,
            created_at=now)
        await dossier.save()
        request = AccountRequest(
            dossier=dossier.id, requesting_agency=agency["id"], system=system.value,
            kind=kind.value, letter_number=letter_number, submitted_by=user.id,
            submitted_at=now)
        await request.save()
        for person in people:
            await AccountRequestPerson(request=request.id, **asdict(person)).save()
        await DossierEvent(dossier=dossier.id, at=now, actor=user.id, action="submitted",
                           from_status=Status.DRAFT.value, to_status=Status.NEW.value,
                           comment=f"{kind.label} — {system.label}").save()
        await audit.record("internal.request_submitted", "dossier", dossier.id,
                           {"system": system.value, "kind": kind.value,
                            "people": len(people), "agency": agency["id"]},
                           actor_id=user.id)
    return dossier.id


# -- reading -----------------------------------------------------------------------------


async def request_for(dossier_id: int, user: CurrentUser) -> dict | None:
    """The request with its people, if `user` may see it: staff of the agency processing
    it, of the requesting agency, or province-wide roles."""
    row = await AccountRequest.select(
        AccountRequest.all_columns(),
        AccountRequest.requesting_agency.name.as_alias("agency_name"),
        AccountRequest.dossier.code.as_alias("code"),
        AccountRequest.dossier.status.as_alias("status"),
        AccountRequest.dossier.agency.as_alias("office"),
        AccountRequest.dossier.due_at.as_alias("due_at"),
        AccountRequest.dossier.procedure.name.as_alias("procedure_name"),
        AccountRequest.dossier.procedure.as_alias("procedure"),
    ).where(AccountRequest.dossier == dossier_id).first()
    if row is None:
        return None
    scope = {row["office"], row["requesting_agency"]}
    if not user.role.sees_whole_province and not scope & set(user.agency_ids):
        return None
    row["people"] = await AccountRequestPerson.select(
        AccountRequestPerson.all_columns(),
        AccountRequestPerson.user.username.as_alias("username"),
        AccountRequestPerson.user.active.as_alias("user_active"),
    ).where(AccountRequestPerson.request == row["id"]).order_by(AccountRequestPerson.id)
    row["system_label"] = System(row["system"]).label
    row["kind_label"] = Kind(row["kind"]).label
    return row


async def requests_for(user: CurrentUser) -> list[dict]:
    query = AccountRequest.select(
        AccountRequest.dossier, AccountRequest.system, AccountRequest.kind,
        AccountRequest.submitted_at, AccountRequest.decision,
        AccountRequest.requesting_agency.name.as_alias("agency_name"),
        AccountRequest.dossier.code.as_alias("code"),
        AccountRequest.dossier.status.as_alias("status"),
        AccountRequest.dossier.due_at.as_alias("due_at"),
    ).order_by(AccountRequest.id, ascending=False).limit(200)
    if not user.role.sees_whole_province:
        agencies = list(user.agency_ids) or [-1]
        query = query.where(AccountRequest.requesting_agency.is_in(agencies)
                            | AccountRequest.dossier.agency.is_in(agencies))
    return await query


# -- the Provincial Office's decision ------------------------------------------------------


async def decide(dossier_id: int, user: CurrentUser, approve: bool, reason: str = "") -> None:
    """The leader's decision on a request in processing. Approval carries it out: accounts
    made (with a set-password link each) or revoked on this system, the result recorded,
    the dossier finished; refusal stops the dossier with the reason."""
    if not approve and not reason.strip():
        raise InternalError("Nêu lý do từ chối.")
    links: list[tuple[dict, int, str]] = []
    async with store.atomic():  # the signed result joins the transaction
        request = await AccountRequest.select().where(
            AccountRequest.dossier == dossier_id).first()
        if request is None:
            raise InternalError("Không tìm thấy đề nghị.")
        if request["decision"]:
            raise InternalError("Đề nghị này đã được quyết định.")
        now = now_utc()
        if not approve:
            await perform(dossier_id, user, Action.REFUSE, reason=reason.strip())
        else:
            await _may_decide(dossier_id, user)
            links = await _carry_out(request, user)
            await _issue_signed_result(request, dossier_id, user, reason.strip())
            await _finish(dossier_id, user)
        await AccountRequest.update({
            AccountRequest.decision: "approved" if approve else "refused",
            AccountRequest.decided_at: now, AccountRequest.decided_by: user.id,
        }).where(AccountRequest.id == request["id"])
        await audit.record("internal.request_decided", "dossier", dossier_id,
                           {"approved": approve, "accounts": len(links),
                            "comment": reason.strip()}, actor_id=user.id)
        for person, user_id, path in links:
            await messages.send_set_password_link(
                user_id=user_id, full_name=person["full_name"], email=person["email"],
                phone=person["phone"], path=path)
    if links:
        messages.schedule_delivery()


async def decision_refusal(dossier_id: int, user: CurrentUser) -> str | None:
    """Why `user` may not decide the request now (the machine's reason), or None: the
    decision is the leader's at their own step of the Office's process (approval or
    signature). The decision drafts the result itself, so it is judged as if drafted."""
    snap = await snapshot(dossier_id)
    step = snap.state.step
    action = Action.APPROVE if step and step.kind == StepKind.APPROVAL else Action.SIGN
    return refusal(replace(snap.state, has_draft=True), actor_for(user, snap.row), action)


async def _may_decide(dossier_id: int, user: CurrentUser) -> None:
    """Refuse before anything is carried out."""
    problem = await decision_refusal(dossier_id, user)
    if problem:
        raise TransitionError(problem)


async def _issue_signed_result(request: dict, dossier_id: int, user: CurrentUser,
                               comment: str) -> None:
    """The result is a PDF of what was done, approved and signed by the deciding leader
    with the key the server holds for them (README "Ký số"), then issued."""
    summary = await _result_text(request, dossier_id)
    html = f"<meta charset='utf-8'><pre style='font-family: DejaVu Sans'>{escape(summary)}</pre>"
    draft = await store.store(await asyncio.to_thread(html_to_pdf, html), "application/pdf")
    await perform(dossier_id, user, Action.ATTACH_DRAFT, sha256=draft.sha256)
    state = (await snapshot(dossier_id)).state
    if state.step and state.step.kind == StepKind.APPROVAL:
        # A process that approves before it signs: the deciding leader holds both steps.
        await perform(dossier_id, user, Action.APPROVE, comment=comment)
        await perform(dossier_id, user, Action.FORWARD, assignee_id=user.id)
    await perform(dossier_id, user, Action.SIGN, signing="server")
    await perform(dossier_id, user, Action.ISSUE_RESULT)


async def _finish(dossier_id: int, user: CurrentUser) -> None:
    """Move through the remaining steps: the notice to the agency is the links sent."""
    for _ in range(20):
        snap = await snapshot(dossier_id)
        if snap.state.status != Status.PROCESSING:
            return
        await perform(dossier_id, user, Action.FORWARD)


async def _carry_out(request: dict, actor: CurrentUser) -> list[tuple[dict, int, str]]:
    people = await AccountRequestPerson.select().where(
        AccountRequestPerson.request == request["id"])
    system, kind = System(request["system"]), Kind(request["kind"])
    links = []
    for person in people:
        if system == System.REPORTING and kind == Kind.GRANT:
            user_id = await _create_account(person, request, actor)
            path = await issue_set_password_link(user_id)
            links.append((person, user_id, path))
        elif system == System.REPORTING:
            target = await User.select(User.id).where(
                (User.email == person["email"]) & User.active.eq(True)
                & User.id.is_in(UserAgency.select(UserAgency.user).where(
                    UserAgency.agency == request["requesting_agency"]))).first()
            if target is None:
                raise InternalError(f"Không tìm thấy tài khoản đang hoạt động của "
                                    f"{person['full_name']} ({person['email']}) tại cơ quan "
                                    "đề nghị.")
            await revoke_account(target["id"], actor, Ground(person["ground"]),
                                 person["reason"], request_id=request["id"], check_scope=False)
            await AccountRequestPerson.update({AccountRequestPerson.user: target["id"]}).where(
                AccountRequestPerson.id == person["id"])
        elif kind == Kind.REVOKE:
            await _history(request["requesting_agency"], None, system, kind, person["full_name"],
                           actor.id, request_id=request["id"], ground=person["ground"],
                           account=person["email"], note=person["reason"])
    return links


async def _create_account(person: dict, request: dict, actor: CurrentUser) -> int:
    """A staff account scoped to the requesting agency, with no usable password until
    the person sets one through their link."""
    taken = {r["username"] for r in await User.select(User.username)}
    username = username_for(person["email"], taken)
    user = User(username=username, full_name=person["full_name"], role=person["role"],
                email=person["email"], phone=person["phone"],
                password_hash=PENDING_PASSWORD_HASH, created_at=now_utc())
    await user.save()
    await UserAgency(user=user.id, agency=request["requesting_agency"]).save()
    await AccountRequestPerson.update({AccountRequestPerson.user: user.id}).where(
        AccountRequestPerson.id == person["id"])
    await _history(request["requesting_agency"], user.id, System.REPORTING, Kind.GRANT,
                   person["full_name"], actor.id, request_id=request["id"], account=username,
                   note=Role(person["role"]).label)
    await audit.record("user.created", "user", user.id,
                       {"username": username, "role": person["role"],
                        "agencies": [request["requesting_agency"]],
                        "request": request["id"]}, actor_id=actor.id)
    return user.id


async def _history(agency_id, user_id, system: System, kind: Kind, person_name: str,
                   actor_id: int | None, *, request_id=None, ground="", account="",
                   note="", open_dossiers=0) -> None:
    await AccountChange(agency=agency_id, user=user_id, system=system.value, kind=kind.value,
                        ground=ground, request=request_id, person_name=person_name,
                        account_name=account, open_dossiers=open_dossiers, note=note,
                        at=now_utc(), actor=actor_id).save()


async def _result_text(request: dict, dossier_id: int) -> str:
    """The result of the internal dossier: what was done, for whom (no secrets)."""
    people = await AccountRequestPerson.select(
        AccountRequestPerson.full_name, AccountRequestPerson.user.username.as_alias("username"),
    ).where(AccountRequestPerson.request == request["id"])
    lines = [f"Kết quả giải quyết đề nghị (hồ sơ {dossier_id})",
             f"{Kind(request['kind']).label} — {System(request['system']).label}",
             f"Thời điểm: {format_datetime(now_utc())}"]
    lines += [f"- {p['full_name']}: {p['username'] or 'ghi nhận'}" for p in people]
    return "\n".join(lines) + "\n"


async def record_handover(dossier_id: int, person_id: int, account_name: str,
                          handed_over_by: str, user: CurrentUser) -> None:
    """For the external document system: the account issued there and who handed it over."""
    if not account_name or not handed_over_by:
        raise InternalError("Nhập tên tài khoản đã cấp và người bàn giao.")
    async with write_transaction():
        request = await AccountRequest.select().where(
            AccountRequest.dossier == dossier_id).first()
        if request is None or request["decision"] != "approved":
            raise InternalError("Chỉ ghi nhận bàn giao khi đề nghị đã được phê duyệt.")
        if request["system"] != System.DOCUMENTS or request["kind"] != Kind.GRANT:
            raise InternalError("Đề nghị này không cấp tài khoản Hệ thống Quản lý văn bản.")
        person = await AccountRequestPerson.select().where(
            (AccountRequestPerson.id == person_id)
            & (AccountRequestPerson.request == request["id"])).first()
        if person is None:
            raise InternalError("Không tìm thấy người này trong đề nghị.")
        if person["handed_over_at"] is not None:
            raise InternalError("Tài khoản của người này đã được ghi nhận bàn giao.")
        await AccountRequestPerson.update({
            AccountRequestPerson.external_username: account_name,
            AccountRequestPerson.handed_over_by: handed_over_by,
            AccountRequestPerson.handed_over_at: now_utc(),
        }).where(AccountRequestPerson.id == person_id)
        await _history(request["requesting_agency"], None, System.DOCUMENTS, Kind.GRANT,
                       person["full_name"], user.id, request_id=request["id"],
                       account=account_name, note=f"Bàn giao: {handed_over_by}")
        await audit.record("internal.external_account_handed_over", "dossier", dossier_id,
                           {"person": person_id, "account": account_name,
                            "handed_over_by": handed_over_by}, actor_id=user.id)


# -- revocation ---------------------------------------------------------------------------


async def revoke_account(user_id: int, actor: CurrentUser, ground: Ground, note: str = "",
                         *, request_id: int | None = None, check_scope: bool = True) -> int:
    """Disable login at once, end every session, flag the person's open dossiers (their
    leader reassigns them); the number of open dossiers flagged."""
    async with write_transaction():
        target = await User.select().where(User.id == user_id).first()
        if target is None or not Role(target["role"]).is_staff:
            raise InternalError("Không tìm thấy tài khoản cán bộ này.")
        if not target["active"]:
            raise InternalError("Tài khoản này đã bị thu hồi.")
        agencies = [r["agency"] for r in await UserAgency.select(UserAgency.agency).where(
            UserAgency.user == user_id)]
        if check_scope and not actor.role.sees_whole_province and not (
                set(agencies) & set(actor.agency_ids)):
            raise InternalError("Bạn chỉ thu hồi được tài khoản của cơ quan mình.")
        if user_id == actor.id:
            raise InternalError("Không thể tự thu hồi tài khoản của chính mình.")
        now = now_utc()
        await User.update({User.active: False}).where(User.id == user_id)
        ended = await UserSession.update({UserSession.revoked_at: now}).where(
            (UserSession.user == user_id) & UserSession.revoked_at.is_null()
        ).returning(UserSession.id)
        await SetPasswordToken.update({SetPasswordToken.used_at: now}).where(
            (SetPasswordToken.user == user_id) & SetPasswordToken.used_at.is_null())
        open_dossiers = await Dossier.count().where(
            (Dossier.assignee == user_id)
            & Dossier.status.is_in([s.value for s in OPEN_STATUSES]))
        await _history(agencies[0] if agencies else None, user_id, System.REPORTING,
                       Kind.REVOKE, target["full_name"], actor.id, request_id=request_id,
                       ground=ground.value, account=target["username"], note=note,
                       open_dossiers=open_dossiers)
        await audit.record("account.revoked", "user", user_id,
                           {"ground": ground.value, "sessions_ended": len(ended),
                            "open_dossiers": open_dossiers, "request": request_id},
                           actor_id=actor.id)
    return open_dossiers


# -- set-password links -------------------------------------------------------------------


async def issue_set_password_link(user_id: int) -> str:
    """A new one-time link for the user (the path; the token is not stored)."""
    token, digest = new_token()
    now = now_utc()
    async with write_transaction():
        await SetPasswordToken(user=user_id, token_hash=digest, created_at=now,
                               expires_at=now + SET_PASSWORD_TTL).save()
    return f"/dat-mat-khau/{token}"


async def link_holder(token: str) -> tuple[dict | None, str | None]:
    """(user, None) when the link is usable, else (None, why not)."""
    row = await SetPasswordToken.select(
        SetPasswordToken.all_columns(), SetPasswordToken.user.username.as_alias("username"),
        SetPasswordToken.user.full_name.as_alias("full_name"),
        SetPasswordToken.user.active.as_alias("active"),
    ).where(SetPasswordToken.token_hash == token_hash(token)).first()
    if row is None or not row["active"]:
        return None, "Đường dẫn không hợp lệ hoặc tài khoản đã bị thu hồi."
    problem = token_problem(row["created_at"], row["expires_at"], row["used_at"], now_utc())
    return (None, problem) if problem else (row, None)


async def set_password(token: str, password: str, confirm: str) -> str:
    """Set the password through a one-time link; the username. Uses the link up."""
    async with write_transaction():
        holder, problem = await link_holder(token)
        if holder is None:
            raise InternalError(problem)
        problems = staff_password_problems(password, confirm, holder["username"])
        if problems:
            raise InternalError(" ".join(problems))
        now = now_utc()
        await User.update({User.password_hash: hash_password(password)}).where(
            User.id == holder["user"])
        await SetPasswordToken.update({SetPasswordToken.used_at: now}).where(
            (SetPasswordToken.user == holder["user"]) & SetPasswordToken.used_at.is_null())
        await audit.record("user.password_set", "user", holder["user"],
                           {"via": "one_time_link"}, actor_id=holder["user"])
    return holder["username"]


# -- the accounts page ---------------------------------------------------------------------


async def accounts_page(user: CurrentUser, agency_id: int | None) -> dict:
    """Staff accounts of an agency with their status, the grant and revocation history,
    and open dossiers still assigned to revoked accounts."""
    allowed = None if user.role.sees_whole_province else set(user.agency_ids)
    agencies = await Agency.select(Agency.id, Agency.name).order_by(Agency.name)
    if allowed is not None:
        agencies = [a for a in agencies if a["id"] in allowed]
    if agency_id is None or all(a["id"] != agency_id for a in agencies):
        agency_id = agencies[0]["id"] if agencies else -1
    members = UserAgency.select(UserAgency.user).where(UserAgency.agency == agency_id)
    accounts = await User.select(
        User.id, User.username, User.full_name, User.role, User.email, User.active,
        User.password_hash, User.created_at, User.last_login_at,
    ).where(User.id.is_in(members) & User.role.not_in(
        [Role.CITIZEN.value, Role.ORGANISATION.value])).order_by(User.full_name)
    for account in accounts:
        pending = account.pop("password_hash") == PENDING_PASSWORD_HASH
        account["status"] = ("Đã thu hồi" if not account["active"] else
                             "Chờ đặt mật khẩu" if pending else "Đang hoạt động")
    history = await AccountChange.select(
        AccountChange.all_columns(), AccountChange.actor.full_name.as_alias("actor_name"),
    ).where(AccountChange.agency == agency_id).order_by(AccountChange.id, ascending=False)
    flagged = await Dossier.select(
        Dossier.id, Dossier.code, Dossier.due_at,
        Dossier.assignee.full_name.as_alias("assignee_name"),
    ).where(Dossier.assignee.active.eq(False) & (Dossier.agency == agency_id)
            & Dossier.status.is_in([s.value for s in OPEN_STATUSES]))
    return {"agencies": agencies, "agency_id": agency_id, "accounts": accounts,
            "history": history, "flagged": flagged}


__all__ = ["InternalError", "TransitionError", "decide", "revoke_account", "submit_request"]
