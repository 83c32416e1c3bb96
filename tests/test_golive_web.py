"""The back office over HTTP as a person uses it (plain forms, no JavaScript): bad input
answers 400 with the Vietnamese message and what was typed; good input redirects."""

from __future__ import annotations

import re

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import Procedure, ProcedureVersion
from app.directory.tables import AdminUnit, Agency
from app.dossiers.tables import Dossier
from tests import factories
from tests.catalog_workbooks import procedures
from tests.conftest import csrf_from, login, run

PASSWORD = "Quantri2026x"


@pytest.fixture
def admin_client(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp")
        await factories.agency("Sở Xây dựng")
        await accounts.create_user(username="tinh", password=PASSWORD, full_name="Quản trị tỉnh",
                                   role=Role.PROVINCIAL_ADMIN)
        await accounts.create_user(username="coquan", password=PASSWORD,
                                   full_name="Quản trị Sở", role=Role.AGENCY_ADMIN,
                                   agency_ids=[agency.id])
        return agency.id

    client.agency_id = run(make())
    login(client, "tinh", PASSWORD)
    return client


def post(client, page: str, action: str, data: dict, files=None, **kw):
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "_csrf_token": token}, files=files, **kw)


def test_every_admin_page_renders(admin_client):
    for url in ("/quan-tri", "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/nhap",
                "/quan-tri/thu-tuc/quyet-dinh", "/quan-tri/don-vi-hanh-chinh",
                "/quan-tri/co-quan", "/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/moi"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    template = admin_client.get("/quan-tri/thu-tuc/mau-nhap.xlsx")
    assert template.content.startswith(b"PK") and "attachment" in template.headers[
        "content-disposition"]


def test_draft_editor_keeps_what_was_typed_and_publishes(admin_client):
    created = post(admin_client, "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/moi", {},
                   follow_redirects=False)
    editor = created.headers["location"]
    typed = {"code": "1.009999", "name": "Cấp giấy phép thử", "field_new": "Thử nghiệm",
             "agency_id": str(admin_client.agency_id), "level": "tinh",
             "time_limit_amount": "năm", "time_limit_unit": "working_days",
             "comp_1_name": "Đơn đề nghị", "comp_1_kind": "original", "comp_1_quantity": "1",
             "comp_1_required": "1"}
    bad = post(admin_client, editor, editor, typed)
    assert bad.status_code == 400
    assert "Thời hạn giải quyết là một số" in bad.text
    assert 'value="Cấp giấy phép thử"' in bad.text and 'value="Đơn đề nghị"' in bad.text
    complete = {**typed, "time_limit_amount": "5", "subjects": "Tổ chức",
                "method_in_person": "1", "steps_text": "Bước 1: Nộp. Bước 2: Nhận.",
                "result_text": "Giấy phép", "online_level": "none",
                "basis_1_title": "Luật Thử 2025", "basis_1_from": "01/01/2026"}
    saved = post(admin_client, editor, editor, complete, follow_redirects=False)
    assert saved.status_code == 303
    # A wrong decision date: the message, nothing published.
    wrong = post(admin_client, editor, editor + "/cong-bo",
                 {"decision_number": "12/QĐ-UBND", "decision_signed_on": "32/01/2026"})
    assert wrong.status_code == 400 and "Nhập ngày ký quyết định" in wrong.text
    assert Procedure.count().run_sync() == 0
    published = post(admin_client, editor, editor + "/cong-bo",
                     {"decision_number": "12/QĐ-UBND", "decision_signed_on": "02/01/2026"})
    assert published.status_code == 200 and "Đã công bố phiên bản 1" in published.text
    # Back and submit again (or a second tab): the same page, still one version.
    again = post(admin_client, "/quan-tri/thu-tuc", editor + "/cong-bo",
                 {"decision_number": "12/QĐ-UBND", "decision_signed_on": "02/01/2026"})
    assert "Đã công bố phiên bản 1" in again.text and ProcedureVersion.count().run_sync() == 1
    procedure = Procedure.select().first().run_sync()
    page = admin_client.get(f"/thu-tuc/{procedure['id']}")
    assert "Luật Thử 2025" in page.text and "12/QĐ-UBND" in page.text
    history = admin_client.get(f"/thu-tuc/{procedure['id']}/lich-su")
    assert "Công bố mới" in history.text
    assert admin_client.get(f"/thu-tuc/{procedure['id']}/phien-ban/1").status_code == 200


def test_form_file_upload_checks_the_content(admin_client):
    editor = post(admin_client, "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/moi", {},
                  follow_redirects=False).headers["location"]
    post(admin_client, editor, editor, {"name": "Thử", "comp_1_name": "Tờ khai",
                                        "comp_1_quantity": "1"})
    script = post(admin_client, editor, editor + "/mau/1", {},
                  files={"form_file": ("to-khai.pdf", b"%PDF-1.4 /JavaScript (x)", "x")})
    assert script.status_code == 400 and "mã lệnh" in script.text
    other = post(admin_client, editor, editor + "/mau/1", {},
                 files={"form_file": ("to-khai.exe", b"MZ\x90\x00", "x")})
    assert other.status_code == 400 and "Chỉ nhận mẫu đơn" in other.text
    good = post(admin_client, editor, editor + "/mau/1", {},
                files={"form_file": ("Tờ khai.pdf", b"%PDF-1.4 plain", "application/pdf")},
                follow_redirects=False)
    assert good.status_code == 303
    assert "to-khai.pdf" in admin_client.get(editor).text


def test_import_page_dry_run_then_import(admin_client):
    book = procedures(3, ("Sở Tư pháp", "Sở Xây dựng"))
    files = {"file": ("tthc.xlsx", book, "application/octet-stream")}
    dry = post(admin_client, "/quan-tri/thu-tuc/nhap", "/quan-tri/thu-tuc/nhap",
               {"action": "check"}, files=files)
    assert dry.status_code == 200 and "thêm mới 3" in dry.text and Procedure.count().run_sync() == 0
    real = post(admin_client, "/quan-tri/thu-tuc/nhap", "/quan-tri/thu-tuc/nhap",
                {"action": "import"}, files=files)
    assert "Đã nhập: thêm mới 3" in real.text and Procedure.count().run_sync() == 3
    empty = post(admin_client, "/quan-tri/thu-tuc/nhap", "/quan-tri/thu-tuc/nhap",
                 {"action": "import"})
    assert empty.status_code == 400 and "Chọn tệp bảng tính" in empty.text


def test_units_and_agencies_forms_refuse_bad_input_and_keep_it(admin_client):
    bad = post(admin_client, "/quan-tri/don-vi-hanh-chinh", "/quan-tri/don-vi-hanh-chinh",
               {"code": "51", "name": "", "level": "Tỉnh", "valid_from": "hôm qua"})
    assert bad.status_code == 400 and "Ngày theo dạng dd/mm/yyyy" in bad.text
    good = post(admin_client, "/quan-tri/don-vi-hanh-chinh", "/quan-tri/don-vi-hanh-chinh",
                {"code": "51", "name": "Tỉnh Quảng Ngãi", "level": "Tỉnh"},
                follow_redirects=False)
    assert good.status_code == 303 and AdminUnit.count().run_sync() == 1
    assert "Tỉnh Quảng Ngãi" in admin_client.get("/quan-tri/don-vi-hanh-chinh").text
    bad = post(admin_client, "/quan-tri/co-quan", "/quan-tri/co-quan",
               {"code": "000.00.99.H55", "name": "Sở Mới", "email": "sai"})
    assert bad.status_code == 400 and "Thư điện tử không đúng" in bad.text
    assert 'value="Sở Mới"' in bad.text and Agency.count().run_sync() == 2
    made = post(admin_client, "/quan-tri/co-quan", "/quan-tri/co-quan",
                {"code": "000.00.99.H55", "name": "Sở Mới"}, follow_redirects=False)
    page = made.headers["location"].split("?")[0]
    counter = post(admin_client, page, page + "/quay", {"counter_name": "Quầy 5"},
                   follow_redirects=True)
    assert "Quầy 5" in counter.text


def test_users_pages_create_and_disable_with_reasons(admin_client):
    typed = {"username": "Sai Tên", "full_name": "Phạm Thị Em", "email": "em@so.vn",
             "role": "handler", "agencies": str(admin_client.agency_id), "reason": "CV 1"}
    bad = post(admin_client, "/quan-tri/nguoi-dung/moi", "/quan-tri/nguoi-dung/moi", typed)
    assert bad.status_code == 400 and "Tên đăng nhập gồm" in bad.text
    assert 'value="Phạm Thị Em"' in bad.text
    made = post(admin_client, "/quan-tri/nguoi-dung/moi", "/quan-tri/nguoi-dung/moi",
                {**typed, "username": "pham.em", "reason": "Công văn 15/STP"},
                follow_redirects=False)
    assert made.status_code == 303
    page = made.headers["location"].split("?")[0]
    refused = post(admin_client, page, page + "/vo-hieu", {"ground": "nghi_huu", "reason": ""})
    assert refused.status_code == 400 and "Nêu lý do" in refused.text
    done = post(admin_client, page, page + "/vo-hieu",
                {"ground": "nghi_huu", "reason": "Nghỉ hưu 01/03/2026"})
    assert done.status_code == 200 and "Đã thu hồi" in done.text
    assert "Nghỉ hưu 01/03/2026" in done.text  # the reason, in the account's history


def test_agency_admin_sees_only_its_agency_and_cannot_publish(client):
    async def make():
        own = await factories.agency("Sở A")
        other = await factories.agency("Sở B")
        procedure = await factories.procedure(other, "Thủ tục của Sở B")
        await accounts.create_user(username="coquan", password=PASSWORD,
                                   full_name="Quản trị Sở A", role=Role.AGENCY_ADMIN,
                                   agency_ids=[own.id])
        return procedure.id

    other_procedure = run(make())
    login(client, "coquan", PASSWORD)
    assert "Thủ tục của Sở B" not in client.get("/quan-tri/thu-tuc").text
    assert client.get(f"/quan-tri/thu-tuc/{other_procedure}").status_code == 404
    refused = post(client, "/quan-tri/thu-tuc", f"/quan-tri/thu-tuc/{other_procedure}/ban-nhap",
                   {})
    assert refused.status_code in (400, 404)
    assert ProcedureVersion.count().run_sync() == 0
    editor = post(client, "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/moi", {},
                  follow_redirects=False).headers["location"]
    assert "Công bố theo quyết định" not in client.get(editor).text
    assert post(client, editor, editor + "/cong-bo", {}).status_code == 403
    assert Dossier.count().run_sync() == 0 and re.search(r"/ban-nhap/\d+$", editor)
