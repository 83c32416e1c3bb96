"""A CCCD registered by someone else goes back to its owner (issue #17: the owner was told
"Số định danh này đã có tài khoản" and had no way in online): online when the registry
confirms the owner's registration, at the counter when the officer has compared the
original card. The holding account is disabled, its sessions end, both are told, all in
one transaction with its audit entries; the impostor cannot walk birthdays."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit.tables import AuditEntry
from app.identity import service as identity
from app.identity.sandbox import add_person
from app.identity.tables import NumberClaim
from app.notifications.service import deliver_pending
from app.notifications.tables import SandboxMessage
from tests.conftest import csrf_from, post_form, run
from tests.test_account_recovery import ask_for_code, code_in, reset

CCCD = "051090012345"
OWNER = {"full_name": "Nguyễn Văn An", "id_number": CCCD, "birth_date": "05/09/1990",
         "phone": "0905123456", "email": "", "password": "nuiAn2026x",
         "password_confirm": "nuiAn2026x"}
IMPOSTOR = {**OWNER, "full_name": "Trần Văn Giả", "birth_date": "01/01/1985",
            "phone": "0977000111", "password": "giaMao2026x", "password_confirm": "giaMao2026x"}


@pytest.fixture
def registry(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "sandbox")
    monkeypatch.delenv("MOTCUA_POPULATION_SANDBOX_DOWN", raising=False)
    run(add_person(CCCD, "Nguyễn Văn An", date(1990, 9, 5)))
    return client


def register(client, person: dict):
    client.cookies.clear()
    return post_form(client, "/dang-ky", "/dang-ky", person, follow_redirects=False)


def impostor_account(client) -> tuple[int, str]:
    """The impostor registers the owner's CCCD (the registry says no; the account stays,
    unverified) and is signed in; (account id, session cookie)."""
    assert register(client, IMPOSTOR).status_code == 303
    holder = run(identity.citizen_by_id_number(CCCD))
    assert holder["id_verified_at"] is None
    return holder["id"], client.cookies.get("motcua_session")


def delivered(phone: str) -> list[str]:
    run(deliver_pending())
    return [row["body"] for row in run(SandboxMessage.select(SandboxMessage.body).where(
        SandboxMessage.recipient == phone).order_by(SandboxMessage.id).run())]


def audit_of(action: str) -> list[dict]:
    return run(AuditEntry.select(AuditEntry.entity_id, AuditEntry.actor_id, AuditEntry.data)
               .where(AuditEntry.action == action).run())


def test_the_owner_takes_the_number_back_by_registering(registry):
    impostor_id, impostor_cookie = impostor_account(registry)
    taken = register(registry, OWNER)
    assert (taken.status_code, taken.headers["location"]) == (
        303, "/ca-nhan?moi_dang_ky=1&lay_lai_so=1")
    home = registry.get(taken.headers["location"])
    assert "tài khoản kia đã bị khóa" in home.text and "Nguyễn Văn An" in home.text

    owner = run(User.select().where(User.username == CCCD).first().run())
    old = run(User.select().where(User.id == impostor_id).first().run())
    assert owner["id_verified_at"] is not None and owner["id_number"] == CCCD
    assert (old["active"], old["id_number"]) == (False, None)
    assert old["username"] == f"{CCCD}#khoa-{impostor_id}"
    registry.cookies.clear()
    registry.cookies.set("motcua_session", impostor_cookie)
    assert registry.get("/ca-nhan", follow_redirects=False).headers["location"].startswith(
        "/dang-nhap")  # the impostor's session ended
    with pytest.raises(accounts.AccountError):
        run(accounts.authenticate(CCCD, IMPOSTOR["password"], "10.0.0.1"))

    released, = audit_of("user.id_number_released")
    assert int(released["entity_id"]) == impostor_id
    assert json.loads(released["data"])["id_number"] == CCCD
    given, = audit_of("user.id_number_taken_over")
    assert int(given["entity_id"]) == owner["id"]
    assert json.loads(given["data"]) == {"from_user": impostor_id, "via": "registration"}
    assert "da bi khoa" in delivered("0977000111")[-1]
    assert "********2345" in delivered("0905123456")[-1]


def test_a_wrong_claim_changes_nothing_and_birthdays_cannot_be_walked(registry):
    impostor_id, _ = impostor_account(registry)
    second = {**IMPOSTOR, "full_name": "Nguyễn Văn An", "phone": "0966000222"}
    for day in ("02/01/1985", "03/01/1985", "04/01/1985"):
        refused = register(registry, {**second, "birth_date": day})
        assert refused.status_code == 400 and "không khớp với Cơ sở dữ liệu" in refused.text
    limited = register(registry, OWNER)  # even the right answer waits now
    assert limited.status_code == 400 and "thử lại sau 10 phút" in limited.text
    holder = run(identity.citizen_by_id_number(CCCD))
    assert holder["id"] == impostor_id and holder["active"]
    assert [row["outcome"] for row in run(NumberClaim.select(NumberClaim.outcome).run())] == [
        "mismatch"] * 3
    assert len(audit_of("identity.number_claim_refused")) == 3


def test_with_the_registry_down_the_number_stays(registry, monkeypatch):
    impostor_id, _ = impostor_account(registry)
    monkeypatch.setenv("MOTCUA_POPULATION_SANDBOX_DOWN", "1")
    refused = register(registry, OWNER)
    assert refused.status_code == 400 and "Chưa kết nối được" in refused.text
    assert run(identity.citizen_by_id_number(CCCD))["id"] == impostor_id


def test_the_counter_moves_the_number_to_the_card_owner(registry):
    impostor_id, _ = impostor_account(registry)
    officer = run(accounts.create_user(username="quay.1", password="Quay2026xyz",
                                       full_name="Lê Thị Hồng", role=Role.COUNTER_OFFICER))
    registry.cookies.clear()
    registry.cookies.set("motcua_session", accounts.cookie_value(
        run(accounts.start_session(officer, "1.1.1.1", "t"))))
    page = "/mot-cua/xac-thuc-tai-khoan"
    found = registry.get(f"{page}?cccd={CCCD}")
    assert "Trần Văn Giả" in found.text and "Chuyển số CCCD cho chủ thẻ" in found.text
    move = {"_csrf_token": csrf_from(found.text), "cccd": CCCD, "owner_name": "Nguyễn Văn An",
            "owner_birth_date": "05/09/1990", "owner_phone": "0905 123 456"}
    unticked = registry.post(f"{page}/{impostor_id}/chuyen-so", data=move,
                             follow_redirects=False)
    assert unticked.status_code == 400 and "đã đối chiếu thẻ căn cước" in unticked.text
    assert 'value="Nguyễn Văn An"' in unticked.text  # the form comes back filled in
    moved = registry.post(f"{page}/{impostor_id}/chuyen-so", data={**move, "chu_the": "1"},
                          follow_redirects=False)
    assert moved.status_code == 303
    assert "Đã chuyển số CCCD cho chủ thẻ" in registry.get(moved.headers["location"]).text

    owner = run(identity.citizen_by_id_number(CCCD))
    assert owner["id"] != impostor_id and owner["id_verified_at"] is not None
    assert (owner["full_name"], owner["phone"]) == ("Nguyễn Văn An", "0905123456")
    for action in ("user.id_number_released", "user.id_number_taken_over",
                   "user.identity_vouched"):
        assert [row["actor_id"] for row in audit_of(action)] == [officer.id], action
    assert "da bi khoa" in delivered("0977000111")[-1]

    # The owner sets a password with a code sent to the phone the officer wrote down.
    registry.cookies.clear()
    page_url = ask_for_code(registry, CCCD).headers["location"]
    code = code_in(next(m for m in delivered("0905123456") if "Ma dat lai" in m))
    assert reset(registry, page_url, code, "nuiAn2026x").status_code == 303
    run(accounts.authenticate(CCCD, "nuiAn2026x", "10.0.0.1"))
    assert re.search(r"/quen-mat-khau", delivered("0905123456")[0])
