"""Satisfaction ratings: the rules, the invitation when a result is returned, the web link
and the kiosk (once per dossier), attribution and the figures for the service index."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import DossierResult
from app.formatting import now_utc
from app.notifications.tables import OutboxMessage
from app.ratings import logic
from app.ratings import service as ratings
from app.ratings.tables import Rating, RatingOfficer
from app.workflow import Action
from app.workflow.service import perform
from tests import factories
from tests.conftest import post_form, run

ALL_FIVES = {"guidance": "5", "attitude": "5", "timeliness": "5"}


def test_scores_parsed_and_judged():
    with pytest.raises(logic.RatingError, match="Thái độ"):
        logic.parse_scores({"guidance": "5", "attitude": "9", "timeliness": "5"})
    assert logic.is_satisfied({"a": 4, "b": 4, "c": 4})
    assert not logic.is_satisfied({"a": 5, "b": 5, "c": 1})  # one very bad answer counts
    assert not logic.is_satisfied({"a": 4, "b": 4, "c": 3})
    figures = logic.figures(4, [(Decimal(5), True), (Decimal(2), False)])
    assert (figures.satisfaction_rate, figures.response_rate, figures.average_score) == (
        Decimal("50.00"), Decimal("50.00"), Decimal("3.50"))
    assert logic.figures(0, []).satisfaction_rate is None


def test_scan_of_the_slip_qr_gives_the_code():
    assert ratings.code_from_scan("http://x/tra-cuu?ma=000.00.17.h55-260213-0007&so=1") == (
        "000.00.17.H55-260213-0007")
    assert ratings.code_from_scan(" abc ") == "ABC"


@pytest.fixture
def returned(client):
    """A dossier returned at the counter through perform: the invitation is queued."""

    async def make():
        agency = await factories.agency("Sở Tư pháp")
        procedure = await factories.procedure(agency)
        dossier = await factories.dossier(procedure, phone="0905123456",
                                          status=Status.PROCESSED)
        await DossierResult(dossier=dossier.id, sha256="a" * 64, issued_at=now_utc()).save()
        officer = await accounts.create_user(username="quay", password="Quay2026xyzab",
                                             full_name="Lê Thị Hồng",
                                             role=Role.COUNTER_OFFICER, agency_ids=[agency.id])
        user = await accounts.load_session(await accounts.start_session(officer, "ip", "t"))
        await perform(dossier.id, user, Action.RETURN_RESULT)
        return dossier, agency, officer

    return run(make())


def test_return_invites_once_and_the_link_rates_once(client, returned):
    dossier, agency, officer = returned
    (message,) = OutboxMessage.select().where(
        OutboxMessage.event == "rating_invite").run_sync()
    assert message["recipient"] == "0905123456"
    path = re.search(r"/danh-gia/[\w-]+", message["body"]).group(0)
    assert client.get(path).status_code == 200
    missing = post_form(client, path, path, {"guidance": "5"})
    assert missing.status_code == 400 and "Thái độ" in missing.text
    done = post_form(client, path, path, {**ALL_FIVES, "comment": "Nhanh gọn"})
    assert done.status_code == 200 and "Cảm ơn" in done.text
    rating = Rating.select().first().run_sync()
    assert (rating["agency"], rating["channel"], rating["satisfied"]) == (agency.id, "web",
                                                                         True)
    officers = RatingOfficer.select(RatingOfficer.user).run_sync()
    assert [o["user"] for o in officers] == [officer.id]
    again = client.get(path)
    assert again.status_code == 404 and "đã được đánh giá" in again.text
    assert client.get("/danh-gia/khong-co").status_code == 404
    start = now_utc() - timedelta(days=1)
    figures = run(ratings.satisfaction_figures([agency.id], start, now_utc()))
    assert (figures.invited, figures.rated, figures.satisfied) == (1, 1, 1)
    assert run(ratings.satisfaction_figures([-5], start, now_utc())).rated == 0
    assert run(ratings.officer_figures(officer.id, start, now_utc())).rated == 1


def test_kiosk_needs_code_and_last_digits_and_rates_once(client, returned):
    dossier, _, _ = returned
    home = client.get("/kiosk")
    assert home.status_code == 200 and 'http-equiv="refresh"' in home.text
    wrong = client.get("/kiosk/danh-gia", params={"ma": dossier.code, "so": "0000"})
    assert wrong.status_code == 404 and ratings.NOT_RATEABLE in wrong.text
    form = client.get("/kiosk/danh-gia", params={"ma": dossier.code, "so": "3456"})
    assert form.status_code == 200 and "Gửi đánh giá" in form.text
    data = {**ALL_FIVES, "attitude": "1", "ma": dossier.code, "so": "3456"}
    url = f"/kiosk/danh-gia?ma={dossier.code}&so=3456"
    assert post_form(client, url, "/kiosk/danh-gia", data).status_code == 200
    rating = Rating.select().first().run_sync()
    assert (rating["channel"], rating["satisfied"]) == ("kiosk", False)
    again = client.get("/kiosk/danh-gia", params={"ma": dossier.code, "so": "3456"})
    # Rated already: the same answer as wrong digits (no oracle for a prober).
    assert again.status_code == 404 and ratings.NOT_RATEABLE in again.text
