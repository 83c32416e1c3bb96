"""Feedback and petitions with the database: submission, the moves of the handling
flow (one transaction each, with history and audit), rating, lists and figures."""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timedelta

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from app.accounts.tables import User
from app.audit import service as audit
from app.calendar.deadlines import deadline, extend_by_office_time, office_time_between
from app.calendar.service import current_calendar
from app.catalog.tables import Procedure
from app.db import write_transaction
from app.directory.tables import Agency
from app.dossiers.service import resolve_code
from app.dossiers.tables import Dossier
from app.feedback import logic
from app.feedback.logic import Category, FeedbackError, Move, Status
from app.feedback.tables import Feedback, FeedbackAccess, FeedbackEvent, PhoneVerification
from app.formatting import now_utc, to_local
from app.internal.logic import new_token, token_hash
from app.text import is_phone, normalise_phone

MAX_TITLE, MAX_CONTENT = 300, 5000


async def _working_days(start: datetime, days: int) -> datetime:
    return deadline(start, days, "working_days", calendar=await current_calendar())


async def _answer_due_after_waiting(feedback_id: int, answer_due: datetime,
                                    now: datetime) -> datetime:
    """The time spent waiting for the submitter's extra information does not count against
    the agency: the answer deadline moves by the office time since it was asked for."""
    asked = await FeedbackEvent.select(FeedbackEvent.at).where(
        (FeedbackEvent.feedback == feedback_id) & (FeedbackEvent.move == Move.ASK_MORE.value)
    ).order_by(FeedbackEvent.id, ascending=False).first()
    if asked is None:
        return answer_due
    calendar = await current_calendar()
    waited = office_time_between(asked["at"], now, calendar=calendar)
    return extend_by_office_time(answer_due, waited, calendar=calendar)


async def _check_ask_more_in_time(feedback_id: int, now: datetime) -> None:
    """More information may be asked for only within its own deadline after routing."""
    routed = await FeedbackEvent.select(FeedbackEvent.at).where(
        (FeedbackEvent.feedback == feedback_id) & (FeedbackEvent.move == Move.ROUTE.value)
    ).order_by(FeedbackEvent.id, ascending=False).first()
    if routed is None:
        return
    days = logic.DEADLINES["ask_more"]
    if now > await _working_days(routed["at"], days):
        raise FeedbackError(f"Đã quá {days} ngày làm việc kể từ khi được chuyển xử lý, không "
                            "thể yêu cầu bổ sung thông tin nữa; hãy trả lời phản ánh, kiến nghị.")


async def _subject(data: dict[str, str]) -> dict:
    """The checked subject and texts of a submission, or FeedbackError naming the problem."""
    title, content = data.get("title", "")[:MAX_TITLE], data.get("content", "")[:MAX_CONTENT]
    if not title or not content:
        raise FeedbackError("Nhập tiêu đề và nội dung phản ánh, kiến nghị.")
    procedure_id = int(data["procedure_id"]) if data.get("procedure_id", "").isdigit() else None
    agency_id = int(data["agency_id"]) if data.get("agency_id", "").isdigit() else None
    dossier_id = None
    if data.get("dossier_code"):
        code = await resolve_code(data["dossier_code"])  # dots and spaces optional
        dossier = await Dossier.select(Dossier.id, Dossier.agency).where(
            Dossier.code == code).first() if code else None
        if dossier is None:
            raise FeedbackError("Không tìm thấy hồ sơ có mã này.")
        dossier_id, agency_id = dossier["id"], agency_id or dossier["agency"]
    if procedure_id is not None:
        procedure = await Procedure.select(Procedure.agency).where(
            Procedure.id == procedure_id).first()
        if procedure is None:
            raise FeedbackError("Không tìm thấy thủ tục này.")
        agency_id = agency_id or procedure["agency"]
    if agency_id is not None and not await Agency.exists().where(Agency.id == agency_id):
        raise FeedbackError("Không tìm thấy cơ quan này.")
    if procedure_id is None and agency_id is None and dossier_id is None:
        raise FeedbackError("Chọn thủ tục, cơ quan hoặc nhập mã hồ sơ được phản ánh.")
    return {"title": title, "content": content, "procedure": procedure_id,
            "dossier": dossier_id, "about_agency": agency_id,
            "agree_publish": data.get("agree_publish") == "1"}


async def submit(user: CurrentUser, data: dict[str, str]) -> int:
    """A logged-in citizen's feedback; its id. FeedbackError names what is missing."""
    subject = await _subject(data)
    person = await User.select(User.full_name, User.phone, User.email).where(
        User.id == user.id).first()
    return await _create(subject, user.id, person["full_name"], person["phone"],
                         person["email"])


async def _create(subject: dict, user_id: int | None, name: str, phone: str,
                  email: str) -> int:
    now = now_utc()
    refuse_due, answer_due = (await _working_days(now, logic.DEADLINES["refuse"]),
                              await _working_days(now, logic.DEADLINES["answer"]))
    async with write_transaction():
        day = to_local(now).strftime("%y%m%d")
        same_day = await Feedback.count().where(Feedback.code.like(f"PA-{day}-%"))
        row = Feedback(
            code=f"PA-{day}-{same_day + 1:04d}", status=Status.RECEIVED.value,
            submitter=user_id, submitter_name=name, submitter_phone=phone,
            submitter_email=email, received_at=now, refuse_due_at=refuse_due,
            answer_due_at=answer_due, due_at=refuse_due, **subject)
        await row.save()
        await FeedbackEvent(feedback=row.id, at=now, actor=user_id, move="submit",
                            to_status=Status.RECEIVED.value).save()
        await audit.record("feedback.submitted", "feedback", row.id,
                           {"code": row.code, "phone_verified": user_id is None},
                           actor_id=user_id)
    return row.id


def _in_scope(user: CurrentUser, row: dict) -> bool:
    return row["agency"] is not None and row["agency"] in user.agency_ids


async def visible(feedback_id: int, user: CurrentUser) -> dict | None:
    """The item if the user may see it: its submitter, the provincial admin or auditor,
    or staff of the agency it was routed to."""
    row = await Feedback.select(
        Feedback.all_columns(), Feedback.agency.name.as_alias("agency_name"),
        Feedback.procedure.name.as_alias("procedure_name"),
        Feedback.about_agency.name.as_alias("about_agency_name"),
        Feedback.dossier.code.as_alias("dossier_code"),
    ).where(Feedback.id == feedback_id).first()
    if row is None:
        return None
    if row["submitter"] == user.id or user.role.sees_whole_province or _in_scope(user, row):
        row["history"] = await FeedbackEvent.select(
            FeedbackEvent.all_columns(), FeedbackEvent.actor.full_name.as_alias("actor_name"),
        ).where(FeedbackEvent.feedback == feedback_id).order_by(FeedbackEvent.id)
        return row
    return None


def moves(row: dict, user: CurrentUser) -> list[Move]:
    return logic.moves_for(Status(row["status"]), user.role, in_scope=_in_scope(user, row),
                           agreed_to_publish=row["agree_publish"])


async def act(feedback_id: int, user: CurrentUser | None, move_text: str,
              data: dict[str, str], *, via_private_link: bool = False) -> Move:
    """One move of the flow. `user` None: the submitter without an account, proven by
    their private link (`via_private_link`)."""
    try:
        move = Move(move_text)
    except ValueError:
        raise FeedbackError("Thao tác không hợp lệ.") from None
    text = data.get("text", "")[:MAX_CONTENT]
    notify = False
    async with write_transaction():
        row = await Feedback.select().where(Feedback.id == feedback_id).first()
        if row is None:
            raise FeedbackError("Không tìm thấy phản ánh, kiến nghị.")
        owner = via_private_link or (user is not None and row["submitter"] == user.id)
        if move == Move.SUPPLY and not owner:
            raise FeedbackError("Chỉ người gửi mới bổ sung được thông tin.")
        role = user.role if user is not None else Role.CITIZEN
        status = logic.next_status(Status(row["status"]), move, role,
                                   in_scope=user is not None and _in_scope(user, row),
                                   agreed_to_publish=row["agree_publish"])
        actor_id = user.id if user is not None else None
        now = now_utc()
        values: dict = {Feedback.status: status.value}
        if move == Move.ROUTE:
            category, agency = data.get("category", ""), data.get("agency_id", "")
            if category not in {c.value for c in Category} or not agency.isdigit() or not (
                    await Agency.exists().where(Agency.id == int(agency))):
                raise FeedbackError("Chọn loại (phản ánh hay kiến nghị) và cơ quan xử lý.")
            values.update({Feedback.category: category, Feedback.agency: int(agency),
                           Feedback.due_at: row["answer_due_at"]})
        elif not text:
            raise FeedbackError("Nhập nội dung cho thao tác này." if move != Move.PUBLISH
                                else "Nhập nội dung trả lời được công khai.")
        if move == Move.REFUSE:
            values.update({Feedback.refusal_reason: text, Feedback.due_at: None})
        elif move == Move.ASK_MORE:
            await _check_ask_more_in_time(feedback_id, now)
            values.update({Feedback.info_request: text, Feedback.due_at: None})
        elif move == Move.SUPPLY:
            answer_due = await _answer_due_after_waiting(feedback_id, row["answer_due_at"], now)
            values.update({Feedback.info_reply: text, Feedback.answer_due_at: answer_due,
                           Feedback.due_at: answer_due})
        elif move == Move.ANSWER:
            publish_due = (await _working_days(now, logic.DEADLINES["publish"])
                           if row["agree_publish"] else None)
            values.update({Feedback.answer: text, Feedback.answered_at: now,
                           Feedback.answered_by: actor_id, Feedback.due_at: publish_due})
            notify = True
        elif move == Move.PUBLISH:
            # The names the officer confirmed on the preview ("an_ten", one per line).
            chosen = [n for n in data.get("an_ten", "").split("\n") if n.strip()]
            extra = data.get("an_ten_khac", "").split(",")
            shown = logic.publication(row["title"], row["content"], text,
                                      row["submitter_name"], chosen, extra)
            values.update({
                Feedback.published_at: now, Feedback.due_at: None,
                Feedback.public_title: shown.title, Feedback.public_content: shown.content,
                Feedback.public_answer: shown.answer})
        await Feedback.update(values).where(Feedback.id == feedback_id)
        await FeedbackEvent(feedback=feedback_id, at=now, actor=actor_id, move=move.value,
                            from_status=row["status"], to_status=status.value,
                            comment=text).save()
        await audit.record(f"feedback.{move.value}", "feedback", feedback_id,
                           {"from": row["status"], "to": status.value}, actor_id=actor_id)
        from app.integrations.dvcqg import feedback as national  # (imports this module)

        await national.queue(feedback_id)  # an item filed on the national portal goes back
        if notify:
            from app.feedback import messages

            # A submitter without an account gets a fresh private link to read the answer.
            path = ("/phan-anh/cua-toi" if row["submitter"] is not None
                    else await _private_link(feedback_id))
            await messages.send_answered(row, path)
    if notify:
        from app.feedback import messages

        messages.schedule_delivery()
    return move


async def rate(feedback_id: int, user: CurrentUser | None, satisfied_text: str, *,
               via_private_link: bool = False) -> None:
    if satisfied_text not in ("1", "0"):
        raise FeedbackError("Chọn hài lòng hoặc không hài lòng.")
    async with write_transaction():
        row = await Feedback.select().where(Feedback.id == feedback_id).first()
        owner = row is not None and (via_private_link or (
            user is not None and row["submitter"] == user.id))
        if not owner:
            raise FeedbackError("Không tìm thấy phản ánh, kiến nghị của bạn.")
        if row["status"] not in (Status.ANSWERED, Status.PUBLISHED):
            raise FeedbackError("Chỉ đánh giá được khi đã có trả lời.")
        if row["rating"] is not None:
            raise FeedbackError("Bạn đã đánh giá trả lời này.")
        await Feedback.update({Feedback.rating: int(satisfied_text),
                               Feedback.rated_at: now_utc()}).where(Feedback.id == feedback_id)
        await audit.record("feedback.rated", "feedback", feedback_id,
                           {"satisfied": satisfied_text == "1"},
                           actor_id=user.id if user is not None else None)


# -- lists and figures -----------------------------------------------------------------------

_LIST = (Feedback.id, Feedback.code, Feedback.title, Feedback.status, Feedback.received_at,
         Feedback.due_at, Feedback.answered_at, Feedback.rating,
         Feedback.agency.name.as_alias("agency_name"))


async def for_submitter(user: CurrentUser) -> list[dict]:
    return await Feedback.select(*_LIST, Feedback.answer, Feedback.info_request,
                                 Feedback.refusal_reason).where(
        Feedback.submitter == user.id).order_by(Feedback.id, ascending=False)


async def for_staff(user: CurrentUser, overdue_only: bool) -> list[dict]:
    query = Feedback.select(*_LIST).order_by(Feedback.due_at).limit(200)
    if user.role == Role.PROVINCIAL_ADMIN or user.role == Role.AUDITOR:
        pass
    else:
        query = query.where(Feedback.agency.is_in(list(user.agency_ids) or [-1]))
    if overdue_only:
        query = query.where(Feedback.due_at < now_utc())
    return await query


async def published(limit: int = 50) -> list[dict]:
    return await Feedback.select(
        Feedback.code, Feedback.public_title, Feedback.public_content, Feedback.public_answer,
        Feedback.published_at, Feedback.category, Feedback.agency.name.as_alias("agency_name"),
    ).where(Feedback.published_at.is_not_null()).order_by(
        Feedback.published_at, ascending=False).limit(limit)


async def routing_choices() -> list[dict]:
    return await Agency.select(Agency.id, Agency.name).order_by(Agency.name)


async def satisfaction_figures(agency_ids: list[int] | None, start: datetime,
                               end: datetime) -> logic.Figures:
    """Feedback received in [start, end) for the agencies routed to (None: province)."""
    query = Feedback.select(Feedback.status, Feedback.answered_at, Feedback.answer_due_at,
                            Feedback.due_at, Feedback.rating).where(
        (Feedback.received_at >= start) & (Feedback.received_at < end))
    if agency_ids is not None:
        query = query.where(Feedback.agency.is_in(agency_ids or [-1]))
    return logic.figures(await query, now_utc())


# -- submitters without an account: phone verification and private links --------------------


async def _private_link(feedback_id: int) -> str:
    token, digest = new_token()
    await FeedbackAccess(feedback=feedback_id, token_hash=digest, created_at=now_utc()).save()
    return f"/phan-anh/theo-doi/{token}"


async def start_verification(data: dict[str, str]) -> str:
    """Check the form, send a code to the phone; the path of the page that asks for it."""
    name, phone = data.get("name", "")[:200], data.get("phone", "")
    if not name:
        raise FeedbackError("Nhập họ và tên người gửi.")
    if not is_phone(phone):
        raise FeedbackError("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0, để nhận mã xác thực.")
    phone = normalise_phone(phone)
    subject = await _subject(data)
    now = now_utc()
    token, digest = new_token()
    code = logic.new_code()
    async with write_transaction():
        recent = await PhoneVerification.count().where(
            (PhoneVerification.phone == phone)
            & (PhoneVerification.created_at >= now - timedelta(hours=1)))
        if recent >= logic.MAX_CODES_PER_PHONE_HOUR:
            raise FeedbackError("Số điện thoại này đã nhận quá nhiều mã trong một giờ. "
                                "Vui lòng thử lại sau hoặc đăng nhập để gửi.")
        await PhoneVerification(
            token_hash=digest, phone=phone, code_hash=token_hash(code),
            payload={**subject, "name": name}, created_at=now,
            expires_at=now + timedelta(minutes=logic.CODE_TTL_MINUTES)).save()
        from app.feedback import messages

        await messages.send_code(phone, code, occurrence=digest[:16])
    from app.feedback import messages

    messages.schedule_delivery()
    return f"/phan-anh/xac-thuc/{token}"


async def pending(token: str) -> tuple[dict | None, str | None]:
    row = await PhoneVerification.select().where(
        PhoneVerification.token_hash == token_hash(token)).first()
    if row is None:
        return None, "Đường dẫn xác thực không hợp lệ."
    problem = logic.code_problem(row["expires_at"], row["used_at"], row["attempts"], now_utc())
    return (None, problem) if problem else (row, None)


async def confirm(token: str, code: str) -> tuple[str, str]:
    """The code matches: the feedback is created. (its code, the private link path)."""
    async with write_transaction():
        row, problem = await pending(token)
        if row is None:
            raise FeedbackError(problem)
        if not hmac.compare_digest(row["code_hash"], token_hash(code.strip())):
            await PhoneVerification.update({
                PhoneVerification.attempts: PhoneVerification.attempts + 1}).where(
                PhoneVerification.id == row["id"])
            left = logic.MAX_CODE_ATTEMPTS - row["attempts"] - 1
            raise FeedbackError(f"Mã xác thực không đúng. Còn {left} lần thử.")
        await PhoneVerification.update({PhoneVerification.used_at: now_utc()}).where(
            PhoneVerification.id == row["id"])
        payload = dict(row["payload"]) if isinstance(row["payload"], dict) else json.loads(
            row["payload"])
        name = payload.pop("name")
        feedback_id = await _create(payload, None, name, row["phone"], "")
        path = await _private_link(feedback_id)
    code_row = await Feedback.select(Feedback.code).where(Feedback.id == feedback_id).first()
    return code_row["code"], path


async def by_private_link(token: str) -> dict | None:
    access = await FeedbackAccess.select(FeedbackAccess.feedback).where(
        FeedbackAccess.token_hash == token_hash(token)).first()
    if access is None:
        return None
    return await Feedback.select(*_LIST, Feedback.answer, Feedback.info_request,
                                 Feedback.refusal_reason).where(
        Feedback.id == access["feedback"]).first()
