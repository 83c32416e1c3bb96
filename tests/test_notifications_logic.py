"""Pure notification rules: SMS text, templates, keys, retry schedule."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.notifications.logic import (
    MAX_DELAY,
    SMS_LIMIT,
    Channel,
    Event,
    default_template,
    gives_up,
    gsm_length,
    idempotency_key,
    is_gsm,
    next_attempt,
    render,
    render_message,
    render_sms,
    to_gsm,
    validate_template,
)
from app.text import strip_diacritics


def test_strip_diacritics_keeps_case():
    assert strip_diacritics("Hồ sơ Đất đai ĐÃ Tiếp Nhận") == "Ho so Dat dai DA Tiep Nhan"


def test_to_gsm_makes_vietnamese_plain():
    assert to_gsm("Ủy ban – “Nhân dân” tỉnh…") == 'Uy ban - "Nhan dan" tinh...'
    assert to_gsm("é ü 漢") == "e u ?"


def test_extended_characters_cost_two():
    assert gsm_length("a[b]") == 6
    assert is_gsm("Ho so [01]") and not is_gsm("Hồ sơ")


def test_received_sms_default_fits_and_has_no_diacritics():
    body = render_sms(default_template(Event.RECEIVED, Channel.SMS).body, {
        "code": "000.00.17.H55-261203-0001", "due_date": "17/12/2026",
        "lookup_url": "https://dichvucong.quangngai.gov.vn/tra-cuu"})
    assert body == ("Ho so 000.00.17.H55-261203-0001 da duoc tiep nhan. Hen tra ket qua "
                    "17/12/2026. Tra cuu: https://dichvucong.quangngai.gov.vn/tra-cuu")
    assert gsm_length(body) <= SMS_LIMIT


def test_long_reason_is_shortened_code_kept():
    body = render_sms(default_template(Event.SUPPLEMENT_REQUESTED, Channel.SMS).body, {
        "code": "000.00.17.H55-261203-0001", "reason": "Bản sao giấy tờ đất đai " * 20})
    assert gsm_length(body) == SMS_LIMIT
    assert "000.00.17.H55-261203-0001" in body and "..." in body
    assert body.endswith("de tiep tuc giai quyet.")


@given(st.dictionaries(st.sampled_from(["code", "reason", "procedure", "name", "due_date"]),
                       st.text(max_size=400)), st.sampled_from(list(Event)))
def test_every_sms_fits_one_gsm_message(values, event):
    body = render_sms(default_template(event, Channel.SMS).body, values)
    assert is_gsm(body) and gsm_length(body) <= SMS_LIMIT
    assert strip_diacritics(body) == body


def test_email_keeps_diacritics_and_subject():
    text = render_message(default_template(Event.REFUSED, Channel.EMAIL), Channel.EMAIL,
                          {"code": "X-1", "name": "Nguyễn Văn An", "reason": "Sai thẩm quyền"})
    assert text.subject == "Hồ sơ X-1 không được giải quyết"
    assert "Lý do: Sai thẩm quyền" in text.body and "Kính gửi Nguyễn Văn An" in text.body


def test_render_missing_value_is_empty():
    assert render("Ho so {code}: {reason}", {"code": "A"}) == "Ho so A: "


def test_validate_template_refuses_unknown_placeholder_and_diacritics():
    assert validate_template(Channel.SMS, "Ho so {code} xong") == []
    assert validate_template(Channel.SMS, "Ho so {ma} xong") == [
        "Nội dung có trường không được hỗ trợ: {ma}."]
    assert validate_template(Channel.SMS, "Hồ sơ {code}") == [
        "Tin nhắn SMS phải viết không dấu (chỉ dùng ký tự GSM)."]
    assert "tối đa 140 ký tự" in validate_template(Channel.SMS, "x" * 150)[0]
    assert validate_template(Channel.EMAIL, "Hồ sơ {code", "") == [
        "Nội dung có dấu ngoặc { } không đúng cách."]
    assert validate_template(Channel.EMAIL, "  ") == ["Nội dung không được để trống."]
    assert validate_template(Channel.EMAIL, "Hồ sơ {code}", "{bad}") == [
        "Tiêu đề có trường không được hỗ trợ: {bad}."]


def test_idempotency_key_depends_on_every_part():
    base = ("dossier:1", Event.RECEIVED, "", "0905123456", Channel.SMS)
    keys = {idempotency_key(*base),
            idempotency_key("dossier:2", *base[1:]),
            idempotency_key(base[0], Event.REFUSED, *base[2:]),
            idempotency_key(*base[:2], "7", *base[3:]),
            idempotency_key(*base[:3], "0905123457", base[4]),
            idempotency_key(*base[:4], Channel.ZALO)}
    assert len(keys) == 6
    assert idempotency_key(*base) == idempotency_key(*base)


def test_backoff_doubles_and_caps():
    now = datetime(2026, 12, 3, tzinfo=UTC)
    delays = [next_attempt(now, n) - now for n in range(1, 12)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == MAX_DELAY and all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert not gives_up(19) and gives_up(20)
