"""Feedback shared with the national feedback system (seed 003 art. 21).

Inbound: an item filed on the national portal about one of our agencies arrives through
`inbound.receive` and enters our flow as received (the provincial admin classifies and
routes it as any other), linked to its portal id so it is taken once.

Outbound: every move of a linked item (classification and routing, refusal, request for
more information, answer, publication) queues its state for the portal in the move's
transaction (`queue`, called from `app.feedback.service.act`), delivered in order per item
like dossiers; the staff page shows the link and what the portal holds.
"""

from __future__ import annotations

from app.db import write_transaction
from app.directory.tables import Agency
from app.feedback import service as feedback_service
from app.feedback.tables import Feedback
from app.formatting import now_utc
from app.integrations import outbox
from app.integrations.config import provider
from app.integrations.dvcqg.payload import judge, portal_time
from app.integrations.dvcqg.portal import get_portal
from app.integrations.dvcqg.sync import answer_body
from app.integrations.dvcqg.tables import NationalFeedbackLink
from app.integrations.logic import Result, permanent
from app.integrations.tables import PartnerOutbox

KIND = "dvcqg.feedback"


def subject(feedback_id: int) -> str:
    return f"feedback:{feedback_id}"


async def _agency_id(code: str) -> int | None:
    if not code:
        return None
    row = await Agency.select(Agency.id).where(
        (Agency.portal_code == code) | (Agency.code == code)).first()
    return row["id"] if row else None


async def receive(data: dict) -> str:
    """Take one feedback item filed on the portal; our code for it (idempotent)."""
    from app.integrations.dvcqg.inbound import FilingRefused

    portal_id = str(data["Ma"])[:60]
    known = await NationalFeedbackLink.select(NationalFeedbackLink.feedback.code).where(
        NationalFeedbackLink.portal_id == portal_id).first()
    if known is not None:
        return known["feedback.code"]
    person = data.get("NguoiGui") if isinstance(data.get("NguoiGui"), dict) else {}
    title, content = str(data.get("TieuDe", ""))[:300], str(data.get("NoiDung", ""))[:5000]
    name = str(person.get("HoTen", "")).strip()[:200]
    agency_id = await _agency_id(str(data.get("MaCoQuan", "")))
    if not title or not content or not name:
        raise FilingRefused("Thiếu tiêu đề, nội dung hoặc họ tên người gửi.")
    if agency_id is None:
        raise FilingRefused("Không tìm thấy cơ quan có mã này tại tỉnh.")
    subject_facts = {"title": title, "content": content, "procedure": None, "dossier": None,
                     "about_agency": agency_id, "agree_publish": bool(data.get("DongYCongKhai"))}
    async with write_transaction():
        again = await NationalFeedbackLink.select(NationalFeedbackLink.feedback.code).where(
            NationalFeedbackLink.portal_id == portal_id).first()
        if again is not None:
            return again["feedback.code"]
        feedback_id = await feedback_service._create(
            subject_facts, None, name, str(person.get("SoDienThoai", ""))[:20],
            str(person.get("Email", ""))[:200])
        await NationalFeedbackLink(feedback=feedback_id, portal_id=portal_id,
                                   received_at=now_utc()).save()
        code = await Feedback.select(Feedback.code).where(Feedback.id == feedback_id).first()
    return code["code"]


def payload_of(row: dict, portal_id: str, agency_code: str) -> dict:
    """What the portal reads of one of its items as it stands here. Texts for the public
    are the redacted ones; the submitter's own answer is sent as written."""
    return {
        "MaPAKN": portal_id, "MaThamChieu": row["code"], "TrangThai": row["status"],
        "PhanLoai": row["category"] or None, "MaCoQuanXuLy": agency_code or None,
        "YeuCauBoSung": row["info_request"] or None, "LyDoTuChoi": row["refusal_reason"] or None,
        "NoiDungTraLoi": row["answer"] or None, "NgayTraLoi": portal_time(row["answered_at"]),
        "CongKhai": int(row["published_at"] is not None),
        "NoiDungCongKhai": row["public_answer"] or None,
        "NgayCongKhai": portal_time(row["published_at"]),
    }


async def queue(feedback_id: int) -> int | None:
    """Queue the item's state for the portal if it came from there (inside the move's
    transaction); the version queued or None."""
    if not provider("dvcqg"):
        return None
    link = await NationalFeedbackLink.select(NationalFeedbackLink.portal_id).where(
        NationalFeedbackLink.feedback == feedback_id).first()
    if link is None:
        return None
    row = await Feedback.select(Feedback.all_columns(),
                                Feedback.agency.code.as_alias("agency_code"),
                                Feedback.agency.portal_code.as_alias("agency_portal")).where(
        Feedback.id == feedback_id).first()
    payload = payload_of(row, link["portal_id"], row["agency_portal"] or row["agency_code"])
    return await outbox.queue("dvcqg", KIND, subject(feedback_id), payload,
                              agency_id=row["agency"])


@outbox.sends(KIND)
async def send(row: dict, collect: list) -> Result:
    portal = get_portal()
    if portal is None:
        return permanent("Chưa kết nối Cổng DVCQG (MOTCUA_DVCQG).")
    answer = await portal.push("feedback", row["payload"], row["version"], collect)
    return judge(row["payload"], row["version"], answer.status, answer_body(answer),
                 key="MaPAKN")


async def sync_status(feedback_id: int) -> dict | None:
    """For the staff page: the portal id and the latest version's delivery."""
    link = await NationalFeedbackLink.select().where(
        NationalFeedbackLink.feedback == feedback_id).first()
    if link is None:
        return None
    last = await PartnerOutbox.select(
        PartnerOutbox.version, PartnerOutbox.status, PartnerOutbox.delivered_at,
        PartnerOutbox.last_error).where(
        (PartnerOutbox.kind == KIND) & (PartnerOutbox.subject == subject(feedback_id))).order_by(
        PartnerOutbox.version, ascending=False).first()
    return {"portal_id": link["portal_id"], "received_at": link["received_at"], "last": last}
