"""The process admin pages: drafting a new version, refusals that name what is wrong (and
keep what was typed), publishing, the version in force, and who may manage which
procedure. Every change is audited; a dossier keeps the version it was received under."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit.tables import AuditEntry
from app.catalog.tables import Procedure, ProcedureComponent
from app.counter.service import Reception, receive
from app.dossiers.logic import Channel
from app.dossiers.tables import Dossier
from app.formatting import now_utc
from app.processes import admin
from app.processes.forms import VersionHeader
from app.processes.service import version_in_force
from app.processes.tables import ProcessStepRow, ProcessVersion
from tests import factories
from tests.conftest import form_fields, run

STEP_FIELDS = {  # the default test process, typed into the editor, 80 office hours
    "step-0-name": "Tiếp nhận hồ sơ", "step-0-kind": "reception",
    "step-0-performers": "counter_officer", "step-0-hours": "4",
    "step-1-name": "Thẩm định, kiểm tra thực địa", "step-1-kind": "appraisal",
    "step-1-performers": "handler", "step-1-hours": "56",
    "step-2-name": "Lãnh đạo phòng xem xét", "step-2-kind": "approval",
    "step-2-performers": "unit_leader", "step-2-hours": "8",
    "step-3-name": "Giám đốc Sở ký giấy phép", "step-3-kind": "signature",
    "step-3-performers": "agency_leader", "step-3-hours": "8",
    "step-4-name": "Trả kết quả", "step-4-kind": "return",
    "step-4-performers": "counter_officer", "step-4-hours": "4",
}
DECISION = {"decision_number": "215/QĐ-UBND", "decision_date": "01/12/2026",
            "effective_date": "02/12/2026"}


@pytest.fixture
def province(client):
    async def make():
        own = await factories.agency("Sở Xây dựng")
        other = await factories.agency("Sở Y tế")
        procedure = await factories.procedure(own, "Cấp giấy phép xây dựng")
        foreign = await factories.procedure(other, "Cấp giấy phép hành nghề")
        cookies, users = {}, {}
        for name, role, agency in (("tinh", Role.PROVINCIAL_ADMIN, own),
                                   ("xaydung", Role.AGENCY_ADMIN, own),
                                   ("yte", Role.AGENCY_ADMIN, other),
                                   ("motcua", Role.COUNTER_OFFICER, own)):
            user = await accounts.create_user(username=name, password="abc12345",
                                              full_name=f"Quản trị {name}", role=role,
                                              agency_ids=[agency.id])
            token = await accounts.start_session(user, "127.0.0.1", "t")
            cookies[name] = accounts.cookie_value(token)
            users[name] = await accounts.load_session(token)
        component = ProcedureComponent(procedure=procedure.id, position=1,
                                                 name="Đơn đề nghị")
        await component.save()
        return {"procedure": procedure.id, "foreign": foreign.id, "cookies": cookies,
                "users": users, "component": component.id}

    return run(make())


def as_(client, province, who):
    client.cookies.clear()
    client.cookies.set("motcua_session", province["cookies"][who])


def start_draft(client, province, procedure_key="procedure") -> str:
    url = f"/quan-tri/quy-trinh/thu-tuc/{province[procedure_key]}"
    started = client.post(url + "/du-thao", data=form_fields(client.get(url).text),
                          follow_redirects=False)
    assert started.status_code == 303
    return started.headers["location"]


def save(client, version_url, fields):
    return client.post(version_url, data={**form_fields(client.get(version_url).text),
                                          **fields}, follow_redirects=False)


def audit_actions() -> list[str]:
    return [row["action"] for row in AuditEntry.select(AuditEntry.action).where(
        AuditEntry.action.like("process.%")).order_by(AuditEntry.id).run_sync()]


def test_an_agency_admin_drafts_and_publishes_a_new_version(client, province):
    as_(client, province, "xaydung")
    index = client.get("/quan-tri/quy-trinh").text
    assert "Cấp giấy phép xây dựng" in index and "Cấp giấy phép hành nghề" not in index
    version_url = start_draft(client, province)
    editor = client.get(version_url).text
    assert "phiên bản 2 (dự thảo)" in editor  # a copy of version 1, its steps filled in
    assert 'value="Thụ lý hồ sơ"' in editor

    # Hours that do not add up: saved as a draft, but publishing says by how much.
    short = {**DECISION, **STEP_FIELDS, "step-1-hours": "48"}
    assert save(client, version_url, short).status_code == 303
    before = ProcessVersion.select().where(ProcessVersion.number == 2).first().run_sync()
    publish = client.post(version_url + "/ban-hanh",
                          data=form_fields(client.get(version_url).text))
    assert publish.status_code == 400
    assert ("Tổng thời gian các bước là 72 giờ làm việc, trong khi thời hạn giải quyết (10 "
            "ngày làm việc) tương đương 80 giờ làm việc: thiếu 8 giờ.") in publish.text
    assert ProcessVersion.select().where(ProcessVersion.number == 2).first().run_sync(
        ) == before

    assert save(client, version_url, {**DECISION, **STEP_FIELDS}).status_code == 303
    done = client.post(version_url + "/ban-hanh",
                       data=form_fields(client.get(version_url).text), follow_redirects=False)
    assert done.status_code == 303
    versions = client.get(done.headers["location"]).text
    assert "Đã ban hành phiên bản 2" in versions and "215/QĐ-UBND" in versions
    published = ProcessVersion.select().where(ProcessVersion.number == 2).first().run_sync()
    assert published["status"] == "published"
    assert audit_actions()[-4:] == ["process.draft_started", "process.draft_saved",
                                    "process.draft_saved", "process.published"]
    # Published means fixed: no more saving.
    refused = save(client, version_url, {**DECISION, **STEP_FIELDS, "step-1-hours": "50"})
    assert refused.status_code == 400 and "không sửa được" in refused.text


def test_bad_input_comes_back_with_what_was_typed(client, province):
    as_(client, province, "tinh")
    version_url = start_draft(client, province)
    rows_before = ProcessStepRow.count().run_sync()
    typed = {**DECISION, **STEP_FIELDS, "decision_date": "31/02/2026",
             "step-1-hours": "năm mươi sáu", "step-3-kind": ""}
    response = save(client, version_url, typed)
    assert response.status_code == 400
    assert "Ngày phải theo dạng dd/mm/yyyy" in response.text
    assert "Bước “Thẩm định, kiểm tra thực địa”: thời gian là số giờ làm việc" in response.text
    assert "Bước “Giám đốc Sở ký giấy phép”: chọn loại bước." in response.text
    assert 'value="năm mươi sáu"' in response.text and 'value="31/02/2026"' in response.text
    assert ProcessStepRow.count().run_sync() == rows_before  # nothing saved


def test_publishing_checks_the_decision_and_the_shape(client, province):
    as_(client, province, "tinh")
    version_url = start_draft(client, province)
    no_return = {k: v for k, v in STEP_FIELDS.items() if not k.startswith("step-4")}
    save(client, version_url, {"effective_date": "01/12/2026", "decision_date": "02/12/2026",
                               **no_return, "step-1-hours": "60"})
    response = client.post(version_url + "/ban-hanh",
                           data=form_fields(client.get(version_url).text))
    assert response.status_code == 400
    for problem in ("Cần nhập số quyết định phê duyệt quy trình.",
                    "Ngày có hiệu lực không được trước ngày ký quyết định.",
                    "Bước cuối cùng (và chỉ bước đó) là bước trả kết quả."):
        assert problem in response.text, problem


def test_admins_manage_only_what_is_theirs(client, province):
    as_(client, province, "yte")  # another agency's admin: as if it did not exist
    url = f"/quan-tri/quy-trinh/thu-tuc/{province['procedure']}"
    assert client.get(url).status_code == 404
    page = client.get("/quan-tri/quy-trinh").text
    assert client.post(url + "/du-thao", data=form_fields(page)).status_code == 404
    as_(client, province, "motcua")
    assert client.get("/quan-tri/quy-trinh").status_code == 403
    as_(client, province, "tinh")  # the province manages every procedure
    assert "Cấp giấy phép hành nghề" in client.get("/quan-tri/quy-trinh").text
    version_url = start_draft(client, province, "foreign")
    as_(client, province, "xaydung")
    assert client.get(version_url).status_code == 404


def test_a_dossier_keeps_the_version_it_was_received_under(client, province):
    async def go():
        users = province["users"]
        reception = Reception("Y Blông", "062190001234", "", "", Channel.IN_PERSON,
                              [province["component"]])
        first = await receive(users["motcua"], province["procedure"], reception)
        yesterday = admin.local_day(now_utc()) - timedelta(days=1)  # in force by now
        header = VersionHeader("216/QĐ-UBND", yesterday, yesterday)
        procedure = await Procedure.objects().get(
            Procedure.id == province["procedure"])
        newer = await factories.process(procedure, factories.DEFAULT_STEPS, header)
        second = await receive(users["motcua"], province["procedure"], reception)
        rows = await Dossier.select(Dossier.process_version).where(
            Dossier.id.is_in([first, second])).order_by(Dossier.id)
        return [r["process_version"] for r in rows], newer

    (old, new), newer = run(go())
    assert new == newer and old != newer


def test_a_future_version_comes_into_force_on_its_date(client, province):
    async def go():
        procedure = await Procedure.objects().get(
            Procedure.id == province["procedure"])
        today = now_utc()
        effective = admin.local_day(today) + timedelta(days=3 * 365)
        header = VersionHeader("300/QĐ-UBND", admin.local_day(today), effective)
        future = await factories.process(procedure, factories.DEFAULT_STEPS, header)
        current = await version_in_force(procedure.id, today)
        then = await version_in_force(procedure.id, admin.local_midnight(effective))
        just_before = await version_in_force(
            procedure.id, admin.local_midnight(effective) - timedelta(seconds=1))
        return future, current, then, just_before

    future, current, then, just_before = run(go())
    assert then == future and current == just_before != future


def test_the_editor_lists_steps_and_units_as_plain_form_fields(client, province):
    as_(client, province, "tinh")
    editor = client.get(start_draft(client, province)).text
    # One row per step plus a blank one to add a step; no script needed.
    assert len(re.findall(r'name="step-\d+-name"', editor)) == 6
    assert "Cơ quan giải quyết thủ tục" in editor and "Sở Y tế" in editor


def test_a_first_process_offers_rows_for_a_whole_process(client, province):
    async def bare():
        return (await factories.procedure(await factories.agency(), "Thủ tục chưa có quy trình",
                                          steps=())).id

    province["bare"] = run(bare())
    as_(client, province, "tinh")
    editor = client.get(start_draft(client, province, "bare")).text
    assert "phiên bản 1 (dự thảo)" in editor
    assert len(re.findall(r'name="step-\d+-name" value=""', editor)) == 5  # all blank


def test_the_catalogue_admin_page_links_to_the_process(client, province):
    as_(client, province, "tinh")
    page = client.get(f"/quan-tri/thu-tuc/{province['procedure']}").text
    assert f'href="/quan-tri/quy-trinh/thu-tuc/{province["procedure"]}"' in page
