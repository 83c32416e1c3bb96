"""Proving "dossier code + last four digits", probed from outside over loopback.

Reproduces issue #14 finding 1 (the kiosk's POST counted no failure: a sweep of 0000–9999
found a dossier's digits in 18 s, and "not rateable yet" answered differently from wrong
digits) and issue #17 item 4 (failures counted per address only: after 20 of them behind a
carrier's shared address even the right code answered 429). One limiter now covers the
public lookup, the kiosk's GET and POST, the SMS lookup and the rating links, keyed by the
code as well as by the source address.
"""

from __future__ import annotations

import pytest

from app.dossiers.logic import Status
from app.dossiers.lookup_limit import PER_CODE, PER_SOURCE
from tests import security_live
from tests.security_live import SMS_TOKEN, csrf_headers, fresh_address

live_app = security_live.live_app  # the module's server (a fixture)

PER_CODE_LIMIT, PER_SOURCE_LIMIT = PER_CODE.limit, PER_SOURCE.limit
WRONG = "0000"
SCORES = {"guidance": "5", "attitude": "4", "timeliness": "5"}


def wrong_digits(right: str, n: int) -> list[str]:
    return [d for d in (f"{i:04d}" for i in range(n + 1)) if d != right][:n]


def test_kiosk_post_sweep_stops_at_the_code_whatever_the_address(live_app):
    """Finding 1: wrong digits posted to the kiosk form are failures of that code; once the
    code has had its share, even the right digits from a new address wait, and no rating
    is saved."""
    code, last4 = live_app.dossier(Status.RETURNED)
    statuses = []
    for digits in wrong_digits(last4, PER_CODE_LIMIT):
        with live_app.client() as prober:  # a new source address for every guess
            statuses.append(prober.post("/kiosk/danh-gia", headers=csrf_headers(prober),
                                        data={"ma": code, "so": digits, **SCORES}).status_code)
    assert statuses == [404] * PER_CODE_LIMIT
    with live_app.client() as prober:
        found = prober.post("/kiosk/danh-gia", headers=csrf_headers(prober),
                            data={"ma": code, "so": last4, **SCORES})
        assert found.status_code == 429
        assert "thử lại sau" in found.text
        asked = prober.get("/kiosk/danh-gia", params={"ma": code, "so": last4})
        assert asked.status_code == 429
    assert live_app.query("SELECT count(*) FROM rating") == [(0,)]


@pytest.mark.parametrize("channel", ["tra-cuu", "kiosk"])
def test_wrong_digits_on_one_channel_count_on_the_others(live_app, channel):
    code, last4 = live_app.dossier(Status.RETURNED)
    path = "/tra-cuu" if channel == "tra-cuu" else "/kiosk/danh-gia"
    with live_app.client() as careless:
        for digits in wrong_digits(last4, PER_CODE_LIMIT):
            assert careless.get(path, params={"ma": code, "so": digits}).status_code == 404
    sender = "0912777001" if channel == "tra-cuu" else "0912777002"
    with live_app.client() as owner:
        other = "/kiosk/danh-gia" if channel == "tra-cuu" else "/tra-cuu"
        assert owner.get(other, params={"ma": code, "so": last4}).status_code == 429
        sms = owner.post("/api/v1/sms/inbound", headers={"authorization": f"Bearer {SMS_TOKEN}"},
                         json={"sender": sender, "text": f"TC {code} {last4}", "id": sender})
        assert sms.status_code == 200
    ((reply,),) = live_app.query("SELECT body FROM outbox_message WHERE recipient = ?", sender)
    assert "Tra cuu sai qua nhieu lan" in reply


def test_not_rateable_answers_like_wrong_digits(live_app):
    """Finding 1: "not returned yet" told a prober the digits were right."""
    code, last4 = live_app.dossier(Status.PROCESSING)
    with live_app.client() as prober:
        wrong = prober.get("/kiosk/danh-gia", params={"ma": code, "so": WRONG})
        right = prober.get("/kiosk/danh-gia", params={"ma": code, "so": last4})
        unknown = prober.get("/kiosk/danh-gia", params={"ma": code[:-4] + "9999", "so": last4})
    assert wrong.status_code == right.status_code == unknown.status_code == 404
    assert _alert(wrong.text) == _alert(right.text) == _alert(unknown.text)


def test_careless_users_behind_one_address_do_not_lock_it_out(live_app):
    """Issue #17 item 4: failures on several codes from one shared address (more than the old
    limit of 20) slow those codes, not the next person's right code from that address."""
    shared = fresh_address()
    slowed = []
    with live_app.client(shared) as village:
        for _ in range(5):
            code, last4 = live_app.dossier()
            for digits in wrong_digits(last4, PER_CODE_LIMIT):
                assert village.get("/tra-cuu", params={"ma": code, "so": digits}).status_code \
                    == 404
            slowed.append(village.get("/tra-cuu", params={"ma": code, "so": last4}).status_code)
        code, last4 = live_app.dossier()
        found = village.get("/tra-cuu", params={"ma": code, "so": last4})
    assert found.status_code == 200 and code in found.text
    assert slowed == [429] * 5  # each mistyped code waits, for everyone


def test_a_sweep_over_many_codes_from_one_address_is_slowed(live_app):
    sweeper, bystander = fresh_address(), fresh_address()
    code, last4 = live_app.dossier()
    prefix = code[:-4]
    with live_app.client(sweeper) as prober:
        statuses = [prober.get("/tra-cuu", params={"ma": f"{prefix}{9000 + n}", "so": WRONG})
                    .status_code for n in range(PER_SOURCE_LIMIT + 1)]
        assert statuses[:PER_SOURCE_LIMIT] == [404] * PER_SOURCE_LIMIT
        assert statuses[-1] == 429
        assert prober.get("/tra-cuu", params={"ma": code, "so": last4}).status_code == 429
    with live_app.client(bystander) as other:
        assert other.get("/tra-cuu", params={"ma": code, "so": last4}).status_code == 200


def test_a_qr_link_and_badly_typed_digits_count_nothing(live_app):
    code, last4 = live_app.dossier()
    with live_app.client() as person:
        for _ in range(PER_CODE_LIMIT + 2):
            assert person.get("/tra-cuu", params={"ma": code}).status_code == 200
            # Not four digits: a typing slip answered 400 (#17), never counted as a guess.
            assert person.get("/tra-cuu", params={"ma": code, "so": "12"}).status_code == 400
        assert person.get("/tra-cuu", params={"ma": code, "so": last4}).status_code == 200


def test_rating_links_are_guessed_under_the_same_address_limit(live_app):
    with live_app.client() as prober:
        statuses = [prober.get(f"/danh-gia/guess-{n}").status_code
                    for n in range(PER_SOURCE_LIMIT + 1)]
        code, last4 = live_app.dossier()
        after = prober.get("/tra-cuu", params={"ma": code, "so": last4}).status_code
    assert statuses[:PER_SOURCE_LIMIT] == [404] * PER_SOURCE_LIMIT
    assert statuses[-1] == 429 and after == 429


def _alert(html: str) -> str:
    start = html.index('role="alert"')
    return html[start:html.index("</div>", start)]
