"""Registration checked against the population database (sandbox registry), through the
real app as a browser without JavaScript would: match, mismatch, number unknown, registry
down then a retry from the personal page, the retry limit, and what is recorded."""

import json
from datetime import date

import pytest

from app.accounts.tables import User
from app.audit.tables import AuditEntry
from app.identity.sandbox import add_person
from app.identity.tables import IdentityCheck
from tests.conftest import csrf_from, post_form, run

AN = {"full_name": "Nguyễn Văn An", "id_number": "051090012345", "birth_date": "05/09/1990",
      "phone": "0905123456", "email": "", "password": "nuiAn2026x",
      "password_confirm": "nuiAn2026x"}


@pytest.fixture
def registry(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "sandbox")
    monkeypatch.delenv("MOTCUA_POPULATION_SANDBOX_DOWN", raising=False)
    run(add_person("051090012345", "Nguyễn Văn An", date(1990, 9, 5)))
    return client


def register(client, **changes):
    response = post_form(client, "/dang-ky", "/dang-ky", {**AN, **changes},
                         follow_redirects=False)
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"])


def account():
    return run(User.select(User.full_name, User.birth_date, User.id_verified_at).where(
        User.id_number == AN["id_number"]).first().run())


def checks():
    return [row["outcome"] for row in run(IdentityCheck.select(IdentityCheck.outcome).order_by(
        IdentityCheck.id).run())]


def retry(client, **fields):
    """The personal page's button (or the correction form) posted with its CSRF token."""
    page = client.get("/ca-nhan")
    data = {"_csrf_token": csrf_from(page.text), **fields}
    return client.post("/ca-nhan/xac-thuc", data=data, follow_redirects=False)


def test_a_match_verifies_the_account_in_one_audited_transaction(registry):
    page = register(registry, full_name="nguyễn  văn an")  # case and spacing do not matter
    assert "Thông tin của bạn đã được xác thực với Cơ sở dữ liệu quốc gia về dân cư" in page.text
    row = account()
    assert row["id_verified_at"] is not None and row["birth_date"] == date(1990, 9, 5)
    assert checks() == ["match"]
    entry = run(AuditEntry.select(AuditEntry.data).where(
        AuditEntry.action == "user.identity_checked").first().run())
    assert json.loads(entry["data"]) == {"outcome": "match", "mismatched": [], "reason": "",
                                         "via": "registration"}
    assert 'action="/ca-nhan/xac-thuc"' not in page.text  # nothing left to do


def test_a_mismatch_creates_an_unverified_account_that_can_correct_itself(registry):
    page = register(registry, full_name="Nguyen Van An")  # typed without diacritics
    assert "Tài khoản chưa được xác thực." in page.text
    assert "Họ tên hoặc ngày sinh bạn nhập không khớp" in page.text
    assert account()["id_verified_at"] is None and checks() == ["mismatch"]
    form = registry.get("/ca-nhan/xac-thuc")
    assert 'value="Nguyen Van An"' in form.text and 'value="05/09/1990"' in form.text
    assert "thẻ căn cước của số CCCD <strong>051090012345</strong>" in form.text

    bad = retry(registry, full_name="Nguyễn Văn An", birth_date="30/02/1990")
    assert bad.status_code == 400 and "Ngày sinh không có thật" in bad.text
    assert checks() == ["mismatch"]  # a refused form never reaches the registry

    done = retry(registry, full_name="Nguyễn Văn An", birth_date="5/9/1990")
    assert (done.status_code, done.headers["location"]) == (303, "/ca-nhan#xac-thuc")
    assert "đã được xác thực" in registry.get("/ca-nhan").text
    assert account()["full_name"] == "Nguyễn Văn An" and account()["id_verified_at"]
    assert checks() == ["mismatch", "match"]
    again = retry(registry, full_name="Ai Đó", birth_date="01/01/2000")  # already verified
    assert again.status_code == 303 and account()["full_name"] == "Nguyễn Văn An"
    assert checks() == ["mismatch", "match"]


def test_an_unknown_number_is_explained(registry):
    page = register(registry, id_number="051090099999")
    assert "không có số CCCD này" in page.text and "Tài khoản chưa được xác thực." in page.text


def test_registry_down_then_retry_from_the_personal_page(registry, monkeypatch):
    monkeypatch.setenv("MOTCUA_POPULATION_SANDBOX_DOWN", "1")
    page = register(registry)
    assert "Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư" in page.text
    assert '<button type="submit">Xác thực thông tin công dân</button>' in page.text
    assert account()["id_verified_at"] is None and checks() == ["unavailable"]
    reason = json.loads(run(AuditEntry.select(AuditEntry.data).where(
        AuditEntry.action == "user.identity_checked").first().run())["data"])["reason"]
    assert "không phản hồi" in reason

    stored = {"full_name": AN["full_name"], "birth_date": AN["birth_date"]}
    assert retry(registry, **stored).status_code == 303  # still down: still unverified
    assert account()["id_verified_at"] is None
    monkeypatch.delenv("MOTCUA_POPULATION_SANDBOX_DOWN")
    assert retry(registry, **stored).status_code == 303
    assert account()["id_verified_at"] is not None
    assert checks() == ["unavailable", "unavailable", "match"]


def test_no_registry_configured_leaves_accounts_unverified(client):
    page = register(client)  # MOTCUA_POPULATION_REGISTRY is unset in the test process
    assert "Chưa kết nối được" in page.text and account()["id_verified_at"] is None


def test_checks_are_limited_per_account(registry):
    register(registry, birth_date="06/09/1990")
    for _ in range(2):
        assert retry(registry, full_name=AN["full_name"],
                     birth_date="07/09/1990").status_code == 303
    refused = retry(registry, full_name=AN["full_name"], birth_date="05/09/1990")
    assert refused.status_code == 429
    assert "Bạn đã thử xác thực nhiều lần. Có thể thử lại sau 10 phút." in refused.text
    assert checks() == ["mismatch"] * 3 and account()["id_verified_at"] is None
    assert "Có thể thử lại sau 10 phút." in registry.get("/ca-nhan").text


def test_registration_asks_for_the_birth_date_in_vietnamese(registry):
    response = post_form(registry, "/dang-ky", "/dang-ky", {**AN, "birth_date": "1990-09-05"})
    assert response.status_code == 400
    assert "Ngày sinh phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990." in response.text
    assert 'href="#birth_date"' in response.text
    assert checks() == [] and account() is None


def test_a_taken_number_is_refused_before_the_registry_is_asked(registry):
    register(registry)
    registry.cookies.clear()
    response = post_form(registry, "/dang-ky", "/dang-ky", {**AN, "phone": "0905000000"})
    assert response.status_code == 400 and "Số định danh này đã có tài khoản" in response.text
    assert checks() == ["match"]
