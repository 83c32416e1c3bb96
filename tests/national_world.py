"""A small province for the national-integration tests: one agency with its portal code, a
procedure of two steps with a fee, the staff who act on it, and the moves of a dossier's
whole life through the one state machine."""

from __future__ import annotations

from decimal import Decimal

from app.accounts.roles import Role
from app.catalog.tables import ProcedureComponent, ProcedureStep
from app.counter.service import Reception, receive
from app.dossiers.logic import Channel
from app.workflow import Action
from app.workflow.service import perform
from tests import factories
from tests.signing_world import sign_and_issue

SANDBOXES = {"MOTCUA_DVCQG": "sandbox", "MOTCUA_IOFFICE": "sandbox"}


def connect_sandboxes(monkeypatch, **extra: str) -> None:
    for name, value in {**SANDBOXES, **extra}.items():
        monkeypatch.setenv(name, value)
    from app.integrations.calls import reset_breakers

    reset_breakers()


async def office(code: str = "000.00.17.H55", portal_code: str = "G22.17",
                 signing=None) -> dict:
    """With the `signing` fixture, the leader holds a key so results can be signed."""
    agency = await factories.agency("Sở Tư pháp", code=code)
    agency.portal_code = portal_code
    await agency.save()
    procedure = await factories.procedure(agency)
    procedure.fee_amount = 100000
    await procedure.save()
    await ProcedureComponent(procedure=procedure.id, position=1, name="Tờ khai",
                             kind="original", quantity=1).save()
    for position, role in enumerate(["handler", "leader"], start=1):
        await ProcedureStep(procedure=procedure.id, position=position, name=f"Bước {position}",
                            role=role, allotted_hours=Decimal(8)).save()
    components = [c["id"] for c in await ProcedureComponent.select(ProcedureComponent.id).where(
        ProcedureComponent.procedure == procedure.id)]
    leader = await factories.staff(Role.LEADER, [agency.id])
    if signing is not None:
        await signing.give_key(leader.username, leader.full_name)
    return {"agency": agency, "procedure": procedure, "components": components,
            "counter": await factories.staff(Role.COUNTER_OFFICER, [agency.id]),
            "handler": await factories.staff(Role.HANDLER, [agency.id]), "leader": leader}


async def receive_one(world: dict, id_number: str = "062190001234") -> int:
    return await receive(world["counter"], world["procedure"].id, Reception(
        applicant_name="Y Blông", applicant_id_number=id_number,
        applicant_phone="0905123456", applicant_address="Kon Tum",
        channel=Channel.IN_PERSON, component_ids=world["components"]))


async def process(world: dict, dossier_id: int) -> None:
    """From received to processed: forward, draft, approve, sign, issue the result, finish."""
    leader = world["leader"]
    await perform(dossier_id, leader, Action.FORWARD, assignee_id=world["handler"].id)
    await perform(dossier_id, world["handler"], Action.FORWARD, assignee_id=leader.id)
    await sign_and_issue(dossier_id, leader, leader)
    await perform(dossier_id, leader, Action.FORWARD)


async def hand_over(world: dict, dossier_id: int) -> None:
    """Fees paid at the counter, result returned."""
    await perform(dossier_id, world["counter"], Action.PAY)
    await perform(dossier_id, world["counter"], Action.RETURN_RESULT)
