"""Inviting, taking and counting satisfaction ratings.

`invite` runs inside the transaction that returns the result (called from the workflow
when a transition carries Effect.INVITE_RATING), so the invitation exists exactly when the
return does. A dossier is rated once: the unique dossier column of `rating` enforces it
even against two kiosks submitting at the same moment.
"""

from __future__ import annotations

from datetime import datetime

from app.accounts.roles import STAFF_ROLES
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.formatting import now_utc
from app.internal.logic import new_token, token_hash
from app.ratings import logic
from app.ratings.tables import Rating, RatingInvite, RatingOfficer

_FIELDS = (Dossier.id, Dossier.code, Dossier.status, Dossier.agency,
           Dossier.procedure.name.as_alias("procedure_name"),
           Dossier.agency.name.as_alias("agency_name"))


async def invite(dossier_id: int) -> int:
    """Record the invitation and queue its message (in the caller's transaction)."""
    from app.ratings import messages

    if await RatingInvite.exists().where(RatingInvite.dossier == dossier_id):
        return 0
    token, digest = new_token()
    await RatingInvite(dossier=dossier_id, token_hash=digest, created_at=now_utc()).save()
    return await messages.send_rating_invite(dossier_id, f"/danh-gia/{token}")


# The kiosk gives one answer for an unknown code, wrong digits, a dossier not returned yet
# and one already rated: anything else would tell a prober the digits were right.
NOT_RATEABLE = ("Không có hồ sơ chờ đánh giá với mã và bốn số cuối này. Kiểm tra lại mã trên "
                "phiếu hẹn và bốn số cuối điện thoại hoặc CCCD. Hồ sơ được đánh giá một lần, "
                "sau khi đã trả kết quả; cần giúp đỡ, xin hỏi cán bộ tại quầy.")
BADLY_TYPED = "Nhập đúng mã hồ sơ và bốn số cuối điện thoại hoặc CCCD."
BAD_LINK = "Đường dẫn đánh giá không hợp lệ."


async def _rateable(row: dict | None) -> tuple[dict | None, str | None]:
    if row is None:
        return None, NOT_RATEABLE
    if row["status"] != Status.RETURNED:
        return None, "Hồ sơ chưa được trả kết quả nên chưa thể đánh giá."
    if await Rating.exists().where(Rating.dossier == row["id"]):
        return None, "Hồ sơ này đã được đánh giá. Cảm ơn ông/bà."
    return row, None


async def by_token(token: str) -> tuple[dict | None, str | None] | None:
    """The dossier a rating link names and why it cannot be rated (if so); None for a token
    that is not ours (a guess, counted by the caller's limit)."""
    invite_row = await RatingInvite.select(RatingInvite.dossier).where(
        RatingInvite.token_hash == token_hash(token)).first()
    if invite_row is None:
        return None
    row = await Dossier.select(*_FIELDS).where(Dossier.id == invite_row["dossier"]).first()
    return await _rateable(row)


def _last4(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def code_from_scan(text: str) -> str:
    """A QR scanner types the lookup URL (…/tra-cuu?ma=CODE…) or the bare code."""
    text = text.strip()
    if "ma=" in text:
        text = text.split("ma=", 1)[1].split("&", 1)[0]
    return text.upper()


async def by_code(code: str, last4: str) -> dict | None:
    """The kiosk: the dossier with this code (typed or scanned, see `code_from_scan`) and the
    last four digits of the phone or ID number, if it can be rated now; None otherwise,
    whatever the reason (see NOT_RATEABLE)."""
    row = await Dossier.select(*_FIELDS, Dossier.applicant_phone,
                               Dossier.applicant_id_number).where(Dossier.code == code).first()
    if row is None or last4.strip() not in {_last4(row.pop("applicant_phone")),
                                            _last4(row.pop("applicant_id_number"))}:
        return None
    return (await _rateable(row))[0]


async def save(dossier_id: int, form: dict[str, str], channel: str) -> None:
    scores = logic.parse_scores(form)
    comment = form.get("comment", "").strip()[:logic.MAX_COMMENT]
    async with write_transaction():
        row, problem = await _rateable(
            await Dossier.select(*_FIELDS).where(Dossier.id == dossier_id).first())
        if row is None:
            raise logic.RatingError(problem)
        rating = Rating(dossier=dossier_id, agency=row["agency"], channel=channel,
                        scores=scores, average=logic.average(scores),
                        satisfied=logic.is_satisfied(scores), comment=comment,
                        created_at=now_utc())
        await rating.save()
        officers = await DossierEvent.select(DossierEvent.actor).where(
            (DossierEvent.dossier == dossier_id)
            & DossierEvent.actor.role.is_in([r.value for r in STAFF_ROLES])).distinct()
        for officer in officers:
            await RatingOfficer(rating=rating.id, user=officer["actor"]).save()
        await audit.record("rating.given", "dossier", dossier_id,
                           {"channel": channel, "satisfied": rating.satisfied,
                            "officers": len(officers)})


async def satisfaction_figures(agency_ids: list[int] | None, start: datetime,
                               end: datetime) -> logic.Figures:
    """Ratings given in [start, end) for the agencies (None: whole province)."""
    ratings = Rating.select(Rating.average, Rating.satisfied).where(
        (Rating.created_at >= start) & (Rating.created_at < end))
    invites = RatingInvite.count().where(
        (RatingInvite.created_at >= start) & (RatingInvite.created_at < end))
    if agency_ids is not None:
        ratings = ratings.where(Rating.agency.is_in(agency_ids or [-1]))
        invites = invites.where(RatingInvite.dossier.agency.is_in(agency_ids or [-1]))
    rows = await ratings
    return logic.figures(await invites, [(r["average"], r["satisfied"]) for r in rows])


async def officer_figures(user_id: int, start: datetime, end: datetime) -> logic.Figures:
    """Ratings of dossiers the officer acted on."""
    rows = await RatingOfficer.select(
        RatingOfficer.rating.average.as_alias("average"),
        RatingOfficer.rating.satisfied.as_alias("satisfied"),
    ).where((RatingOfficer.user == user_id) & (RatingOfficer.rating.created_at >= start)
            & (RatingOfficer.rating.created_at < end))
    # Invitations are per dossier, not per officer: none are counted here.
    return logic.figures(0, [(r["average"], r["satisfied"]) for r in rows])
