"""Real providers against local servers: an HTTP gateway that fails, times out and
recovers, Zalo ZNS error codes, and a real SMTP server (aiosmtpd). Nothing is lost."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from app.formatting import now_utc
from app.notifications.api import Event, notify_contact
from app.notifications.service import claim, deliver_pending
from app.notifications.tables import OutboxMessage
from tests.conftest import run
from tests.notify_servers import Mailbox, ScriptedGateway


@pytest.fixture
def gateway(monkeypatch):
    with ScriptedGateway() as server:
        monkeypatch.setenv("MOTCUA_NOTIFY_SANDBOX", "0")
        monkeypatch.setenv("MOTCUA_SMS_URL", server.url)
        monkeypatch.setenv("MOTCUA_SMS_TOKEN", "sms-secret")
        monkeypatch.setenv("MOTCUA_ZALO_URL", server.url)
        monkeypatch.setenv("MOTCUA_ZALO_TOKEN", "zalo-secret")
        monkeypatch.setenv("MOTCUA_ZALO_TEMPLATE_ID", "321")
        monkeypatch.setenv("MOTCUA_NOTIFY_HTTP_TIMEOUT", "0.3")
        yield server


@pytest.fixture
def mailbox(monkeypatch):
    handler = Mailbox()
    with socket.socket() as probe:  # aiosmtpd's start-up check cannot use port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("MOTCUA_NOTIFY_SANDBOX", "0")
    monkeypatch.setenv("MOTCUA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MOTCUA_SMTP_PORT", str(port))
    monkeypatch.setenv("MOTCUA_SMTP_FROM", "motcua@quangngai.gov.vn")
    yield handler
    controller.stop()


async def rows():
    return await OutboxMessage.select(
        OutboxMessage.channel, OutboxMessage.status, OutboxMessage.attempts,
        OutboxMessage.last_error, OutboxMessage.next_attempt_at, OutboxMessage.provider_ref,
    ).order_by(OutboxMessage.id)


def test_sms_outage_timeout_then_recovery_loses_nothing(db, gateway):
    gateway.script.extend([("status", 503), ("sleep", 0.6)])
    start = now_utc() + timedelta(seconds=1)  # just after the message is queued

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0905123456", values={"link": "L"})
        seen = [await deliver_pending(start), (await rows())[0]]
        seen += [await deliver_pending(start + timedelta(seconds=10)), None]  # not due yet
        seen += [await deliver_pending(start + timedelta(seconds=31)), (await rows())[0]]
        seen += [await deliver_pending(start + timedelta(minutes=5)), (await rows())[0]]
        return seen

    first, after_503, early, _, second, after_timeout, third, final = run(scenario())
    assert first["temporary_failure"] == 1 and after_503["status"] == "temporary_failure"
    assert after_503["last_error"] == "Nhà cung cấp SMS tạm thời lỗi (mã 503)."
    assert after_503["next_attempt_at"] == start + timedelta(seconds=30)
    assert early == {"delivered": 0, "temporary_failure": 0, "permanent_failure": 0}
    assert second["temporary_failure"] == 1
    assert after_timeout["last_error"] == "Nhà cung cấp SMS không trả lời trong 0.3 giây."
    assert third["delivered"] == 1
    assert (final["status"], final["attempts"], final["provider_ref"]) == ("delivered", 3, "gw-3")
    # Every attempt carried the same reference, so the gateway can drop a duplicate.
    assert len({r["json"]["reference"] for r in gateway.requests}) == 1
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer sms-secret"
    assert gateway.requests[0]["json"]["to"] == "0905123456"


def test_sms_refusal_is_permanent_with_reason(db, gateway):
    gateway.script.append(("status", 400))

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0905123456", values={"link": "L"})
        await deliver_pending()
        return await rows()

    assert [(r["status"], r["last_error"]) for r in run(scenario())] == [
        ("permanent_failure", "Nhà cung cấp SMS từ chối tin nhắn (mã 400).")]


def test_sms_accepted_without_an_id_object_is_still_delivered(db, gateway):
    # A gateway that answers 2xx with a bare JSON list accepted the message all the same.
    gateway.script.append(("ok", ["queued"]))

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0905123456", values={"link": "L"})
        await deliver_pending()
        return await rows()

    assert [(r["status"], r["provider_ref"]) for r in run(scenario())] == [("delivered", "")]


def test_gateway_down_entirely_is_temporary(db, gateway, monkeypatch):
    monkeypatch.setenv("MOTCUA_SMS_URL", "http://127.0.0.1:9/send")  # discard port: refused

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0905123456", values={"link": "L"})
        await deliver_pending()
        return await rows()

    assert [(r["status"], r["last_error"]) for r in run(scenario())] == [
        ("temporary_failure", "Không kết nối được tới Nhà cung cấp SMS.")]


def test_message_stuck_in_sending_is_reclaimed_once(db, gateway):
    start = now_utc() + timedelta(seconds=1)  # just after the message is queued

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0905123456", values={"link": "L"})
        claimed = await claim(start, 10, timedelta(minutes=10))  # a worker that then died
        soon = await deliver_pending(start + timedelta(minutes=5))
        later = await deliver_pending(start + timedelta(minutes=11))
        return len(claimed), soon, later, await rows()

    claimed, soon, later, final = run(scenario())
    assert claimed == 1 and soon["delivered"] == 0 and later["delivered"] == 1
    assert [(r["status"], r["attempts"]) for r in final] == [("delivered", 2)]
    assert len(gateway.requests) == 1


def test_zalo_codes(db, gateway, monkeypatch):
    monkeypatch.setenv("MOTCUA_NOTIFY_PHONE_CHANNELS", "zalo")
    gateway.script.extend([("ok", {"error": -124, "message": "Invalid token"}),
                           ("ok", {"error": -118, "message": "User not existed"}),
                           ("ok", {"error": 0, "data": {"msg_id": "z-1"}})])

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, phone="0905123456", values={"link": "L"})
        await notify_contact(Event.SET_PASSWORD, phone="0905000111", values={"link": "L"})
        await deliver_pending()
        await deliver_pending(now_utc() + timedelta(minutes=1))
        return await rows()

    final = run(scenario())
    assert [(r["channel"], r["status"], r["provider_ref"]) for r in final] == [
        ("zalo", "delivered", "z-1"), ("zalo", "permanent_failure", "")]
    assert final[1]["last_error"] == "Số điện thoại chưa dùng Zalo hoặc tài khoản Zalo đã bị khóa."
    first = gateway.requests[0]
    assert first["headers"]["access_token"] == "zalo-secret"
    assert first["json"]["phone"] == "84905123456" and first["json"]["template_id"] == "321"
    assert "Dat mat khau" not in first["json"]["template_data"]["noi_dung"]  # full Vietnamese


def test_email_through_real_smtp_server(db, mailbox):
    async def scenario():
        await notify_contact(Event.FEEDBACK_ANSWERED, email="an@example.vn",
                             values={"code": "PA-0001", "link": "http://x/phan-anh/1"})
        await notify_contact(Event.FEEDBACK_ANSWERED, email="ai@refused.test",
                             values={"code": "PA-0002", "link": "http://x/phan-anh/2"})
        await deliver_pending()
        return await rows()

    final = run(scenario())
    assert [(r["status"], r["last_error"]) for r in final] == [
        ("delivered", ""),
        ("permanent_failure", "Hộp thư người nhận không tồn tại hoặc từ chối (mã 550).")]
    (envelope,) = mailbox.messages
    mail = message_from_bytes(envelope.original_content, policy=default)
    assert envelope.rcpt_tos == ["an@example.vn"]
    assert mail["Subject"] == "Phản ánh PA-0001 đã được trả lời"
    assert "http://x/phan-anh/1" in mail.get_content()


def test_smtp_server_down_is_temporary(db, monkeypatch):
    monkeypatch.setenv("MOTCUA_NOTIFY_SANDBOX", "0")
    monkeypatch.setenv("MOTCUA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MOTCUA_SMTP_PORT", "9")

    async def scenario():
        await notify_contact(Event.SET_PASSWORD, email="an@example.vn", values={"link": "L"})
        await deliver_pending()
        return await rows()

    assert [(r["status"], r["last_error"]) for r in run(scenario())] == [
        ("temporary_failure", "Không kết nối được tới máy chủ thư.")]
