"""The data warehouse through the real app: own uploads filed, counter scans linked by
CCCD, issued results filed, download for the owner only, reuse in a new dossier."""

import io
from datetime import date

import pytest
from PIL import Image

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit.tables import AuditEntry
from app.catalog.tables import ProcedureComponent
from app.counter.service import find_applicant
from app.digitisation import service as digitisation
from app.dossiers import queries
from app.dossiers.logic import Status
from app.dossiers.tables import DossierComponent
from app.identity import service as identity
from app.identity.sandbox import add_person
from app.warehouse.tables import WarehouseDocument
from app.workflow import Action
from app.workflow.service import perform
from tests import factories
from tests.conftest import csrf_from, post_form, run
from tests.digitisation_helpers import as_current, counter_world, printed_page
from tests.signing_world import sign_and_issue, signing  # noqa: F401  (fixture)

CCCD_A, CCCD_B = "052090001234", "062190009999"


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def people(client):
    async def make():
        world = await counter_world(id_number=CCCD_A)  # a paper dossier of citizen A
        for position, name in enumerate(["Tờ khai", "Bản chụp CCCD"], 1):
            await ProcedureComponent(procedure=world["procedure"].id, position=10 + position,
                                     name=name, kind="copy", required=False).save()
        cookies = {}
        for name, cccd in (("a", CCCD_A), ("b", CCCD_B)):
            user = await accounts.create_user(
                username=cccd, password="abc12345", full_name=f"Công dân {name.upper()}",
                role=Role.CITIZEN, id_number=cccd, phone="0905123456")
            if name == "a":  # A's identity was checked; B's was not (app.identity)
                await identity.vouch(user.id, None, "test")
            world[f"user_{name}"] = user
            cookies[name] = accounts.cookie_value(
                await accounts.start_session(user, "1.1.1.1", "t"))
        world["cookies"] = cookies
        return world

    return run(make())


def as_(client, people, who):
    client.cookies.clear()
    client.cookies.set("motcua_session", people["cookies"][who])


def post(client, page, action, data=None, files=None):
    return client.post(action, data={"_csrf_token": csrf_from(client.get(page).text),
                                     **(data or {})}, files=files, follow_redirects=False)


def new_draft(client, people) -> str:
    procedure_id = people["procedure"].id
    response = post(client, f"/thu-tuc/{procedure_id}", f"/nop-truc-tuyen/bat-dau/{procedure_id}")
    return response.headers["location"].rsplit("/", 1)[0]


def procedure_component_ids(people) -> list[int]:
    return [c["id"] for c in run(ProcedureComponent.select(ProcedureComponent.id).where(
        ProcedureComponent.procedure == people["procedure"].id).order_by(
        ProcedureComponent.position).run())]


def test_counter_scan_reaches_the_warehouse_of_the_cccd_owner_only(client, people):
    dossier = run(queries.dossier_for_staff(people["dossier_id"], people["officer"]))
    run(digitisation.scan_component(people["officer"], dossier, people["component_ids"][0],
                                    [printed_page()]))
    as_(client, people, "a")
    listing = client.get("/kho-du-lieu")
    assert listing.status_code == 200
    assert "Giấy chứng nhận" in listing.text and "số hóa tại Bộ phận Một cửa" in listing.text
    link = listing.text.split('href="/kho-du-lieu/')[1].split('"')[0]
    download = client.get(f"/kho-du-lieu/{link}")
    assert download.status_code == 200 and download.content[:5] == b"%PDF-"

    as_(client, people, "b")  # citizen B tries A's document by changing the id
    assert client.get(f"/kho-du-lieu/{link}").status_code == 404
    assert "Giấy chứng nhận" not in client.get("/kho-du-lieu").text


CCCD_X = "051185003344"  # came to the counter with paper; has no account yet


def test_an_impostor_registered_with_someone_elses_cccd_does_not_see_their_counter_scan(
        client, monkeypatch):
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "sandbox")
    run(add_person(CCCD_X, "Trần Thị Thuỷ", date(1985, 11, 20)))
    registered = post_form(client, "/dang-ky", "/dang-ky", {
        "full_name": "Kẻ Mạo Danh", "id_number": CCCD_X, "birth_date": "01/01/1990",
        "phone": "0988000111", "password": "maoDanh2026", "password_confirm": "maoDanh2026"},
        follow_redirects=False)
    assert registered.status_code == 303  # the account exists, unverified (mismatch)
    assert "không khớp" in client.get("/ca-nhan").text

    world = run(counter_world(id_number=CCCD_X))  # the owner's paper dossier
    # The counter does not take the impostor's account (nor its phone) for the dossier.
    found = run(find_applicant(CCCD_X))
    assert found["account"] is False and found.get("applicant_phone") != "0988000111"
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    assert dossier["applicant"] is None
    run(digitisation.scan_component(world["officer"], dossier, world["component_ids"][0],
                                    [printed_page()]))
    assert run(WarehouseDocument.count().where(
        WarehouseDocument.owner_id_number == CCCD_X).run()) == 1

    listing = client.get("/kho-du-lieu")
    assert "Giấy chứng nhận" not in listing.text
    assert "Giấy tờ số hóa tại Bộ phận Một cửa chưa được hiển thị" in listing.text
    (document_id,) = [r["id"] for r in run(WarehouseDocument.select(WarehouseDocument.id).run())]
    assert client.get(f"/kho-du-lieu/{document_id}").status_code == 404


def test_uploads_are_filed_and_reused_by_their_owner_only(client, people):
    as_(client, people, "a")
    first, second, form, cccd = procedure_component_ids(people)
    base = new_draft(client, people)
    post(client, base + "/thanh-phan", base + "/thanh-phan",
         files={f"file-{cccd}": ("cccd.jpg", small_jpeg(), "image/jpeg")})
    filed = run(WarehouseDocument.select().where(
        WarehouseDocument.owner == people["user_a"].id).run())
    assert [(d["title"], d["source"]) for d in filed] == [("Bản chụp CCCD", "upload")]
    document_id = filed[0]["id"]

    # A second dossier of A takes the CCCD copy from the warehouse: no upload.
    second_base = new_draft(client, people)
    page = client.get(second_base + "/thanh-phan?trang=2").text  # the optional group
    assert f'name="reuse-{cccd}"' in page and "Bản chụp CCCD" in page
    post(client, second_base + "/thanh-phan", second_base + "/thanh-phan",
         {f"reuse-{cccd}": str(document_id)})
    draft_id = int(second_base.rsplit("/", 1)[1])
    reused = run(DossierComponent.select().where(
        (DossierComponent.dossier == draft_id)
        & (DossierComponent.procedure_component == cccd)).first().run())
    assert reused["reused"] is True and reused["file"] == filed[0]["file"]
    assert "(từ kho dữ liệu)" in client.get(second_base + "/thanh-phan?trang=2").text

    # B cannot attach A's document to B's own draft by posting its id.
    as_(client, people, "b")
    b_base = new_draft(client, people)
    refused = post(client, b_base + "/thanh-phan", b_base + "/thanh-phan",
                   {f"reuse-{cccd}": str(document_id)})
    assert refused.status_code == 400
    assert "Không tìm thấy giấy tờ này trong kho dữ liệu của bạn" in refused.text
    b_draft = int(b_base.rsplit("/", 1)[1])
    assert run(DossierComponent.count().where(DossierComponent.dossier == b_draft).run()) == 0
    assert client.get(f"/kho-du-lieu/{document_id}").status_code == 404


def test_an_issued_result_is_filed_in_the_applicants_warehouse(client, people,
                                                                signing):  # noqa: F811
    async def issue():
        leader = await accounts.create_user(
            username="lanhdao", password="abc12345", full_name="Lãnh đạo",
            role=Role.LEADER, agency_ids=[people["agency"].id])
        await signing.give_key("lanhdao", "Lãnh đạo")
        dossier = await factories.dossier(people["procedure"], applicant_id=people["user_a"].id,
                                          id_number=CCCD_A)
        officer = as_current(leader, Role.LEADER, [people["agency"].id])
        await sign_and_issue(dossier.id, officer, officer)
        return dossier.id

    dossier_id = run(issue())
    results = run(WarehouseDocument.select().where(
        WarehouseDocument.source == "result").run())
    assert [(r["dossier"], r["owner"]) for r in results] == [(dossier_id, people["user_a"].id)]
    as_(client, people, "a")
    assert "Kết quả: Đăng ký đất đai lần đầu" in client.get("/kho-du-lieu").text


def test_a_supplement_can_be_answered_with_a_warehouse_document(client, people):
    as_(client, people, "a")
    first, second, form, cccd = procedure_component_ids(people)
    earlier = new_draft(client, people)  # an earlier dossier left the CCCD copy filed
    post(client, earlier + "/thanh-phan", earlier + "/thanh-phan",
         files={f"file-{cccd}": ("cccd.jpg", small_jpeg(), "image/jpeg")})
    ((document_id, file_id),) = [(d["id"], d["file"]) for d in run(
        WarehouseDocument.select().where(WarehouseDocument.owner == people["user_a"].id).run())]

    base = new_draft(client, people)
    post(client, base + "/thanh-phan", base + "/thanh-phan", files={
        f"file-{first}": ("a.jpg", small_jpeg(), "image/jpeg"),
        f"file-{second}": ("b.jpg", small_jpeg(), "image/jpeg")})
    assert post(client, base + "/kiem-tra", base + "/nop").status_code == 303
    dossier_id = int(base.rsplit("/", 1)[1])
    run(perform(dossier_id, people["officer"], Action.REQUEST_SUPPLEMENT,
                reason="Bổ sung bản chụp CCCD."))

    page = client.get(f"/ho-so-cua-toi/{dossier_id}/bo-sung").text
    assert "Bổ sung bản chụp CCCD." in page and f'name="reuse-{cccd}"' in page
    sent = post(client, f"/ho-so-cua-toi/{dossier_id}/bo-sung",
                f"/ho-so-cua-toi/{dossier_id}/bo-sung", {f"reuse-{cccd}": str(document_id)})
    assert sent.status_code == 303
    component = run(DossierComponent.select().where(
        (DossierComponent.dossier == dossier_id)
        & (DossierComponent.procedure_component == cccd)).first().run())
    assert component["reused"] is True and component["file"] == file_id
    # Back where it was asked: the online dossier waits for reception again.
    assert run(queries.dossier_for_staff(dossier_id, people["officer"]))["status"] == Status.NEW


def test_the_counter_verifies_an_account_the_registry_spells_otherwise(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTRY", "sandbox")
    owner_cccd = "066088001122"
    run(add_person(owner_cccd, "Y Blông Ê Ban", date(1988, 3, 2)))
    post_form(client, "/dang-ky", "/dang-ky", {
        "full_name": "Y Blông Êban", "id_number": owner_cccd, "birth_date": "02/03/1988",
        "phone": "0988000222", "password": "blongEban2026", "password_confirm": "blongEban2026"},
        follow_redirects=False)
    citizen_cookie = client.cookies.get("motcua_session")
    world = run(counter_world(id_number=owner_cccd))
    dossier = run(queries.dossier_for_staff(world["dossier_id"], world["officer"]))
    run(digitisation.scan_component(world["officer"], dossier, world["component_ids"][0],
                                    [printed_page()]))
    assert "Giấy chứng nhận" not in client.get("/kho-du-lieu").text  # not verified yet

    officer_cookie = accounts.cookie_value(
        run(accounts.start_session(world["officer_row"], "1.1.1.1", "t")))
    client.cookies.set("motcua_session", officer_cookie)
    page = "/mot-cua/xac-thuc-tai-khoan"
    wrong = client.get(page + "?cccd=06608800112")
    assert wrong.status_code == 400 and "Số CCCD phải gồm đúng 12 chữ số" in wrong.text
    found = client.get(f"{page}?cccd={owner_cccd}")
    assert "Y Blông Êban" in found.text and "Chưa xác thực" in found.text
    user_id = run(identity.citizen_by_id_number(owner_cccd))["id"]
    unticked = client.post(f"{page}/{user_id}", data={
        "_csrf_token": csrf_from(found.text), "cccd": owner_cccd, "birth_date": "02/03/1988"},
        follow_redirects=False)
    assert unticked.status_code == 400 and "đã đối chiếu thẻ căn cước bản gốc" in unticked.text
    assert run(identity.citizen_by_id_number(owner_cccd))["id_verified_at"] is None
    vouched = client.post(f"{page}/{user_id}", data={
        "_csrf_token": csrf_from(found.text), "cccd": owner_cccd, "birth_date": "02/03/1988",
        "da_doi_chieu": "1"}, follow_redirects=False)
    assert vouched.status_code == 303
    assert "Đã xác thực tài khoản" in client.get(vouched.headers["location"]).text
    assert run(identity.citizen_by_id_number(owner_cccd))["id_verified_at"] is not None
    entry = run(AuditEntry.select(AuditEntry.actor_id, AuditEntry.data).where(
        AuditEntry.action == "user.identity_vouched").first().run())
    assert entry["actor_id"] == world["officer_row"].id and "counter" in entry["data"]

    client.cookies.set("motcua_session", citizen_cookie)
    assert "Giấy chứng nhận" in client.get("/kho-du-lieu").text
