"""Workflow actions queue the applicant's notices in their own transaction."""

import pytest

from app.counter.service import receive
from app.notifications.tables import OutboxMessage, SandboxMessage
from app.workflow import Action, TransitionError
from app.workflow.service import perform
from tests.test_counter_and_workflow import office, reception  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio


async def messages():
    return [(r["event"], r["channel"], r["recipient"]) for r in await OutboxMessage.select(
        OutboxMessage.event, OutboxMessage.channel, OutboxMessage.recipient,
    ).order_by(OutboxMessage.id)]


async def test_life_of_a_dossier_tells_the_applicant(office, immediate_huey):  # noqa: F811
    counter, handler = office["counter"], office["handler"]
    dossier_id = await receive(counter, office["procedure"].id, reception(office))
    await perform(dossier_id, counter, Action.FORWARD, assignee_id=handler.id)  # no notice
    await perform(dossier_id, handler, Action.REQUEST_SUPPLEMENT, reason="Thiếu bản sao CCCD")
    await perform(dossier_id, counter, Action.SUPPLY_SUPPLEMENT)
    await perform(dossier_id, handler, Action.REQUEST_SUPPLEMENT, reason="Thiếu tờ khai")
    assert [event for event, _, _ in await messages()] == [
        "received", "supplement_requested", "supplement_requested"]
    # Reception runs `perform` inside its own transaction: delivery waited for its commit.
    sent = await SandboxMessage.select(SandboxMessage.body).order_by(SandboxMessage.id)
    assert len(sent) == 3 and "da duoc tiep nhan" in sent[0]["body"]
    assert "Thieu ban sao CCCD" in sent[1]["body"] and "Thieu to khai" in sent[2]["body"]


async def test_refusal_at_reception_notifies_with_reason(office):  # noqa: F811
    dossier_id = await receive(office["counter"], office["procedure"].id, reception(office))
    await perform(dossier_id, office["counter"], Action.FORWARD, assignee_id=office["handler"].id)
    await perform(dossier_id, office["leader"], Action.REFUSE, reason="Hồ sơ giả mạo")
    (refused,) = await OutboxMessage.select(OutboxMessage.body).where(
        OutboxMessage.event == "refused")
    assert refused["body"].endswith("Ly do: Ho so gia mao")


async def test_failed_action_queues_nothing(office):  # noqa: F811
    dossier_id = await receive(office["counter"], office["procedure"].id, reception(office))
    await perform(dossier_id, office["counter"], Action.FORWARD, assignee_id=office["handler"].id)
    before = await messages()
    with pytest.raises(TransitionError, match="lý do"):
        await perform(dossier_id, office["leader"], Action.REFUSE, reason="")
    assert await messages() == before == [("received", "sms", "0905123456")]
