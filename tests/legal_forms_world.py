"""One dossier for the legal-form tests: received at a counter, forwarded and stopped, plus
an officer of another agency (who must see none of it)."""

from decimal import Decimal

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import ProcedureComponent, ProcedureStep
from app.counter.service import Reception, receive
from app.dossiers.logic import Channel, Status
from app.dossiers.tables import Dossier, DossierResult
from app.files import store
from app.formatting import now_utc
from app.workflow import Action
from app.workflow.service import perform
from tests import factories
from tests.conftest import run
from tests.signing_world import sign_and_issue


async def _staff(role, agency_id, username):
    user = await accounts.create_user(username=username, password="abc12345",
                                      full_name=f"Trần Thị {username.title()}", role=role,
                                      agency_ids=[agency_id])
    token = await accounts.start_session(user, "127.0.0.1", "t")
    return await accounts.load_session(token), accounts.cookie_value(token)


@pytest.fixture
def world(client):
    async def make():
        agency = await factories.agency("Sở Tư pháp tỉnh Quảng Ngãi", code="000.00.17.H55")
        procedure = await factories.procedure(agency)
        await ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai đề nghị",
                                 kind="original", quantity=1).save()
        for position in (1, 2):
            await ProcedureStep(procedure=procedure.id, position=position,
                                name=f"Thẩm định lần {position}", role="handler",
                                allotted_hours=Decimal(8)).save()
        counter, counter_cookie = await _staff(Role.COUNTER_OFFICER, agency.id, "motcua")
        leader, _ = await _staff(Role.LEADER, agency.id, "lanhdao")
        other_agency = await factories.agency("Sở Xây dựng")
        _, stranger_cookie = await _staff(Role.COUNTER_OFFICER, other_agency.id, "khac")
        component = await ProcedureComponent.select(ProcedureComponent.id).first()
        dossier_id = await receive(counter, procedure.id, Reception(
            applicant_name="Y Blông Ê Ban", applicant_id_number="062190001234",
            applicant_phone="0905123456", applicant_address="Phường Trần Hưng Đạo",
            channel=Channel.IN_PERSON, component_ids=[component["id"]]))
        await perform(dossier_id, leader, Action.FORWARD, assignee_id=leader.id)
        await perform(dossier_id, leader, Action.STOP, reason="Đang chờ kết quả giám định")
        return {"dossier_id": dossier_id, "counter": counter_cookie,
                "stranger": stranger_cookie, "procedure_id": procedure.id,
                "component_id": component["id"], "counter_user": counter,
                "leader_user": leader}

    return run(make())


async def dossier_with_result(world, result: bytes, signing=None) -> int:
    """A second dossier of the world, processed to the end with `result` as its file: with
    `signing` (tests/signing_world), drafted, approved, signed on the server and issued, so
    the result is `result` with the leader's signature; without, a result recorded before
    signatures were required (an image or a damaged file from those days)."""
    counter, leader = world["counter_user"], world["leader_user"]
    dossier_id = await receive(counter, world["procedure_id"], Reception(
        applicant_name="Hồ Thị Ngọc Ánh", applicant_id_number="051190009876",
        applicant_phone="0912345678", applicant_address="Xã Đăk Hà", channel=Channel.IN_PERSON,
        component_ids=[world["component_id"]]))
    await perform(dossier_id, leader, Action.FORWARD, assignee_id=leader.id)
    if signing is not None:
        await signing.give_key(leader.username, leader.full_name)
        await sign_and_issue(dossier_id, leader, leader, result)
        return dossier_id
    stored = await store.store(result, "application/octet-stream")
    await DossierResult(dossier=dossier_id, file=stored.id, sha256=stored.sha256,
                        issued_at=now_utc(), issued_by=leader.id).save()
    await Dossier.update({Dossier.status: Status.PROCESSED.value}).where(
        Dossier.id == dossier_id)
    return dossier_id


def as_(client, cookie):
    client.cookies.clear()
    client.cookies.set("motcua_session", cookie)
