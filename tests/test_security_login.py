"""Nobody can lock another person's account: issue #14 finding 3, probed over loopback.

Reproduced: five wrong passwords from one address locked the real user out everywhere for
15 minutes (indefinitely if repeated), and staff usernames are guessable while citizens log
in with their CCCD. Now failures slow the (account, address) pair with growing delays; a
per-account ceiling stops new addresses only, never the owner's usual one; every refusal
says how long to wait.
"""

from __future__ import annotations

import re

from app.accounts import service as accounts
from app.accounts.roles import Role
from tests import security_live
from tests.conftest import run
from tests.security_live import fresh_address

live_app = security_live.live_app  # the module's server (a fixture)
PASSWORD = "DungMatKhau2026"


def citizen(username: str) -> str:
    run(accounts.create_user(username=username, password=PASSWORD, full_name="Lê Văn Chủ",
                             role=Role.CITIZEN))
    return username


def sign_in(live, address: str, username: str, password: str):
    with live.client(address) as browser:
        return browser.post("/dang-nhap", headers=security_live.csrf_headers(browser),
                            data={"username": username, "password": password})


def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out(live_app):
    username, home = citizen("052090008001"), fresh_address()
    assert sign_in(live_app, home, username, PASSWORD).status_code == 303  # their usual place
    attacker = fresh_address()
    refusals = [sign_in(live_app, attacker, username, f"Doan{n}Sai2026").status_code
                for n in range(12)]
    assert sign_in(live_app, home, username, PASSWORD).status_code == 303
    assert refusals[:3] == [400] * 3 and set(refusals[3:]) == {429}  # the attacker waits


def test_guessing_from_one_address_waits_longer_and_is_told_how_long(live_app):
    username = citizen("052090008002")
    address = fresh_address()
    for n in range(3):
        wrong = sign_in(live_app, address, username, f"Doan{n}Sai2026")
        assert wrong.status_code == 400 and "không đúng" in wrong.text
    waiting = sign_in(live_app, address, username, PASSWORD)
    assert waiting.status_code == 429
    assert re.search(r"chờ \d+ giây", waiting.text)
    # Another place is not made to wait by this one's mistakes.
    assert sign_in(live_app, fresh_address(), username, PASSWORD).status_code == 303


def test_many_addresses_meet_a_ceiling_that_spares_the_usual_one(live_app):
    username, home = citizen("052090008003"), fresh_address()
    assert sign_in(live_app, home, username, PASSWORD).status_code == 303
    statuses = []
    for n in range(12):  # a botnet: two guesses from each of many addresses
        address = fresh_address()
        statuses += [sign_in(live_app, address, username, f"Doan{n}x{k}2026").status_code
                     for k in range(2)]
    assert sign_in(live_app, home, username, PASSWORD).status_code == 303
    assert statuses[:20] == [400] * 20 and set(statuses[20:]) == {429}
    stranger = sign_in(live_app, fresh_address(), username, PASSWORD)
    assert stranger.status_code == 429 and "nơi bạn thường đăng nhập" in stranger.text
