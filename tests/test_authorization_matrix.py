"""Every route × every role: allowed, sent to login, or refused.

The policy below is written by hand; the routes come from the application's own route
table, so a new route that nobody classified fails `test_every_route_is_classified`.
"""

from __future__ import annotations

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.main import create_app
from tests import factories
from tests.conftest import csrf_from, run

STAFF = {r.value for r in Role if r.is_staff}
APPLICANTS = {Role.CITIZEN.value, Role.ORGANISATION.value}
EVERYONE = {"anonymous", *STAFF, *APPLICANTS}
COUNTER = {Role.COUNTER_OFFICER.value, Role.POSTAL_STAFF.value}
FEEDBACK_STAFF = {Role.PROVINCIAL_ADMIN.value, Role.AGENCY_ADMIN.value, Role.LEADER.value,
                  Role.HANDLER.value, Role.AUDITOR.value}

# (method, path) -> who may use it. Anonymous visitors of a protected page are redirected
# to the login page; logged-in users without the right role get 403.
POLICY: dict[tuple[str, str], set[str]] = {
    ("GET", "/"): EVERYONE,
    ("GET", "/thu-tuc"): EVERYONE,
    ("GET", "/thu-tuc/{procedure_id:int}"): EVERYONE,
    ("GET", "/tra-cuu"): EVERYONE,
    ("GET", "/dang-nhap"): EVERYONE,
    ("POST", "/dang-nhap"): EVERYONE,
    ("POST", "/dang-xuat"): EVERYONE,
    ("GET", "/dang-ky"): EVERYONE,
    ("POST", "/dang-ky"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("GET", "/ca-nhan"): APPLICANTS,
    ("GET", "/can-bo"): STAFF,
    ("GET", "/can-bo/hang-doi"): STAFF,
    ("GET", "/can-bo/tre-han"): STAFF,
    ("POST", "/can-bo/hang-doi/xu-ly-hang-loat"): {Role.LEADER.value},
    ("GET", "/can-bo/hang-doi/ket-qua/{run_id:int}"): {Role.LEADER.value},
    ("GET", "/quan-tri/lich-lam-viec"): {Role.PROVINCIAL_ADMIN.value},
    ("POST", "/quan-tri/lich-lam-viec/gio-lam-viec"): {Role.PROVINCIAL_ADMIN.value},
    ("POST", "/quan-tri/lich-lam-viec/ngay"): {Role.PROVINCIAL_ADMIN.value},
    ("POST", "/quan-tri/lich-lam-viec/ngay/{override_id:int}/xoa"): {Role.PROVINCIAL_ADMIN.value},
    ("POST", "/nop-truc-tuyen/bat-dau/{procedure_id:int}"): APPLICANTS,
    ("GET", "/nop-truc-tuyen/{draft_id:int}/nguoi-nop"): APPLICANTS,
    ("POST", "/nop-truc-tuyen/{draft_id:int}/nguoi-nop"): APPLICANTS,
    ("GET", "/nop-truc-tuyen/{draft_id:int}/thanh-phan"): APPLICANTS,
    ("POST", "/nop-truc-tuyen/{draft_id:int}/thanh-phan"): APPLICANTS,
    ("GET", "/nop-truc-tuyen/{draft_id:int}/kiem-tra"): APPLICANTS,
    ("POST", "/nop-truc-tuyen/{draft_id:int}/nop"): APPLICANTS,
    ("GET", "/nop-truc-tuyen/{draft_id:int}/da-nop"): APPLICANTS,
    ("GET", "/ho-so-cua-toi/{draft_id:int}/bo-sung"): APPLICANTS,
    ("POST", "/ho-so-cua-toi/{draft_id:int}/bo-sung"): APPLICANTS,
    ("GET", "/mot-cua/tiep-nhan"): COUNTER,
    ("GET", "/mot-cua/tra-ket-qua"): COUNTER,
    ("GET", "/mot-cua/ho-so-giay"): STAFF,
    ("POST", "/mot-cua/ho-so-giay"): {Role.COUNTER_OFFICER.value},
    ("GET", "/mot-cua/tiep-nhan/{procedure_id:int}"): COUNTER,
    ("POST", "/mot-cua/tiep-nhan/{procedure_id:int}"): COUNTER,
    ("GET", "/can-bo/ho-so/{dossier_id:int}"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/phieu-hen"): STAFF,
    ("POST", "/can-bo/ho-so/{dossier_id:int}/thao-tac"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/ket-qua/{kind:str}"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/bieu-mau"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/bieu-mau/{form:str}"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/bieu-mau/{form:str}/pdf"): STAFF,
    ("GET", "/mot-cua/so-theo-doi"): STAFF,
    ("GET", "/mot-cua/so-theo-doi/xlsx"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay"): STAFF,
    ("POST", "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay"): {
        Role.COUNTER_OFFICER.value, Role.POSTAL_STAFF.value, Role.HANDLER.value,
        Role.LEADER.value},
    ("GET", "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay/{conversion_id:int}"): STAFF,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/chuyen-doi-giay/{conversion_id:int}/pdf"): STAFF,
}
ADMINS = {Role.PROVINCIAL_ADMIN.value, Role.AGENCY_ADMIN.value}
POLICY |= {
    ("GET", "/quan-tri/tac-vu"): ADMINS,
    ("POST", "/quan-tri/tac-vu/{job_id:int}/chay-lai"): ADMINS,
    ("GET", "/bao-cao"): ADMINS | {Role.AUDITOR.value, Role.LEADER.value},
    ("POST", "/bao-cao"): {Role.PROVINCIAL_ADMIN.value},
    ("GET", "/bao-cao/{export_id:int}/{kind:str}"): ADMINS | {Role.AUDITOR.value,
                                                                Role.LEADER.value},
    ("GET", "/can-bo/ho-so/{dossier_id:int}/so-hoa"): STAFF,
    ("POST", "/can-bo/ho-so/{dossier_id:int}/so-hoa"): COUNTER,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/so-hoa/{scan_id:int}/tep"): STAFF,
    ("GET", "/can-bo/tim-ban-so-hoa"): STAFF,
    ("GET", "/kho-du-lieu"): APPLICANTS,
    ("GET", "/kho-du-lieu/{document_id:int}"): APPLICANTS,
    ("GET", "/can-bo/chi-phi-tuan-thu/{procedure_id:int}"): STAFF,
    ("GET", "/noi-bo/de-nghi"): STAFF,
    ("GET", "/noi-bo/de-nghi/moi"): {Role.AGENCY_ADMIN.value},
    ("POST", "/noi-bo/de-nghi/moi"): {Role.AGENCY_ADMIN.value},
    ("GET", "/noi-bo/de-nghi/{dossier_id:int}"): STAFF,
    ("POST", "/noi-bo/de-nghi/{dossier_id:int}/quyet-dinh"): {Role.LEADER.value},
    ("POST", "/noi-bo/de-nghi/{dossier_id:int}/ban-giao"): {
        Role.COUNTER_OFFICER.value, Role.HANDLER.value, Role.LEADER.value},
    ("GET", "/noi-bo/tai-khoan"): {Role.AGENCY_ADMIN.value, Role.PROVINCIAL_ADMIN.value},
    ("POST", "/noi-bo/tai-khoan/thu-hoi"): {Role.AGENCY_ADMIN.value,
                                           Role.PROVINCIAL_ADMIN.value},
    ("GET", "/dat-mat-khau/{token:str}"): EVERYONE,
    ("POST", "/dat-mat-khau/{token:str}"): EVERYONE,
    ("GET", "/ho-so-cua-toi/{dossier_id:int}"): APPLICANTS,
    ("GET", "/ho-so-cua-toi/{dossier_id:int}/rut-ho-so"): APPLICANTS,
    ("POST", "/ho-so-cua-toi/{dossier_id:int}/rut-ho-so"): APPLICANTS,
    ("POST", "/ho-so-cua-toi/{dossier_id:int}/thanh-toan"): APPLICANTS,
    ("GET", "/thanh-toan/{reference:str}"): APPLICANTS,
    ("GET", "/thanh-toan/{reference:str}/bien-lai"): APPLICANTS,
    ("GET", "/thu-tuc/{procedure_id:int}/mau/{component_id:int}"): EVERYONE,
    ("POST", "/api/v1/payments/callback"): EVERYONE,  # the gateway; checked by signature
    ("GET", "/sandbox/thanh-toan/{reference:str}"): EVERYONE,  # the gateway's own pages
    ("POST", "/sandbox/thanh-toan/{reference:str}"): EVERYONE,
    ("GET", "/danh-gia/{token:str}"): EVERYONE,
    ("POST", "/danh-gia/{token:str}"): EVERYONE,
    ("GET", "/kiosk"): EVERYONE,
    ("GET", "/kiosk/danh-gia"): EVERYONE,
    ("POST", "/kiosk/danh-gia"): EVERYONE,
    ("GET", "/phan-anh/cong-khai"): EVERYONE,
    ("GET", "/phan-anh/gui"): {"anonymous", *APPLICANTS},
    ("POST", "/phan-anh/gui"): {"anonymous", *APPLICANTS},
    ("GET", "/phan-anh/xac-thuc/{token:str}"): EVERYONE,
    ("POST", "/phan-anh/xac-thuc/{token:str}"): EVERYONE,
    ("GET", "/phan-anh/theo-doi/{token:str}"): EVERYONE,
    ("POST", "/phan-anh/theo-doi/{token:str}"): EVERYONE,
    ("GET", "/phan-anh/cua-toi"): APPLICANTS,
    ("POST", "/phan-anh/danh-gia"): APPLICANTS,
    ("POST", "/phan-anh/bo-sung"): APPLICANTS,
    ("GET", "/can-bo/phan-anh"): FEEDBACK_STAFF,
    ("GET", "/can-bo/phan-anh/{feedback_id:int}"): FEEDBACK_STAFF,
    ("POST", "/can-bo/phan-anh/{feedback_id:int}/xu-ly"): FEEDBACK_STAFF,
    ("POST", "/can-bo/phan-anh/{feedback_id:int}/gui-lai-cong-dvcqg"):
        FEEDBACK_STAFF - {Role.AUDITOR.value},
    # Second factor: reachable only with the pending cookie of a password just accepted;
    # without it every visitor is sent back to the login form.
    ("GET", "/dang-nhap/xac-thuc"): EVERYONE,
    ("POST", "/dang-nhap/xac-thuc"): EVERYONE,
    ("GET", "/dang-nhap/thiet-lap-xac-thuc"): EVERYONE,
    ("POST", "/dang-nhap/thiet-lap-xac-thuc"): EVERYONE,
}
POLICY |= {
    ("GET", "/quan-tri/thong-bao"): STAFF,
    ("POST", "/quan-tri/thong-bao/{message_id:int}/gui-lai"): STAFF,
    ("GET", "/quan-tri/mau-thong-bao"): {Role.PROVINCIAL_ADMIN.value},
    ("GET", "/quan-tri/mau-thong-bao/{event:str}/{channel:str}"): {Role.PROVINCIAL_ADMIN.value},
    ("POST", "/quan-tri/mau-thong-bao/{event:str}/{channel:str}"): {Role.PROVINCIAL_ADMIN.value},
}
PAYMENT_RECONCILERS = {Role.COUNTER_OFFICER.value, Role.LEADER.value}
POLICY |= {
    ("GET", "/can-bo/thanh-toan"): PAYMENT_RECONCILERS | {
        Role.AGENCY_ADMIN.value, Role.PROVINCIAL_ADMIN.value, Role.AUDITOR.value},
    ("POST", "/can-bo/thanh-toan/{payment_id:int}/ghi-nhan"): PAYMENT_RECONCILERS,
    ("POST", "/can-bo/thanh-toan/{payment_id:int}/hoan-tien"): PAYMENT_RECONCILERS,
    ("POST", "/can-bo/thanh-toan/{payment_id:int}/kiem-tra"): PAYMENT_RECONCILERS,
}
# The service index: public figures, formulas and charts; the dossiers and feedback behind
# an indicator are listed only for staff (the page itself is public; see its tests).
POLICY |= {
    ("GET", "/chi-so-phuc-vu"): EVERYONE,
    ("GET", "/chi-so-phuc-vu/bieu-do"): EVERYONE,
    ("GET", "/chi-so-phuc-vu/{indicator:str}"): EVERYONE,
}
# Public monthly late lists: published ones for everyone; drafts and approval for the
# provincial admin.
POLICY |= {
    ("GET", "/danh-sach-tre-han"): EVERYONE,
    ("GET", "/danh-sach-tre-han/{slug:str}"): EVERYONE,
    # Auditors read drafts too (#18); only the provincial admin builds and approves.
    ("GET", "/quan-tri/danh-sach-tre-han"): {Role.PROVINCIAL_ADMIN.value, Role.AUDITOR.value},
    ("POST", "/quan-tri/danh-sach-tre-han/lap"): {Role.PROVINCIAL_ADMIN.value},
    ("GET", "/quan-tri/danh-sach-tre-han/{list_id:int}"): {Role.PROVINCIAL_ADMIN.value,
                                                          Role.AUDITOR.value},
    ("POST", "/quan-tri/danh-sach-tre-han/{list_id:int}/duyet"): {Role.PROVINCIAL_ADMIN.value},
}
POLICY |= {
    ("GET", "/ca-nhan/xac-thuc"): {Role.CITIZEN.value},
    ("POST", "/ca-nhan/xac-thuc"): {Role.CITIZEN.value},
    ("GET", "/mot-cua/xac-thuc-tai-khoan"): {Role.COUNTER_OFFICER.value},
    ("POST", "/mot-cua/xac-thuc-tai-khoan/{user_id:int}"): {Role.COUNTER_OFFICER.value},
    ("POST", "/mot-cua/xac-thuc-tai-khoan/{user_id:int}/chuyen-so"): {
        Role.COUNTER_OFFICER.value},
}
# "Quên mật khẩu": anyone (the page is the same whether the account exists or not).
POLICY |= {
    ("GET", "/quen-mat-khau"): EVERYONE,
    ("POST", "/quen-mat-khau"): EVERYONE,
    ("GET", "/quen-mat-khau/{token:str}"): EVERYONE,
    ("POST", "/quen-mat-khau/{token:str}"): EVERYONE,
}
# Internal processes: provincial admins for every procedure, agency admins for their own.
POLICY |= {
    ("GET", "/quan-tri/quy-trinh"): ADMINS,
    ("GET", "/quan-tri/quy-trinh/thu-tuc/{procedure_id:int}"): ADMINS,
    ("POST", "/quan-tri/quy-trinh/thu-tuc/{procedure_id:int}/du-thao"): ADMINS,
    ("GET", "/quan-tri/quy-trinh/phien-ban/{version_id:int}"): ADMINS,
    ("POST", "/quan-tri/quy-trinh/phien-ban/{version_id:int}"): ADMINS,
    ("POST", "/quan-tri/quy-trinh/phien-ban/{version_id:int}/ban-hanh"): ADMINS,
    ("POST", "/quan-tri/quy-trinh/phien-ban/{version_id:int}/xoa"): ADMINS,
}
# The archive: its readers see their agencies' files (province-wide for provincial admins
# and auditors); the archivist confirms hand-overs; the provincial admin decides disposal
# and retention rules.
ARCHIVE_READERS = {Role.PROVINCIAL_ADMIN.value, Role.AGENCY_ADMIN.value, Role.ARCHIVIST.value,
                   Role.AUDITOR.value}
ARCHIVE_HOLDERS = {Role.PROVINCIAL_ADMIN.value, Role.ARCHIVIST.value}
PROVINCE = {Role.PROVINCIAL_ADMIN.value}
POLICY |= {
    ("GET", "/luu-tru"): ARCHIVE_READERS,
    ("GET", "/luu-tru/ho-so/{file_id:int}"): ARCHIVE_READERS,
    ("GET", "/luu-tru/ho-so/{file_id:int}/tai-lieu/{document_id:int}"): ARCHIVE_READERS,
    ("POST", "/luu-tru/ho-so/{file_id:int}/giu-lai"): ARCHIVE_HOLDERS,
    ("POST", "/luu-tru/ho-so/{file_id:int}/giu-lai/{hold_id:int}/bo"): ARCHIVE_HOLDERS,
    ("GET", "/luu-tru/nop-luu"): ARCHIVE_READERS,
    ("POST", "/luu-tru/nop-luu"): ARCHIVE_HOLDERS | {Role.AGENCY_ADMIN.value},
    ("GET", "/luu-tru/nop-luu/{package_id:int}"): ARCHIVE_READERS,
    ("GET", "/luu-tru/nop-luu/{package_id:int}/tep/{filename:str}"): ARCHIVE_READERS,
    ("GET", "/luu-tru/nop-luu/{package_id:int}/goi.zip"): ARCHIVE_READERS,
    ("POST", "/luu-tru/nop-luu/{package_id:int}/xac-nhan"): {Role.ARCHIVIST.value},
    ("GET", "/luu-tru/huy"): ARCHIVE_READERS,
    ("POST", "/luu-tru/huy"): ARCHIVE_HOLDERS,
    ("GET", "/luu-tru/huy/{list_id:int}"): ARCHIVE_READERS,
    ("POST", "/luu-tru/huy/{list_id:int}/quyet-dinh"): PROVINCE,
    ("GET", "/luu-tru/thoi-han-bao-quan"): ARCHIVE_READERS,
    ("POST", "/luu-tru/thoi-han-bao-quan"): PROVINCE,
    ("POST", "/luu-tru/thoi-han-bao-quan/{rule_id:int}/xoa"): PROVINCE,
}
# Go-live back office (#15): organisation and catalogue publishing for the provincial admin;
# drafts and staff accounts for agency admins too (scoped in the service); history public.
PROVINCIAL = {Role.PROVINCIAL_ADMIN.value}
POLICY |= {
    ("GET", "/quan-tri"): ADMINS,
    ("GET", "/thu-tuc/{procedure_id:int}/lich-su"): EVERYONE,
    ("GET", "/thu-tuc/{procedure_id:int}/phien-ban/{number:int}"): EVERYONE,
    **{(method, "/quan-tri/don-vi-hanh-chinh" + tail): PROVINCIAL for method, tail in [
        ("GET", ""), ("POST", ""), ("GET", "/{unit_id:int}"), ("POST", "/{unit_id:int}"),
        ("POST", "/{unit_id:int}/sap-nhap"), ("GET", "/xuat.xlsx"), ("POST", "/nhap")]},
    **{(method, "/quan-tri/co-quan" + tail): PROVINCIAL for method, tail in [
        ("GET", ""), ("POST", ""), ("GET", "/{agency_id:int}"), ("POST", "/{agency_id:int}"),
        ("POST", "/{agency_id:int}/quay"), ("POST", "/{agency_id:int}/nguoi-ky"),
        ("POST", "/{agency_id:int}/quay/{item_id:int}/xoa"),
        ("POST", "/{agency_id:int}/nguoi-ky/{item_id:int}/xoa"), ("GET", "/xuat.xlsx"),
        ("POST", "/nhap")]},
    **{(method, "/quan-tri/thu-tuc" + tail): ADMINS for method, tail in [
        ("GET", ""), ("POST", "/moi"), ("GET", "/{procedure_id:int}"),
        ("POST", "/{procedure_id:int}/ban-nhap"), ("GET", "/ban-nhap/{version_id:int}"),
        ("POST", "/ban-nhap/{version_id:int}"), ("POST", "/ban-nhap/{version_id:int}/xoa"),
        ("POST", "/ban-nhap/{version_id:int}/mau/{index:int}"), ("GET", "/quyet-dinh")]},
    **{(method, "/quan-tri/thu-tuc" + tail): PROVINCIAL for method, tail in [
        ("POST", "/{procedure_id:int}/bai-bo"), ("POST", "/ban-nhap/{version_id:int}/cong-bo"),
        ("GET", "/nhap"), ("POST", "/nhap"), ("GET", "/mau-nhap.xlsx"),
        ("GET", "/xuat.xlsx")]},
    **{(method, "/quan-tri/nguoi-dung" + tail): ADMINS for method, tail in [
        ("GET", ""), ("GET", "/moi"), ("POST", "/moi"), ("GET", "/{user_id:int}"),
        ("POST", "/{user_id:int}"), ("POST", "/{user_id:int}/vo-hieu"),
        ("POST", "/{user_id:int}/kich-hoat"), ("POST", "/{user_id:int}/dat-lai-xac-thuc"),
        ("POST", "/{user_id:int}/gui-duong-dan")]},
}
# National integrations (#19): sign-in with VNeID and the sandboxes' own pages (404 unless
# the sandbox is configured) for everyone; the sync pages for admins and staff.
POLICY |= {
    ("GET", "/dang-nhap/vneid"): EVERYONE,
    ("GET", "/dang-nhap/vneid/ve"): EVERYONE,
    ("GET", "/sandbox/vneid/dang-nhap"): EVERYONE,
    ("POST", "/sandbox/vneid/dang-nhap"): EVERYONE,
    ("GET", "/sandbox/dvcqg"): EVERYONE,
    ("POST", "/sandbox/dvcqg/nop"): EVERYONE,
    ("GET", "/quan-tri/lien-thong"): ADMINS | {Role.AUDITOR.value},
    ("POST", "/quan-tri/lien-thong/{row_id:int}/gui-lai"): ADMINS,
    ("GET", "/can-bo/ho-so/{dossier_id:int}/lien-thong"): STAFF,
    # The signed link the portal shows: the signature is the permission (404 without one).
    ("GET", "/ket-qua/{code:str}"): EVERYONE,
}
# Framework routes outside the policy: static files and the OpenAPI documents.
# /api/v1/sms is the SMS gateway's webhook: no session or role can reach it, only the
# gateway's own Bearer token (tests/test_notifications_inbound.py checks that).
# /api/v1/dvcqg, /api/v1/zalo and /api/v1/sandbox/vneid are the national portal's and
# Zalo's webhooks and the sandbox identity provider's machine endpoints: signatures and
# client secrets, never sessions (tests/test_national_inbound.py, test_vneid.py).
IGNORED_PREFIXES = ("/static", "/api/schema", "/api/v1/sms", "/api/v1/dvcqg", "/api/v1/zalo",
                    "/api/v1/sandbox/vneid")

ACTORS = ["anonymous", *sorted(APPLICANTS), *sorted(STAFF)]


def app_routes() -> set[tuple[str, str]]:
    pairs = set()
    for route in create_app().routes:
        if route.path.startswith(IGNORED_PREFIXES):
            continue
        for method in route.methods - {"HEAD", "OPTIONS"}:
            pairs.add((method, route.path))
    return pairs


def test_every_route_is_classified(db):
    assert app_routes() == set(POLICY)


@pytest.fixture
def world(client):
    """One user per role (staff in agency X) and a procedure to open."""

    async def make():
        x = await factories.agency("Sở X")
        procedure = await factories.procedure(x)
        cookies = {}
        for role in Role:
            user = await accounts.create_user(
                username=f"u.{role.value}", password="abc12345", full_name=role.label,
                role=role, agency_ids=[x.id] if role.is_staff else [])
            token = await accounts.start_session(user, "127.0.0.1", "matrix")
            cookies[role.value] = accounts.cookie_value(token)
        dossier = await factories.dossier(procedure)
        return procedure, dossier, cookies

    procedure, dossier, cookies = run(make())
    return {"procedure_id": procedure.id, "dossier_id": dossier.id, "cookies": cookies}


def request_as(client, world, actor: str, method: str, path: str):
    client.cookies.clear()
    if actor != "anonymous":
        client.cookies.set("motcua_session", world["cookies"][actor])
    url = path.replace("{procedure_id:int}", str(world["procedure_id"])).replace(
        "{dossier_id:int}", str(world["dossier_id"]))
    # Drafts are per applicant; a role check must not depend on owning this one, so the
    # applicant pages are judged on a draft id nobody owns (404 is "allowed, not found").
    url = url.replace("{draft_id:int}", "999999").replace("{override_id:int}", "999999")
    url = url.replace("{form:str}", "receipt")  # not issued for this dossier: 404 when allowed
    url = url.replace("{job_id:int}", "999999").replace(
        "{export_id:int}/{kind:str}", "999999/xlsx")
    # Scans and warehouse documents: likewise judged on ids that do not exist.
    url = url.replace("{scan_id:int}", "999999").replace("{document_id:int}", "999999")
    # Forms and conversions this dossier does not have: 404 when allowed.
    url = url.replace("{form:str}", "receipt").replace("{conversion_id:int}", "999999")
    url = url.replace("{draft_id:int}", "999999").replace("{feedback_id:int}", "999999")
    url = url.replace("{message_id:int}", "999999").replace("{event:str}", "received").replace(
        "{channel:str}", "sms")
    url = url.replace("{payment_id:int}", "999999")  # no such payment: 404 when allowed
    url = url.replace("{indicator:str}", "on_time")
    url = url.replace("{slug:str}", "2026-03").replace("{list_id:int}", "999999")
    url = url.replace("{user_id:int}", "999999")  # no such account: 404 when allowed
    for name in ("file_id", "hold_id", "package_id", "list_id", "rule_id"):  # the archive's
        url = url.replace(f"{{{name}:int}}", "999999")
    url = url.replace("{filename:str}", "muc-luc-ho-so.xlsx")
    url = url.replace("{row_id:int}", "999999")  # no such delivery: 404 when allowed
    for name in ("unit_id", "agency_id", "item_id", "version_id", "index", "number"):
        url = url.replace("{" + name + ":int}", "999999")  # back-office rows: 404 if allowed
    url = url.replace("ket-qua/{kind:str}", "ket-qua/du-thao")  # no draft yet: 404 when allowed
    url = url.replace("{version_id:int}", "999999")  # no such process version: likewise
    url = url.replace("{run_id:int}", "999999")  # no such bulk run: 404 when allowed
    if method == "GET":
        return client.get(url, follow_redirects=False)
    token = csrf_from(client.get("/dang-nhap").text)
    return client.post(url, data={"_csrf_token": token}, follow_redirects=False)


def test_route_access_by_role(client, world):
    # One world for all actors: creating a user per role costs an argon2 hash each.
    failures = []
    for actor in ACTORS:
        # Logging out ends the actor's session, so it goes last.
        for (method, path), allowed in sorted(POLICY.items(),
                                              key=lambda item: item[0][1] == "/dang-xuat"):
            response = request_as(client, world, actor, method, path)
            problem = judge(actor, allowed, response)
            if problem:
                failures.append(f"{actor} {method} {path} -> {response.status_code}: {problem}")
    assert failures == []


def judge(actor: str, allowed: set[str], response) -> str | None:
    if response.status_code >= 500:
        return "server error"
    location = response.headers.get("location", "")
    if actor in allowed:
        if response.status_code in (401, 403) or location.startswith("/dang-nhap?next"):
            return "refused but should be allowed"
    elif actor == "anonymous":
        if not (response.is_redirect and location.startswith("/dang-nhap?next=")):
            return "anonymous should be sent to the login page"
    elif response.status_code != 403:
        return "should be refused with 403"
    return None
