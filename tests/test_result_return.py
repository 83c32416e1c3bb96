"""Returning the result: at the counter (who received it), by post (postal staff), online;
fees first; the hand-over is recorded with the move."""

import hashlib
from dataclasses import replace

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.counter.tables import ResultReturn
from app.dossiers.logic import Channel, Status
from app.dossiers.tables import Dossier, DossierResult
from app.formatting import now_utc
from app.workflow import Action
from app.workflow.service import perform
from tests import factories
from tests.conftest import login
from tests.test_workflow_logic import counter, do, draft, postman, refused_with

DONE = draft(status=Status.PROCESSED, current_step=2, has_result=True)


def test_method_follows_role_and_channel():
    _, at_counter = do(DONE, counter, Action.RETURN_RESULT, receiver_name="Y Blong")
    assert at_counter.details["method"] == "counter"
    assert at_counter.details["receiver_name"] == "Y Blong"
    online = replace(DONE, channel=Channel.ONLINE)
    assert do(online, counter, Action.RETURN_RESULT)[1].details["method"] == "online"
    _, by_post = do(replace(DONE, channel=Channel.POST), postman, Action.RETURN_RESULT,
                    note="EL123456789VN")
    assert (by_post.details["method"], by_post.details["note"]) == ("post", "EL123456789VN")


def test_wrong_methods_are_refused():
    refused_with("Chỉ hồ sơ nộp trực tuyến mới được trả kết quả trực tuyến.", DONE, counter,
                 Action.RETURN_RESULT, method="online")
    refused_with("Trả qua bưu chính do nhân viên bưu chính ghi nhận khi đã giao.", DONE,
                 counter, Action.RETURN_RESULT, method="post")
    refused_with("Nhân viên bưu chính chỉ ghi nhận trả kết quả qua bưu chính.",
                 replace(DONE, channel=Channel.POST), postman, Action.RETURN_RESULT,
                 method="counter")
    refused_with("Hình thức trả kết quả không hợp lệ.", DONE, counter, Action.RETURN_RESULT,
                 method="fax")


async def processed(procedure, channel: Channel, fees: int = 0) -> int:
    row = await factories.dossier(procedure, status=Status.PROCESSED)
    await Dossier.update({Dossier.channel: channel.value, Dossier.fees_due: fees,
                          Dossier.finished_at: now_utc(),
                          Dossier.receiving_agency: procedure.agency}).where(
        Dossier.id == row.id)
    await DossierResult(dossier=row.id, sha256=hashlib.sha256(b"kq").hexdigest(),
                        issued_at=now_utc()).save()
    return row.id


@pytest.mark.anyio
async def test_hand_over_is_recorded_and_fees_come_first(db):
    agency = await factories.agency()
    procedure = await factories.procedure(agency)
    officer = await accounts.create_user(username="quay", password="abc12345", full_name="Quầy",
                                         role=Role.COUNTER_OFFICER, agency_ids=[agency.id])
    user = await accounts.load_session(await accounts.start_session(officer, "::1", "t"))
    owing = await processed(procedure, Channel.IN_PERSON, fees=50_000)
    with pytest.raises(Exception, match="50.000 đ"):
        await perform(owing, user, Action.RETURN_RESULT)
    assert await ResultReturn.count() == 0  # nothing written
    await perform(owing, user, Action.PAY)
    await perform(owing, user, Action.RETURN_RESULT)  # the applicant in person
    record = await ResultReturn.select().where(ResultReturn.dossier == owing).first()
    assert (record["method"], record["receiver_name"], record["recorded_by"]) == (
        "counter", "Nguyễn Văn An", officer.id)


def test_postal_staff_list_and_delivery(client):
    import asyncio

    async def make():
        agency = await factories.agency()
        procedure = await factories.procedure(agency)
        await accounts.create_user(username="buudien", password="abc12345",
                                   full_name="Bưu tá", role=Role.POSTAL_STAFF,
                                   agency_ids=[agency.id])
        return (await processed(procedure, Channel.POST),
                await processed(procedure, Channel.IN_PERSON))

    by_post, in_person = asyncio.run(make())
    login(client, "buudien", "abc12345")
    listing = client.get("/mot-cua/tra-ket-qua")
    assert f"/can-bo/ho-so/{by_post}" in listing.text
    assert f"/can-bo/ho-so/{in_person}" not in listing.text
    from tests.test_web_counter import act

    done = act(client, by_post, "return_result", method="post", note="EL123456789VN")
    assert done.status_code == 303
    page = client.get(f"/can-bo/ho-so/{by_post}")
    assert "qua bưu chính" in page.text and "EL123456789VN" in page.text
    assert f"/can-bo/ho-so/{by_post}" not in client.get("/mot-cua/tra-ket-qua").text
