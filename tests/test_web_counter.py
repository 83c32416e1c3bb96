"""The counter and processing pages through the real app, as plain HTML forms."""

import re
from decimal import Decimal

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureComponent, ProcedureStep
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from app.identity import service as identity
from app.notifications.tables import OutboxMessage
from tests import factories
from tests.conftest import csrf_from, run
from tests.signing_world import draft_pdf, signing  # noqa: F401  (fixture)


@pytest.fixture
def office(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
        procedure = await factories.procedure(agency)
        await ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai",
                                 kind="original", quantity=1).save()
        await ProcedureStep(procedure=procedure.id, position=1, name="Thẩm định",
                            role="handler", allotted_hours=Decimal(16)).save()
        cookies = {}
        for role in (Role.COUNTER_OFFICER, Role.HANDLER, Role.LEADER):
            user = await accounts.create_user(
                username=role.value, password="abc12345", full_name=f"Cán bộ {role.label}",
                role=role, agency_ids=[agency.id])
            cookies[role] = (user.id, accounts.cookie_value(
                await accounts.start_session(user, "127.0.0.1", "t")))
        component = await ProcedureComponent.select(ProcedureComponent.id).first()
        return procedure.id, component["id"], cookies

    procedure_id, component_id, cookies = run(make())
    return {"procedure_id": procedure_id, "component_id": component_id, "cookies": cookies}


def as_user(client, office, role):
    client.cookies.clear()
    client.cookies.set("motcua_session", office["cookies"][role][1])


def act(client, dossier_id, action, files=None, **fields):
    page = client.get(f"/can-bo/ho-so/{dossier_id}")
    return client.post(f"/can-bo/ho-so/{dossier_id}/thao-tac",
                       data={"_csrf_token": csrf_from(page.text), "action": action, **fields},
                       files=files, follow_redirects=False)


def test_counter_receives_prints_slip_and_dossier_is_processed(client, office, signing):  # noqa: F811
    run(signing.give_key(Role.LEADER.value, "Cán bộ Lãnh đạo"))
    as_user(client, office, Role.COUNTER_OFFICER)
    url = f"/mot-cua/tiep-nhan/{office['procedure_id']}"
    form = client.get(url)
    assert form.status_code == 200 and "Thành phần hồ sơ đã nhận" in form.text

    bad = client.post(url, data={"_csrf_token": csrf_from(form.text), "applicant_name": "",
                                 "applicant_id_number": "123"})
    assert bad.status_code == 400
    assert "Số CCCD (12 chữ số) hoặc mã số thuế" in bad.text
    assert "Đánh dấu các thành phần hồ sơ đã nhận." in bad.text

    done = client.post(url, data={
        "_csrf_token": csrf_from(form.text), "applicant_name": "Rơ Châm Hưng",
        "applicant_id_number": "064190001111", "applicant_phone": "0987654321",
        "channel": "1", "components": str(office["component_id"])}, follow_redirects=False)
    assert done.status_code in (302, 303)
    slip = client.get(done.headers["location"])
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in slip.text
    code = re.search(r"Mã hồ sơ: <strong>([^<]+)</strong>", slip.text).group(1)
    assert code.startswith("000.00.17.H55-") and code.endswith("-0001")
    dossier_id = int(re.search(r"/can-bo/ho-so/(\d+)", done.headers["location"]).group(1))

    as_user(client, office, Role.LEADER)
    handler_id = office["cookies"][Role.HANDLER][0]
    started = act(client, dossier_id, "forward", assignee_id=str(handler_id))
    assert started.status_code == 303, re.findall(r"<p>([^<]*)</p>", started.text)[:3]

    as_user(client, office, Role.HANDLER)
    refused = act(client, dossier_id, "forward")
    assert refused.status_code == 400 and "chưa có kết quả" in refused.text
    drafted = act(client, dossier_id, "attach_draft",
                  files={"file": ("du-thao.pdf", draft_pdf(), "application/pdf")})
    assert drafted.status_code == 303
    as_user(client, office, Role.LEADER)
    assert act(client, dossier_id, "approve").status_code == 303
    assert act(client, dossier_id, "sign", signing="server").status_code == 303
    as_user(client, office, Role.HANDLER)
    assert act(client, dossier_id, "issue_result").status_code == 303
    assert act(client, dossier_id, "forward").status_code == 303

    as_user(client, office, Role.COUNTER_OFFICER)
    assert act(client, dossier_id, "return_result").status_code == 303
    page = client.get(f"/can-bo/ho-so/{dossier_id}")
    assert "Đã trả kết quả" in page.text
    stored = Dossier.select(Dossier.status).where(Dossier.id == dossier_id).first().run_sync()
    assert stored == {"status": 10}


def test_staff_of_another_agency_gets_404_for_a_dossier(client, office):
    async def make():
        other = await factories.agency("Sở Y tế")
        outsider = await accounts.create_user(username="yte", password="abc12345",
                                              full_name="Cán bộ Sở Y tế", role=Role.LEADER,
                                              agency_ids=[other.id])
        procedure = await factories.procedure(await factories.agency("Sở X"))
        dossier = await factories.dossier(procedure)
        token = await accounts.start_session(outsider, "127.0.0.1", "t")
        return dossier.id, accounts.cookie_value(token)

    dossier_id, cookie = run(make())
    client.cookies.clear()
    client.cookies.set("motcua_session", cookie)
    assert client.get(f"/can-bo/ho-so/{dossier_id}").status_code == 404
    page = client.get("/can-bo")
    forged = client.post(f"/can-bo/ho-so/{dossier_id}/thao-tac",
                         data={"_csrf_token": csrf_from(page.text), "action": "stop",
                               "reason": "thử"})
    assert forged.status_code == 404


def test_counter_finds_a_returning_applicant_and_links_the_account(client, office):
    async def citizen():  # a verified account: an unverified one is never linked
        return await identity.create_vouched_user(
            reason="test", username="064190002222", password="abc12345",
            full_name="Siu H'Mai", role=Role.CITIZEN, id_number="064190002222",
            phone="0911222333")

    user = run(citizen())
    as_user(client, office, Role.COUNTER_OFFICER)
    url = f"/mot-cua/tiep-nhan/{office['procedure_id']}"
    unknown = client.get(url, params={"cccd": "064190009999"})
    assert "Chưa có người nộp với số 064190009999" in unknown.text
    found = client.get(url, params={"cccd": "064190002222"})
    assert 'value="Siu H&#39;Mai"' in found.text or "value=\"Siu H'Mai\"" in found.text
    assert "trang cá nhân của họ" in found.text
    done = client.post(url, data={
        "_csrf_token": csrf_from(found.text), "applicant_name": "Siu H'Mai",
        "applicant_id_number": "064190002222", "applicant_phone": "0911222333",
        "channel": "1", "components": str(office["component_id"])}, follow_redirects=False)
    assert done.status_code == 303
    linked = Dossier.select(Dossier.applicant).first().run_sync()
    assert linked["applicant"] == user.id


APPLICANT = {"applicant_name": "Rơ Châm Hưng", "applicant_id_number": "064190001111",
             "applicant_phone": "0987654321", "channel": "1"}


def receive(client, office, **fields):
    url = f"/mot-cua/tiep-nhan/{office['procedure_id']}"
    token = csrf_from(client.get(url).text)
    return client.post(url, data={"_csrf_token": token, **APPLICANT, **fields},
                       follow_redirects=False)


def last_dossier() -> dict:
    return Dossier.select().order_by(Dossier.id, ascending=False).first().run_sync()


def test_supplement_at_the_counter_then_accept(client, office):
    as_user(client, office, Role.COUNTER_OFFICER)
    asked = receive(client, office, outcome="supplement", reason="Ảnh 4x6")
    assert asked.status_code == 303 and "da_thuc_hien=request_supplement" in asked.headers[
        "location"]
    row = last_dossier()
    assert row["status"] == Status.SUPPLEMENT_REQUESTED and row["received_at"] is None
    event = DossierEvent.select().where(DossierEvent.dossier == row["id"]).first().run_sync()
    assert event["comment"] == "Cần bổ sung:\n- Tờ khai\nẢnh 4x6"  # unticked, then the note
    page = client.get(asked.headers["location"])
    assert "Yêu cầu bổ sung hồ sơ" in page.text and row["code"] in page.text
    sms = OutboxMessage.select(OutboxMessage.event, OutboxMessage.recipient,
                               OutboxMessage.body).where(
        OutboxMessage.dossier == row["id"]).run_sync()
    assert [(m["event"], m["recipient"]) for m in sms] == [
        ("supplement_requested", "0987654321")]
    assert "To khai" in sms[0]["body"]  # the SMS lists what is missing (GSM, no diacritics)

    # The applicant comes back with the papers: supplied, then accepted; the clock starts now.
    assert act(client, row["id"], "supply_supplement").status_code == 303
    assert act(client, row["id"], "accept").status_code == 303
    accepted = last_dossier()
    assert accepted["status"] == Status.RECEIVED
    assert accepted["received_at"] is not None and accepted["due_at"] > accepted["received_at"]


def test_refusal_and_redirect_at_the_counter(client, office):
    other = run(factories.agency("UBND xã Ba Tơ", code="000.00.99.H55"))
    as_user(client, office, Role.COUNTER_OFFICER)
    missing = receive(client, office, outcome="refuse")
    assert missing.status_code == 400 and "lý do từ chối" in missing.text
    assert Dossier.count().run_sync() == 0  # nothing saved

    assert receive(client, office, outcome="refuse",
                   reason="Hồ sơ giả mạo chữ ký").status_code == 303
    refused = last_dossier()
    assert refused["status"] == Status.NOT_RECEIVED and refused["due_at"] is None
    told = OutboxMessage.select(OutboxMessage.event, OutboxMessage.body).where(
        OutboxMessage.dossier == refused["id"]).first().run_sync()
    assert told["event"] == "refused" and "gia mao chu ky" in told["body"]

    sent = receive(client, office, outcome="redirect", target_agency_id=str(other.id))
    assert sent.status_code == 303
    row = last_dossier()
    assert row["status"] == Status.NOT_RECEIVED
    comment = DossierEvent.select(DossierEvent.comment).where(
        DossierEvent.dossier == row["id"]).first().run_sync()["comment"]
    assert comment == "Hướng dẫn nộp hồ sơ tại: UBND xã Ba Tơ."
