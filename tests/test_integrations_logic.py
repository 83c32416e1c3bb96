"""Pure rules of the integrations: redaction, the circuit breaker, backoff, which outbox
rows may go (order per subject), the portal's payload checks and the reading of answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.integrations.dvcqg.payload import judge, problems
from app.integrations.logic import Breaker, Delivery, backoff, deliverable
from app.integrations.redact import MASK, redact_body, redact_url

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


def test_secrets_are_masked_at_any_depth_and_numbers_shortened():
    text = redact_body({"client_secret": "s3cret-value", "nested": [{"id_token": "eyJ"}],
                        "ChuHoSo": {"SoDinhDanh": "051185003344", "SoDienThoai": "0905123456"},
                        "note": "goi 0905123456"})
    assert "s3cret-value" not in text and "eyJ" not in text and text.count(f'"{MASK}"') == 2
    assert "051185003344" not in text and "*********344" in text
    assert "0905123456" not in text and "*******456" in text
    form = redact_body(b"grant_type=authorization_code&code=abc&code_verifier=xyz")
    assert "abc" not in form and "xyz" not in form and "authorization_code" in form
    assert redact_body("Bearer tok-123456", secrets=("tok-123456",)) == f"Bearer {MASK}"
    assert redact_url("https://p.vn/cb?code=abc&state=x") == "https://p.vn/cb"


@given(st.text(max_size=200), st.text(alphabet="abcdef0123456789", min_size=8, max_size=20))
def test_a_named_secret_never_survives(prefix, secret):
    assert secret not in redact_body(prefix + secret + prefix, secrets=(secret,))


def test_breaker_opens_after_failures_lets_one_trial_through_and_closes_on_success():
    breaker = Breaker(threshold=3, cool_off=30)
    for t in range(3):
        assert breaker.allow(t)
        breaker.failed(t)
    assert breaker.is_open and not breaker.allow(10) and breaker.seconds_left(10) == 22
    assert breaker.allow(33) and not breaker.allow(33.5)  # one trial at a time
    breaker.failed(34)
    assert not breaker.allow(40)  # the trial failed: open again from 34
    assert breaker.allow(64)
    breaker.succeeded()
    assert not breaker.is_open and breaker.allow(65)


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(30).total_seconds() == 3600


def _row(i, subject, version, status="pending", due=NOW, claimed=None):
    return {"id": i, "subject": subject, "version": version, "status": status,
            "next_attempt_at": due, "claimed_at": claimed}


def test_only_the_lowest_undelivered_version_of_each_subject_goes():
    rows = [_row(1, "a", 1), _row(2, "a", 2), _row(3, "b", 2, "failed"), _row(4, "b", 3),
            _row(5, "c", 1, "sending", claimed=NOW), _row(6, "c", 2),
            _row(7, "d", 1, due=NOW + timedelta(seconds=5)),
            _row(8, "e", 4, "sending", claimed=NOW - timedelta(hours=1))]
    ready = deliverable(rows, NOW, timedelta(minutes=5), limit=10)
    assert [r["id"] for r in ready] == [1, 8]  # b waits on a failure, c on a send, d on time


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 5),
                          st.sampled_from([Delivery.PENDING.value, Delivery.FAILED.value])),
                max_size=30, unique_by=lambda t: (t[0], t[1])))
def test_never_two_versions_of_a_subject_nor_one_above_an_undelivered_lower(entries):
    rows = [_row(i, s, v, st_) for i, (s, v, st_) in enumerate(entries)]
    ready = deliverable(rows, NOW, timedelta(minutes=5), limit=100)
    subjects = [r["subject"] for r in ready]
    assert len(subjects) == len(set(subjects))
    for row in ready:
        assert row["version"] == min(r["version"] for r in rows if r["subject"] == row["subject"])


def test_payload_problems_are_named():
    assert problems({"MaHoSo": "X", "MaTTHC": "1.1", "MaCoQuan": "G", "KenhThucHien": 2,
                     "TrangThaiHoSo": 4}) == []
    found = problems({"MaHoSo": "X", "KenhThucHien": 5, "TrangThaiHoSo": 0})
    assert "Thiếu mã thủ tục." in found and "Thiếu mã cơ quan." in found and len(found) == 4


def test_only_the_acknowledgement_of_what_was_sent_counts():
    payload = {"MaHoSo": "A-1"}
    assert judge(payload, 3, 200, {"MaHoSo": "A-1", "PhienBan": 3}).status == "delivered"
    late = judge(payload, 3, 200, {"MaHoSo": "A-1", "PhienBan": 2})
    assert late.temporary and "không khớp" in late.reason
    assert judge(payload, 3, 503, None).temporary and judge(payload, 3, 409, {}).temporary
    refused = judge(payload, 3, 422, {"ThongBao": "Sai mã thủ tục"})
    assert refused.status == "failed" and "Sai mã thủ tục" in refused.reason
