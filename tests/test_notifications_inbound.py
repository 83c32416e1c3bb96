"""SMS lookup: `TC <mã> <4 số>` to the webhook is answered through the outbox."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.notifications.inbound import LOOKUPS_PER_SENDER
from app.notifications.logic import LOOKUP_NOT_FOUND, LOOKUP_USAGE, parse_lookup
from app.notifications.tables import OutboxMessage, SandboxMessage
from tests import factories
from tests.conftest import run

TOKEN = "gateway-token"


@pytest.fixture
def api(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_SMS_INBOUND_TOKEN", TOKEN)
    LOOKUPS_PER_SENDER.clear()

    def send(text, sender="0912000111", token=TOKEN, **extra):
        return client.post("/api/v1/sms/inbound", json={"sender": sender, "text": text, **extra},
                           headers={"Authorization": f"Bearer {token}"})

    send.client = client  # for requests the helper does not build
    return send


@pytest.fixture
def dossier_code(db):
    async def make():
        procedure = await factories.procedure(await factories.agency())
        return (await factories.dossier(procedure, phone="0905123456")).code

    return run(make())


async def replies():
    return await OutboxMessage.select(
        OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.body, OutboxMessage.event,
    ).order_by(OutboxMessage.id)


def test_parse_lookup():
    assert parse_lookup("tc 000.00.17.h55-261203-0001   3456 ") == (
        "000.00.17.H55-261203-0001", "3456")
    assert parse_lookup("TC ABC") is None and parse_lookup("TC ABC 12345") is None


def test_found_dossier_is_answered_by_sms(api, dossier_code):
    response = api(f"TC {dossier_code.lower()} 3456", id="gw-1")
    assert response.status_code == 200 and response.json() == {"queued": 1}
    (reply,) = run(replies())
    assert (reply["event"], reply["channel"], reply["recipient"]) == (
        "lookup_reply", "sms", "0912000111")
    assert reply["body"].startswith(f"Ho so {dossier_code}: Dang xu ly. Hen tra: ")
    assert len(reply["body"]) <= 160
    assert api(f"TC {dossier_code} 3456", id="gw-1").json() == {"queued": 0}  # resent webhook


def test_unknown_code_and_wrong_digits_get_the_same_answer(api, dossier_code):
    api(f"TC {dossier_code} 9999", id="a")
    api("TC 000.00.17.H55-200101-9999 3456", id="b")
    api("xin chao", id="c")
    bodies = [r["body"] for r in run(replies())]
    assert bodies == [LOOKUP_NOT_FOUND, LOOKUP_NOT_FOUND, LOOKUP_USAGE]


def test_sender_is_rate_limited(api, dossier_code):
    codes = [api(f"TC {dossier_code} 000{n}", id=str(n)).status_code for n in range(7)]
    assert codes == [200] * 5 + [429, 429]
    assert api(f"TC {dossier_code} 3456", sender="0912000222", id="x").status_code == 200
    assert len(run(replies())) == 6


def test_token_and_bad_input(api, dossier_code, monkeypatch):
    assert api("TC X 1234", token="wrong").status_code == 401
    bad = api("TC X 1234", sender="abc")
    assert bad.status_code == 400 and bad.json()["error"] == "Số điện thoại người gửi không hợp lệ."
    assert api("TC X 1234", channel="fax").status_code == 400
    monkeypatch.setenv("MOTCUA_SMS_INBOUND_TOKEN", "")
    assert api("TC X 1234", token="").status_code == 401  # unset token: webhook closed
    assert run(replies()) == []


def test_zalo_question_is_answered_on_zalo(api, dossier_code):
    api(f"TC {dossier_code} 3456", id="z", channel="zalo")
    assert [r["channel"] for r in run(replies())] == ["zalo"]


def test_reply_is_delivered_by_the_sandbox_worker(api, dossier_code):
    from app.tasks import huey

    huey.immediate = True
    try:
        api(f"TC {dossier_code} 3456", id="gw-9")
    finally:
        huey.immediate = False
    (sent,) = SandboxMessage.select(SandboxMessage.recipient, SandboxMessage.body).run_sync()
    assert sent["recipient"] == "0912000111" and sent["body"].startswith("Ho so ")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3), max_leaves=6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    json_values,
    st.fixed_dictionaries({"sender": st.text(max_size=15), "text": st.text(max_size=60)},
                          optional={"id": json_values, "channel": json_values})))
def test_hostile_bodies_get_a_clear_4xx_never_a_500(api, body):
    response = api.client.post(
        "/api/v1/sms/inbound", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code in (200, 400, 429), response.text
    if response.status_code != 200:
        assert response.json()["error"]  # a Vietnamese sentence, not a stack trace
