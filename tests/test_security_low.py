"""Issue #14 finding 5 (low), probed from outside over loopback where it can be.

Reproduced: a non-ASCII CSRF token or `x-signature` answered 500 (`compare_digest` on
text); the PDF "scripted content" check was a byte search, fooled by name escapes
(`/S/J#61vaScript`), `/JS` followed by a newline, `/S/L#61unch`, compressed object streams
and files that only start like a PDF; the router's 404 and 405 answers had no security
headers; the sandbox payment gateway and population registry started in production.
"""

from __future__ import annotations

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureComponent
from app.files.inspect import content_problem
from tests import pdfs, security_live
from tests.conftest import run
from tests.live import start_web, stop
from tests.test_web_submission import post, start

live_app = security_live.live_app  # the module's server (a fixture)

SCRIPTED = {
    "escaped JavaScript name": pdfs.with_action(b"<< /S/J#61vaScript/J#53(app.alert\\(1\\)) >>"),
    "JS then a newline": pdfs.with_action(b"<< /S/J#61vaScript /JS\n(app.alert(1)) >>"),
    "escaped Launch": pdfs.with_action(b"<< /S/L#61unch /F (cmd.exe) >>"),
    "in an object stream": pdfs.with_hidden_stream_object(b"<< /S /JavaScript /JS (x) >>"),
}
NOT_PDF = {
    "html behind a PDF header": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
    "zip after the PDF": pdfs.simple() + pdfs.zip_of("payload.js", "alert(1);\n" * 400),
    "no pages": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
}


@pytest.mark.parametrize("name", SCRIPTED)
def test_scripted_pdfs_are_refused_however_spelled(name):
    assert "mã lệnh" in (content_problem(SCRIPTED[name], "application/pdf") or "")


@pytest.mark.parametrize("name", NOT_PDF)
def test_what_does_not_parse_as_a_pdf_is_refused(name):
    assert "bị hỏng" in (content_problem(NOT_PDF[name], "application/pdf") or "")


def test_plain_pdfs_pass():
    assert content_problem(pdfs.simple("to khai", padding=20_000), "application/pdf") is None
    assert content_problem(pdfs.with_action(b"[3 0 R /Fit]"), "application/pdf") is None


def test_a_scripted_pdf_uploaded_over_http_is_refused_and_not_kept(live_app):
    async def make():
        procedure = await factories_procedure_with_component(live_app)
        user = await accounts.create_user(username="052090009001", password="abc12345",
                                          full_name="Đinh Văn Tải", role=Role.CITIZEN)
        cookie = accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "t"))
        return procedure, cookie

    (procedure_id, component_id), cookie = run(make())
    with live_app.client(cookies={"motcua_session": cookie}) as browser:
        base = start(browser, {"procedure_id": procedure_id})
        refused = post(browser, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"},
                       files={f"file-{component_id}": (
                           "to-khai.pdf", SCRIPTED["escaped JavaScript name"],
                           "application/pdf")})
    assert refused.status_code == 400 and "mã lệnh" in refused.text
    assert live_app.query("SELECT count(*) FROM stored_file") == [(0,)]


async def factories_procedure_with_component(live) -> tuple[int, int]:
    component = ProcedureComponent(procedure=live.procedure.id, position=1, name="Tờ khai",
                                   kind="copy", required=True)
    await component.save()
    return live.procedure.id, component.id


def test_non_ascii_csrf_tokens_are_refused_not_crashing(live_app):
    with live_app.client() as browser:
        browser.get("/dang-nhap")
        good = browser.cookies["motcua_csrf"]
        form = browser.post("/dang-nhap", data={"_csrf_token": "é" * len(good),
                                                "username": "x", "password": "y"})
        header = browser.post("/dang-nhap", data={"username": "x"},
                              headers={"x-csrftoken": ("é" * len(good)).encode("latin-1")})
        cookie = browser.post("/dang-nhap", data={"_csrf_token": good},
                              headers={"cookie": "motcua_csrf=" + "%C3%A9" * len(good)})
    assert [form.status_code, header.status_code, cookie.status_code] == [403, 403, 403]
    assert "Vui lòng tải lại trang" in form.text


def test_non_ascii_signature_is_a_400(live_app):
    with live_app.client() as prober:
        answer = prober.post("/api/v1/payments/callback", content=b"{}",
                             headers={"x-signature": "é".encode("latin-1") * 64})
    assert answer.status_code == 400


def test_router_answers_carry_the_security_headers(live_app):
    with live_app.client() as prober:
        missing = prober.get("/khong-co-trang-nay")
        wrong_method = prober.delete("/tra-cuu")
    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    for answer in (missing, wrong_method):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("variable", ["MOTCUA_PAYMENT_GATEWAY", "MOTCUA_POPULATION_REGISTRY"])
def test_sandboxes_refuse_to_start_in_production(tmp_path, migrated_template, variable):
    from tests.conftest import database_url_for, drop_database
    from tests.live import free_port

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    database_url = database_url_for(var_dir)
    production = {"MOTCUA_HTTPS": "1", variable: "sandbox", "MOTCUA_FAKE_NOW": "",
                  "MOTCUA_CHEAP_PASSWORD_HASHES": "",
                  "MOTCUA_DATABASE_URL": database_url}
    try:
        with pytest.raises(RuntimeError, match="sandbox"):
            stop(start_web(var_dir, free_port(), production))
        allowed = start_web(var_dir, free_port(),
                            {**production, "MOTCUA_ALLOW_SANDBOX_IN_PRODUCTION": "1"})
        stop(allowed)
    finally:
        drop_database(database_url)


@pytest.mark.parametrize("variable,value", [
    ("MOTCUA_VNEID", "sandbox"), ("MOTCUA_DVCQG", "sandbox"), ("MOTCUA_IOFFICE", "sandbox"),
    ("MOTCUA_ZALO_OA", "sandbox"), ("MOTCUA_NOTIFY_SANDBOX", "1")])
def test_every_sandbox_counts_as_unsafe_in_production(monkeypatch, variable, value):
    from app.system import production

    for name in ("MOTCUA_VNEID", "MOTCUA_DVCQG", "MOTCUA_IOFFICE", "MOTCUA_ZALO_OA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOTCUA_NOTIFY_SANDBOX", "0")
    assert production.sandboxes_in_use() == []
    monkeypatch.setenv(variable, value)
    (found,) = production.sandboxes_in_use()
    assert variable in found


def test_a_test_clock_never_runs_in_production(monkeypatch):
    from app import clock
    from app.settings import get_settings
    from app.system import production

    monkeypatch.setenv("MOTCUA_FAKE_NOW", "2026-12-08T09:00:00+07:00")
    monkeypatch.setenv("MOTCUA_HTTPS", "1")
    get_settings.cache_clear()
    clock.reset()
    try:
        with pytest.raises(production.UnsafeConfiguration, match="MOTCUA_FAKE_NOW"):
            production.check(get_settings())
        assert clock.offset().total_seconds() == 0  # and the clock ignores it there
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        clock.reset()
