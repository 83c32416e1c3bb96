"""Online submission through the real app: drafts, uploads checked by content, check your
answers, an idempotent submit, the counter's reception queue."""

import io
import re

import pytest
from PIL import Image

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.calendar.deadlines import deadline
from app.catalog.tables import Procedure, ProcedureComponent
from app.dossiers.logic import parse_dossier_code
from app.dossiers.tables import Dossier, DossierEvent, RequestedComponent
from app.formatting import format_datetime
from tests import factories
from tests.conftest import csrf_from, run

PDF = b"%PDF-1.4\n% to khai\n"


def _png() -> bytes:
    # A real image: uploads are decoded and re-encoded server-side.
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def citizen(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
        procedure = await factories.procedure(agency, name="Cấp Phiếu lý lịch tư pháp")
        for position, (name, required) in enumerate(
                [("Tờ khai", True), ("Bản chụp CCCD", True), ("Giấy ủy quyền", False)], 1):
            await ProcedureComponent(procedure=procedure.id, position=position, name=name,
                                     kind="copy", required=required).save()
        user = await accounts.create_user(
            username="062190001234", password="abc12345", full_name="Y Blông",
            role=Role.CITIZEN, id_number="062190001234", phone="0905123456")
        counter = await accounts.create_user(
            username="motcua", password="abc12345", full_name="Lê Thị Hồng",
            role=Role.COUNTER_OFFICER, agency_ids=[agency.id])
        components = [c["id"] for c in await ProcedureComponent.select(
            ProcedureComponent.id).order_by(ProcedureComponent.position)]
        return (procedure.id, components, user,
                accounts.cookie_value(await accounts.start_session(user, "1.1.1.1", "t")),
                accounts.cookie_value(await accounts.start_session(counter, "1.1.1.1", "t")))

    procedure_id, components, user, cookie, counter_cookie = run(make())
    client.cookies.set("motcua_session", cookie)
    return {"procedure_id": procedure_id, "components": components, "user": user,
            "counter_cookie": counter_cookie}


def post(client, page, action, data=None, files=None):
    return client.post(action, data={"_csrf_token": csrf_from(client.get(page).text),
                                     **(data or {})}, files=files, follow_redirects=False)


def start(client, citizen) -> str:
    page = f"/thu-tuc/{citizen['procedure_id']}"
    response = post(client, page, f"/nop-truc-tuyen/bat-dau/{citizen['procedure_id']}")
    assert response.status_code == 303
    return response.headers["location"].rsplit("/", 1)[0]  # /nop-truc-tuyen/<id>


def test_whole_submission_is_idempotent_and_reaches_the_counter(client, citizen):
    base = start(client, citizen)
    applicant = client.get(base + "/nguoi-nop")
    assert 'value="Y Blông"' in applicant.text  # pre-filled from the account
    assert 'value="062190001234"' in applicant.text
    for wrong in ("06219000123", "0100109107"):  # 11 digits; a tax code with a typo
        refused = post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
            "applicant_name": "Y Blông", "applicant_id_number": wrong,
            "applicant_phone": "0905123456", "applicant_address": "Thôn 3, xã Đăk Tô"})
        assert refused.status_code == 400
        assert "Số CCCD phải gồm đúng 12 chữ số" in refused.text
        assert "Thôn 3, xã Đăk Tô" in refused.text  # what was typed is kept
    saved = post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
        "applicant_name": "Y Blông", "applicant_id_number": "062190001234",
        "applicant_phone": "0905123456", "applicant_address": "Thôn 3, xã Đăk Tô"})
    assert saved.headers["location"].endswith("/thanh-phan")

    first, second, _ = citizen["components"]
    # A PDF renamed to .png and a text file named .pdf: judged by content.
    refused = post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"}, files={
        f"file-{first}": ("to-khai.pdf", b"khong phai pdf", "application/pdf"),
        f"file-{second}": ("cccd.png", PNG, "image/png")})
    assert refused.status_code == 400
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in refused.text
    assert "cccd.png" in refused.text  # the accepted file is kept
    accepted = post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"},
                    files={f"file-{first}": ("to-khai.pdf", PDF, "application/pdf")})
    # The optional documents are the next group, on their own page; nothing is needed there.
    assert accepted.headers["location"].endswith("/thanh-phan?trang=2")
    optional = client.get(base + "/thanh-phan?trang=2").text
    assert "Giấy tờ kèm theo (nếu có)" in optional and f'name="file-{first}"' not in optional
    skipped = post(client, base + "/thanh-phan?trang=2", base + "/thanh-phan",
                   {"next": "1", "trang": "2"})
    assert skipped.headers["location"].endswith("/kiem-tra")

    check = client.get(base + "/kiem-tra")
    assert "Thôn 3, xã Đăk Tô" in check.text and "to-khai.pdf" in check.text
    token = csrf_from(check.text)
    done = [client.post(base + "/nop", data={"_csrf_token": token}, follow_redirects=False)
            for _ in range(3)]  # a double tap and a retry
    assert {r.status_code for r in done} == {303}
    confirmation = client.get(base + "/da-nop")
    shown = re.search(r'class="code"><strong>(.+?)</strong>', confirmation.text).group(1)
    code = re.sub(r"<[^>]+>", "", shown)  # the code may wrap after its dashes (<wbr>)
    assert parse_dossier_code(code)[0] == "000.00.17.H55"
    assert "<svg" in confirmation.text
    # The appointment to expect: the time limit from the moment of submission.
    dossier = Dossier.select(Dossier.id).where(Dossier.code == code).first().run_sync()
    submitted = DossierEvent.select(DossierEvent.at).where(
        (DossierEvent.dossier == dossier["id"]) & (DossierEvent.action == "submitted")
    ).first().run_sync()["at"]
    procedure = Procedure.select().where(Procedure.id == citizen["procedure_id"]).first(
    ).run_sync()
    expected = deadline(submitted, procedure["time_limit_amount"], procedure["time_limit_unit"])
    assert re.search(r"Ngày hẹn trả kết quả dự kiến</dt><dd><strong>([^<]+)",
                     confirmation.text).group(1) == format_datetime(expected)
    submitted = Dossier.select(Dossier.code).where(Dossier.applicant.is_not_null()).run_sync()
    assert [row["code"] for row in submitted] == [code]

    client.cookies.set("motcua_session", citizen["counter_cookie"])
    queue = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi"})
    assert code in queue.text and "Mới nộp" in queue.text
    dossier_id = Dossier.select(Dossier.id).where(Dossier.code == code).first().run_sync()["id"]
    accepted = post(client, f"/can-bo/ho-so/{dossier_id}", f"/can-bo/ho-so/{dossier_id}/thao-tac",
                    {"action": "accept"})
    assert accepted.status_code == 303
    row = Dossier.select().where(Dossier.id == dossier_id).first().run_sync()
    assert row["status"] == 2 and row["received_at"] is not None
    assert row["due_at"] > row["received_at"]  # the legal clock starts at acceptance


def test_missing_required_component_blocks_submit(client, citizen):
    base = start(client, citizen)
    response = post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"})
    assert response.status_code == 400 and "Cần nộp: Tờ khai." in response.text
    refused = post(client, base + "/kiem-tra", base + "/nop")
    assert refused.status_code == 400 and "thiếu thành phần" in refused.text


def test_other_citizen_cannot_open_the_draft(client, citizen):
    base = start(client, citizen)

    async def other():
        user = await accounts.create_user(username="052090009999", password="abc12345",
                                          full_name="Người khác", role=Role.CITIZEN,
                                          id_number="052090009999")
        return accounts.cookie_value(await accounts.start_session(user, "1.1.1.1", "t"))

    client.cookies.set("motcua_session", run(other()))
    assert client.get(base + "/kiem-tra").status_code == 404
    assert client.get(base + "/nguoi-nop").status_code == 404


def test_staff_never_see_drafts(client, citizen):
    start(client, citizen)
    client.cookies.set("motcua_session", citizen["counter_cookie"])
    draft_id = Dossier.select(Dossier.id).first().run_sync()["id"]
    assert client.get(f"/can-bo/ho-so/{draft_id}").status_code == 404
    assert "NHAP-" not in client.get("/can-bo").text


def test_supplement_round_trip_from_the_citizens_side(client, citizen):
    base = start(client, citizen)
    first, second, optional = citizen["components"]
    post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
        "applicant_name": "Y Blông", "applicant_phone": "0905123456",
        "applicant_id_number": "062190001234", "applicant_address": "Kon Tum"})
    post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"}, files={
        f"file-{first}": ("to-khai.pdf", PDF, "application/pdf"),
        f"file-{second}": ("cccd.png", PNG, "image/png")})
    post(client, base + "/kiem-tra", base + "/nop")
    dossier_id = int(base.rsplit("/", 1)[1])
    citizen_cookie = client.cookies.get("motcua_session")

    # Once submitted, the components are fixed.
    locked = post(client, base + "/kiem-tra", base + "/thanh-phan", files={
        f"file-{optional}": ("uy-quyen.pdf", PDF, "application/pdf")})
    assert locked.status_code == 400 and "không thể thay đổi" in locked.text

    client.cookies.set("motcua_session", citizen["counter_cookie"])
    staff_page = client.get(f"/can-bo/ho-so/{dossier_id}").text
    assert f'name="components" value="{optional}"' in staff_page  # the officer can name it
    asked = client.post(f"/can-bo/ho-so/{dossier_id}/thao-tac", data={
        "_csrf_token": csrf_from(staff_page), "action": "request_supplement",
        "reason": "Bổ sung giấy ủy quyền có chứng thực", "components": [str(optional)]},
        follow_redirects=False)
    assert asked.status_code == 303
    form_02 = client.get(f"/can-bo/ho-so/{dossier_id}/bieu-mau/supplement").text
    assert re.search(r"Thành phần hồ sơ cần bổ sung:</p>\s*<ol><li>Giấy ủy quyền</li></ol>",
                     form_02)

    client.cookies.set("motcua_session", citizen_cookie)
    home = client.get("/ca-nhan")
    assert "Bổ sung hồ sơ" in home.text
    form = client.get(f"/ho-so-cua-toi/{dossier_id}/bo-sung")
    assert "Bổ sung giấy ủy quyền có chứng thực" in form.text
    # Exactly what was asked for; the rest is listed as kept.
    assert f'name="file-{optional}"' in form.text
    assert f'name="file-{first}"' not in form.text and f'name="file-{second}"' not in form.text
    assert "Các giấy tờ khác đã nộp được giữ nguyên: Tờ khai, Bản chụp CCCD." in form.text
    empty = client.post(f"/ho-so-cua-toi/{dossier_id}/bo-sung",
                        data={"_csrf_token": csrf_from(form.text)}, follow_redirects=False)
    assert empty.status_code == 400 and "Chưa chọn giấy tờ bổ sung nào" in empty.text
    sent = client.post(f"/ho-so-cua-toi/{dossier_id}/bo-sung",
                       data={"_csrf_token": csrf_from(form.text)},
                       files={f"file-{optional}": ("uy-quyen.pdf", PDF, "application/pdf")},
                       follow_redirects=False)
    assert sent.status_code == 303
    row = Dossier.select(Dossier.status).where(Dossier.id == dossier_id).first().run_sync()
    assert row["status"] == 1  # back at the counter's reception queue
    assert client.get(f"/ho-so-cua-toi/{dossier_id}/bo-sung").status_code == 404


def test_a_supplement_request_can_only_name_the_procedures_components(client, citizen):
    base = start(client, citizen)
    first, second, _ = citizen["components"]
    post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"}, files={
        f"file-{first}": ("to-khai.pdf", PDF, "application/pdf"),
        f"file-{second}": ("cccd.png", PNG, "image/png")})
    post(client, base + "/kiem-tra", base + "/nop")
    dossier_id = int(base.rsplit("/", 1)[1])
    other = run(factories.procedure(run(factories.agency("Sở Khác")), name="Thủ tục khác"))
    foreign = ProcedureComponent(procedure=other.id, position=1, name="Giấy lạ")
    foreign.save().run_sync()
    client.cookies.set("motcua_session", citizen["counter_cookie"])
    page = f"/can-bo/ho-so/{dossier_id}"
    for extra, message in (({"components": [str(foreign.id)]}, "không thuộc thủ tục"),
                           ({"components": ["abc"]}, "không hợp lệ"),
                           ({"assignee_id": "3"}, "không dùng cho thao tác này")):
        refused = client.post(page + "/thao-tac", data={
            "_csrf_token": csrf_from(client.get(page).text), "action": "request_supplement",
            "reason": "Bổ sung", **extra}, follow_redirects=False)
        assert refused.status_code == 400 and message in refused.text
    row = Dossier.select(Dossier.status).where(Dossier.id == dossier_id).first().run_sync()
    assert row["status"] == 1  # nothing changed
    assert RequestedComponent.count().where(
        RequestedComponent.dossier == dossier_id).run_sync() == 0


def test_submitting_for_an_enterprise_names_it_and_its_tax_code(client, citizen):
    base = start(client, citizen)
    saved = post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
        "applicant_name": "Công ty TNHH Cà phê Đăk Hà", "applicant_id_number": "0100109106-001",
        "applicant_phone": "0905123456", "applicant_address": "Thị trấn Đăk Hà"})
    assert saved.status_code == 303
    draft_id = int(base.rsplit("/", 1)[1])
    row = Dossier.select(Dossier.applicant_name, Dossier.applicant_id_number,
                         Dossier.applicant).where(Dossier.id == draft_id).first().run_sync()
    assert row["applicant_name"] == "Công ty TNHH Cà phê Đăk Hà"
    assert row["applicant_id_number"] == "0100109106-001"
    assert row["applicant"] == citizen["user"].id  # still the submitter's own dossier
