"""Input and layout findings of issue #17 through the real app: dossier codes typed with
or without dots and spaces, the four digits that must be digits, "chưa tiếp nhận" instead
of blank dates, NFC and bidi controls on every text field, one "Sửa" per row on the check
page, a back link on each step, the session's end stated before it comes."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.tables import UserSession
from app.dossiers.logic import Status, canonical_code, last_digits_problem
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.text import clean_text
from tests import factories
from tests.conftest import run
from tests.test_web_submission import PDF, citizen, post, start  # noqa: F401  (fixture)

AGENCIES = ["000.00.17.H55", "000.00.01.H55", "000.01.40.H55", "000.20.01.H55"]


@pytest.mark.parametrize("typed", [
    "000.00.17.H55-260213-0007", "0000017H55-260213-0007", "0000017h552602130007",
    "000 00 17 H55 260213 0007", " 000.00.17.H55 - 260213 - 0007 ", "000.00.17.H55260213 0007"])
def test_a_code_is_understood_with_or_without_dots_dashes_and_spaces(typed):
    assert canonical_code(typed, AGENCIES) == "000.00.17.H55-260213-0007"


@pytest.mark.parametrize("typed", [
    "", "0000017H55", "0000017H55-2602-0007", "9990017H552602130007",
    "0000017H55261313 0007",  # no 13th month
    "0000017H55２６０２１３０００７"])  # full-width digits are not our digits
def test_what_is_not_a_code_stays_unknown(typed):
    assert canonical_code(typed, AGENCIES) is None


@given(st.sampled_from(AGENCIES), st.dates(), st.integers(1, 99_999),
       st.lists(st.sampled_from([" ", ".", "-", ""]), min_size=1, max_size=3))
def test_any_code_survives_its_punctuation_being_dropped(agency, day, seq, seps):
    from app.dossiers.logic import format_dossier_code

    if not 2000 <= day.year <= 2099:
        return
    code = format_dossier_code(agency, day, seq)
    typed = re.sub(r"[.\-]", lambda _: seps[len(_.group()) % len(seps)], code).lower()
    assert canonical_code(typed, AGENCIES) == code


@pytest.mark.parametrize("digits,ok", [
    ("5678", True), (" 5678 ", True), ("abcd", False), ("56a8", False), ("567", False),
    ("56789", False), ("٥٦٧٨", False), ("５６７８", False)])
def test_the_four_digits_must_be_four_ascii_digits(digits, ok):
    assert (last_digits_problem(digits) is None) is ok


@pytest.fixture
def waiting(client):
    """An online dossier not yet received: no reception date, no appointment."""
    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
        procedure = await factories.procedure(agency)
        dossier = await factories.dossier(procedure, phone="0905125678", status=Status.NEW)
        await Dossier.update({Dossier.received_at: None, Dossier.due_at: None}).where(
            Dossier.id == dossier.id)
        return dossier.code
    return run(make())


def test_the_lookup_takes_a_code_typed_loosely_and_says_what_is_not_yet_known(client, waiting):
    loose = waiting.replace(".", "").replace("-", " ").lower()
    page = client.get("/tra-cuu", params={"ma": loose, "so": "5678"})
    assert page.status_code == 200
    assert "Chưa tiếp nhận" in page.text
    assert "ngày hẹn được tính khi hồ sơ được tiếp nhận" in page.text
    assert not re.search(r"<dd>\s*</dd>", page.text)  # no blank rows


def test_letters_for_digits_are_a_typing_slip_not_a_failed_guess(client, waiting):
    from app.dossiers.lookup_limit import PER_CODE, PER_SOURCE

    page = client.get("/tra-cuu", params={"ma": waiting, "so": "abcd"})
    assert page.status_code == 400
    assert "Nhập đúng 4 chữ số cuối" in page.text and f'value="{waiting}"' in page.text
    assert not PER_SOURCE.keys_counted() and not PER_CODE.keys_counted()
    assert 'pattern="[0-9]{4}"' in page.text


def test_clean_text_normalises_and_drops_invisible_controls():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ")
    assert clean_text(decomposed) == "Nguyễn Thị Thuỷ" != decomposed
    assert clean_text("Thôn 3\u202egpj.exe\u200f\u2066x\u2069") == "Thôn 3gpj.exex"
    assert clean_text("dòng 1\r\ndòng 2\x00\x07\tcột") == "dòng 1\ndòng 2\tcột"


def test_every_text_field_is_stored_as_nfc_without_bidi_controls(client, citizen):  # noqa: F811
    base = start(client, citizen)
    name = unicodedata.normalize("NFD", "Y Blông Ê Ban")
    saved = post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
        "applicant_name": name + "\u202e", "applicant_id_number": "062190001234",
        "applicant_phone": "0905123456", "applicant_address": "Thôn\u2067 Kon Klor\u2069"})
    assert saved.status_code == 303
    row = run(Dossier.select(Dossier.applicant_name, Dossier.applicant_address).where(
        Dossier.id == int(base.rsplit("/", 1)[1])).first().run())
    assert row == {"applicant_name": "Y Blông Ê Ban", "applicant_address": "Thôn Kon Klor"}


def test_the_check_page_has_one_change_link_per_row_and_every_step_a_way_back(client, citizen):  # noqa: F811
    base = start(client, citizen)
    draft_id = base.rsplit("/", 1)[1]
    applicant = client.get(base + "/nguoi-nop").text
    assert f'<a class="back" href="/thu-tuc/{citizen["procedure_id"]}">' in applicant
    post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
        "applicant_name": "Y Blông", "applicant_id_number": "062190001234",
        "applicant_phone": "0905123456", "applicant_address": "Thôn 3"})
    first_page = client.get(base + "/thanh-phan?trang=1").text
    assert f'<a class="back" href="{base}/nguoi-nop">' in first_page
    assert "tối đa 5 MB" in first_page and 'data-upload data-max-bytes="5242880"' in first_page
    second_page = client.get(base + "/thanh-phan?trang=2").text
    assert f'<a class="back" href="{base}/thanh-phan?trang=1">' in second_page
    first, second, optional = citizen["components"]
    post(client, base + "/thanh-phan?trang=1", base + "/thanh-phan", {"next": "1"}, files={
        f"file-{first}": ("to-khai.pdf", PDF, "application/pdf"),
        f"file-{second}": ("cccd.pdf", PDF, "application/pdf")})
    check = client.get(base + "/kiem-tra").text
    assert f'<a class="back" href="{base}/thanh-phan?trang=2">' in check
    changes = re.findall(r'<dd class="change"><a href="([^"]+)">Sửa<span class="sr"> ([^<]+)',
                         check)
    assert changes == [
        (f"{base}/nguoi-nop#applicant_name", "họ và tên"),
        (f"{base}/nguoi-nop#applicant_id_number", "số CCCD hoặc mã số thuế"),
        (f"{base}/nguoi-nop#applicant_phone", "số điện thoại"),
        (f"{base}/nguoi-nop#applicant_address", "địa chỉ"),
        (f"{base}/thanh-phan?trang=1#file-{first}", "Tờ khai"),
        (f"{base}/thanh-phan?trang=1#file-{second}", "Bản chụp CCCD"),
        (f"{base}/thanh-phan?trang=2#file-{optional}", "Giấy ủy quyền")]
    assert draft_id


def test_form_steps_say_when_the_session_ends_once_it_is_near(client, citizen):  # noqa: F811
    base = start(client, citizen)
    assert "Phiên đăng nhập hết hạn lúc" not in client.get(base + "/nguoi-nop").text
    ends = now_utc() + timedelta(hours=2)
    run(UserSession.update({UserSession.expires_at: ends}, force=True).run())
    page = client.get(base + "/nguoi-nop").text
    # Seconds left by the server's clock (the phone's own may be wrong): two hours, less
    # the moment it took to answer.
    left = int(re.search(r'data-left="(\d+)"', page).group(1))
    assert 7200 - 60 <= left <= 7200
    assert "Phiên đăng nhập hết hạn lúc <strong>" in page and "/static/js/session.js" in page


def test_a_dossier_code_wraps_only_after_its_dashes(client, citizen):  # noqa: F811
    from app.formatting import code_breaks

    assert str(code_breaks("000.00.17.H55-260213-0007")) == (
        '<span class="code-text">000.00.17.H55-<wbr>260213-<wbr>0007</span>')
    assert str(code_breaks("<b>-x")) == '<span class="code-text">&lt;b&gt;-<wbr>x</span>'


def test_feedback_names_a_dossier_by_a_loosely_typed_code(client, waiting):
    from app.accounts import service as accounts
    from app.accounts.roles import Role
    from app.feedback.tables import Feedback
    from tests.conftest import login, post_form

    run(accounts.create_user(username="052090001111", password="Gopy2026xyz",
                             full_name="Đinh Văn Góp", role=Role.CITIZEN, phone="0905111222"))
    login(client, "052090001111", "Gopy2026xyz")
    loose = waiting.replace(".", " ").lower()
    sent = post_form(client, "/phan-anh/gui", "/phan-anh/gui",
                     {"title": "Chờ lâu", "content": "Hồ sơ chưa được tiếp nhận",
                      "dossier_code": loose})
    assert "Đã gửi phản ánh" in sent.text
    ((dossier_id,),) = [tuple(r.values()) for r in run(
        Dossier.select(Dossier.id).where(Dossier.code == waiting).run())]
    assert run(Feedback.select(Feedback.dossier).first().run())["dossier"] == dossier_id
