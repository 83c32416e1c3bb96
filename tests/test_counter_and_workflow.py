"""A dossier's whole life through the services: counter reception to return."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.audit import service as audit
from app.catalog.tables import ProcedureComponent
from app.counter.service import Reception, ReceptionRefused, receive
from app.dossiers.logic import Channel, Status, parse_dossier_code
from app.dossiers.tables import Dossier, DossierEvent, DossierPause, DossierResult
from app.files import store
from app.workflow import Action, TransitionError
from app.workflow.service import perform, snapshot
from tests import factories
from tests.signing_world import draft_pdf, sign_and_issue, signing  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio


async def staff(role: Role, agency_id: int, username: str):
    user = await accounts.create_user(username=username, password="abc12345",
                                      full_name=username, role=role, agency_ids=[agency_id])
    return await accounts.load_session(await accounts.start_session(user, "127.0.0.1", "t"))


# Ten working days (80 office hours): the counter, a handler, a leader approves, a leader
# signs (any leader may: no position is named), the counter returns the result.
STEPS = (
    ("Tiếp nhận hồ sơ", "reception", ("counter_officer",), 4),
    ("Thụ lý hồ sơ", "handling", ("handler",), 8),
    ("Lãnh đạo phòng xem xét", "approval", ("leader",), 8),
    ("Lãnh đạo ký kết quả", "signature", ("leader",), 56),
    ("Trả kết quả", "return", ("counter_officer",), 4),
)


@pytest.fixture
async def office(db):
    agency = await factories.agency("Sở Tư pháp", code="000.00.17.H55")
    procedure = await factories.procedure(agency, steps=STEPS)
    procedure.fee_amount = 200000
    await procedure.save()
    await ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai",
                             kind="original", quantity=1).save()
    component_ids = [c["id"] for c in await ProcedureComponent.select(ProcedureComponent.id)]
    return {
        "agency": agency, "procedure": procedure, "components": component_ids,
        "counter": await staff(Role.COUNTER_OFFICER, agency.id, "motcua"),
        "handler": await staff(Role.HANDLER, agency.id, "thuly"),
        "leader": await staff(Role.LEADER, agency.id, "lanhdao"),
    }


def reception(office) -> Reception:
    return Reception(applicant_name="Y Blông", applicant_id_number="062190001234",
                     applicant_phone="0905123456", applicant_address="Kon Tum",
                     channel=Channel.IN_PERSON, component_ids=office["components"])


@pytest.mark.clock
async def test_reception_gives_a_code_and_a_legal_due_moment(office):
    dossier_id = await receive(office["counter"], office["procedure"].id, reception(office))
    row = await Dossier.select().where(Dossier.id == dossier_id).first()
    assert row["status"] == Status.RECEIVED
    agency_code, _, sequence = parse_dossier_code(row["code"])
    assert (agency_code, sequence) == ("000.00.17.H55", 1)
    assert row["due_at"] > row["received_at"]
    assert row["fees_due"] == 200000


@pytest.mark.engine
async def test_concurrent_receptions_get_distinct_consecutive_codes(office):
    ids = await asyncio.gather(*(
        receive(office["counter"], office["procedure"].id, reception(office))
        for _ in range(20)))
    codes = [r["code"] for r in await Dossier.select(Dossier.code).where(Dossier.id.is_in(ids))]
    assert sorted(parse_dossier_code(c)[2] for c in codes) == list(range(1, 21))


async def test_other_agencys_procedure_is_refused_unless_boundary_free(office):
    other = await factories.agency("Sở Xây dựng")
    foreign = await factories.procedure(other, name="Cấp giấy phép xây dựng")
    with pytest.raises(ReceptionRefused, match="không thuộc thẩm quyền"):
        await receive(office["counter"], foreign.id, reception(office))


async def test_whole_life_with_supplement_result_payment_and_return(office, signing):  # noqa: F811
    counter, handler, leader = office["counter"], office["handler"], office["leader"]
    dossier_id = await receive(counter, office["procedure"].id, reception(office))
    received = await snapshot(dossier_id)
    assert (received.row["current_step"], received.row["process_version"]) == (
        1, received.loaded.version_id)  # at the counter's own step, under the version
    await perform(dossier_id, counter, Action.FORWARD, assignee_id=handler.id)
    assert (await snapshot(dossier_id)).row["current_step"] == 2  # the handling step

    await perform(dossier_id, handler, Action.REQUEST_SUPPLEMENT,
                  reason="Thiếu bản sao CCCD có chứng thực")
    paused = await snapshot(dossier_id)
    assert paused.state.status == Status.SUPPLEMENT_REQUESTED
    assert paused.row["clock_paused_at"] is not None
    await perform(dossier_id, counter, Action.SUPPLY_SUPPLEMENT)
    assert await DossierPause.count().where(DossierPause.ended_at.is_not_null()) == 1

    draft = await store.store(draft_pdf(), "application/pdf")
    await perform(dossier_id, handler, Action.ATTACH_DRAFT, sha256=draft.sha256)
    await perform(dossier_id, handler, Action.FORWARD, assignee_id=leader.id)  # to step 3
    with pytest.raises(TransitionError, match="cần được phê duyệt"):
        await perform(dossier_id, leader, Action.FORWARD)  # approval cannot be skipped
    await perform(dossier_id, leader, Action.APPROVE)
    await perform(dossier_id, leader, Action.FORWARD, assignee_id=leader.id)  # to signing
    with pytest.raises(TransitionError, match="chưa được ký số"):
        await perform(dossier_id, leader, Action.ISSUE_RESULT)
    await signing.give_key("lanhdao", "Lãnh đạo Sở")
    await perform(dossier_id, leader, Action.SIGN, signing="server")
    with pytest.raises(TransitionError, match="chưa có kết quả"):
        await perform(dossier_id, leader, Action.FORWARD)  # finishing needs a result
    await perform(dossier_id, leader, Action.ISSUE_RESULT)
    issued = await DossierResult.select().first()
    assert issued["sha256"] == issued["signed_sha256"] != ""  # the signed file is the result
    await perform(dossier_id, leader, Action.FORWARD)
    finished = await snapshot(dossier_id)
    assert (finished.state.status, finished.row["current_step"]) == (Status.PROCESSED, 5)

    with pytest.raises(TransitionError):
        await perform(dossier_id, counter, Action.RETURN_RESULT)  # fees first
    await perform(dossier_id, counter, Action.PAY)
    await perform(dossier_id, counter, Action.RETURN_RESULT)
    final = (await snapshot(dossier_id)).row
    assert final["status"] == Status.RETURNED and final["returned_at"] is not None

    events = await DossierEvent.select(
        DossierEvent.action, DossierEvent.step, DossierEvent.process_step.name.as_alias("name"),
    ).where(DossierEvent.dossier == dossier_id).order_by(DossierEvent.id)
    assert events[0]["action"] == "accepted" and events[-1]["action"] == "result_returned"
    assert [(e["action"], e["step"], e["name"]) for e in events[:2]] == [
        ("accepted", 1, "Tiếp nhận hồ sơ"), ("processing_started", 2, "Thụ lý hồ sơ")]
    assert final["version"] == len(events)  # every action moved the version on
    assert await audit.verify() == []


async def test_refused_action_changes_nothing(office):
    dossier_id = await receive(office["counter"], office["procedure"].id, reception(office))
    before = (await snapshot(dossier_id)).row
    events_before = await DossierEvent.count()
    with pytest.raises(TransitionError, match="Không thể thực hiện"):
        await perform(dossier_id, office["handler"], Action.ISSUE_RESULT)
    assert (await snapshot(dossier_id)).row == before
    assert await DossierEvent.count() == events_before


@pytest.mark.clock
async def test_each_step_gets_its_own_deadline(office, signing):  # noqa: F811
    from datetime import timedelta

    from app.calendar.deadlines import deadline
    from app.calendar.service import current_calendar

    counter, handler, leader = office["counter"], office["handler"], office["leader"]
    calendar = await current_calendar()
    dossier_id = await receive(counter, office["procedure"].id, reception(office))
    assert (await snapshot(dossier_id)).row["step_due_at"] is None  # not in processing yet

    entered = await perform(dossier_id, counter, Action.FORWARD, assignee_id=handler.id)
    first = (await snapshot(dossier_id)).row
    assert first["current_step"] == 2  # the handling step, with its own 8 hours
    assert first["step_due_at"] == deadline(entered.at, Decimal(8), "hours", calendar=calendar)

    await perform(dossier_id, handler, Action.REQUEST_SUPPLEMENT, reason="Thiếu tờ khai")
    assert (await snapshot(dossier_id)).row["step_due_at"] == first["step_due_at"]  # kept
    # The applicant took a week: the step's deadline moves by the office time waited.
    paused_at = (await snapshot(dossier_id)).row["clock_paused_at"]
    await Dossier.update({Dossier.clock_paused_at: paused_at - timedelta(days=7)}).where(
        Dossier.id == dossier_id)
    await perform(dossier_id, counter, Action.SUPPLY_SUPPLEMENT)
    resumed = (await snapshot(dossier_id)).row
    assert resumed["step_due_at"] - first["step_due_at"] >= timedelta(days=4)

    moved = await perform(dossier_id, handler, Action.FORWARD, assignee_id=leader.id)
    second = (await snapshot(dossier_id)).row
    assert second["current_step"] == 3
    assert second["step_due_at"] == deadline(moved.at, Decimal(8), "hours", calendar=calendar)

    draft = await store.store(draft_pdf(), "application/pdf")
    await perform(dossier_id, leader, Action.ATTACH_DRAFT, sha256=draft.sha256)
    await perform(dossier_id, leader, Action.APPROVE)
    signing_step = await perform(dossier_id, leader, Action.FORWARD)
    assert (await snapshot(dossier_id)).row["step_due_at"] == deadline(
        signing_step.at, Decimal(56), "hours", calendar=calendar)
    await signing.give_key("lanhdao", "Lãnh đạo Sở")
    await sign_and_issue(dossier_id, handler, leader)
    await perform(dossier_id, leader, Action.FORWARD)
    assert (await snapshot(dossier_id)).row["step_due_at"] is None  # processing finished


async def test_every_event_names_the_agency_handling_the_dossier_after_it(office):
    from app.dossiers.queries import dossier_for_staff

    counter, handler, leader = office["counter"], office["handler"], office["leader"]
    other = await factories.agency("Sở Xây dựng", code="000.00.18.H55")
    dossier_id = await receive(counter, office["procedure"].id, reception(office))
    await perform(dossier_id, counter, Action.FORWARD, assignee_id=handler.id)
    await perform(dossier_id, handler, Action.TRANSFER, target_agency_id=other.id,
                  reason="Thuộc thẩm quyền Sở Xây dựng")

    events = (await dossier_for_staff(dossier_id, leader))["events"]
    assert [(e["action"], e["agency_name"]) for e in events][-1] == (
        "transferred", "Sở Xây dựng")
    assert events[0]["agency_name"] == "Sở Tư pháp"  # accepted where it was received


@pytest.mark.engine
async def test_same_reception_token_at_once_makes_one_dossier(office):
    from app.counter.service import AlreadyReceived, new_reception_token

    token = new_reception_token()
    outcomes = await asyncio.gather(*(
        receive(office["counter"], office["procedure"].id, reception(office), token=token)
        for _ in range(5)), return_exceptions=True)
    made = [o for o in outcomes if isinstance(o, int)]
    assert len(made) == 1 and await Dossier.count() == 1
    assert all(isinstance(o, AlreadyReceived) and o.dossier_id == made[0]
               for o in outcomes if not isinstance(o, int))


@pytest.mark.engine
async def test_two_officers_on_the_same_version_one_wins(office):
    from app.workflow.service import StaleDossier

    counter, handler = office["counter"], office["handler"]
    dossier_id = await receive(counter, office["procedure"].id, reception(office))
    version = (await snapshot(dossier_id)).row["version"]
    outcomes = await asyncio.gather(
        perform(dossier_id, counter, Action.FORWARD, expected_version=version,
                assignee_id=handler.id),
        perform(dossier_id, counter, Action.RECORD_APOLOGY, expected_version=version,
                new_due_at=(await snapshot(dossier_id)).row["due_at"] + timedelta(days=2),
                reason="Chờ xác minh"),
        return_exceptions=True)
    assert sum(isinstance(o, StaleDossier) for o in outcomes) == 1
    assert (await snapshot(dossier_id)).row["version"] == version + 1
