"""The pure rules of digital signatures: what each validator finding means to an officer,
the person and time checks, the stamp's text, when a dossier entered its step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.signatures.logic import (
    CLOCK_SKEW,
    INVALID,
    REASONS,
    Problem,
    SignatureFacts,
    certificate_problem,
    integrity_problem,
    local_stamp_time,
    message,
    refusal,
    stamp_text,
    step_entered_at,
)

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
STEP = NOW - timedelta(hours=2)
MINE = "ab" * 32
GOOD = SignatureFacts(readable=True, signed=True, intact=True, whole_file=True, trusted=True,
                      signer_fingerprint=MINE, signer_name="Đinh Văn Tâm",
                      signed_at=NOW - timedelta(minutes=30))


def judge(facts: SignatureFacts = GOOD, **overrides) -> str | None:
    args = {"signer_fingerprints": {MINE}, "reached_step_at": STEP, "now": NOW} | overrides
    return refusal(facts, **args)


def with_(**changes) -> SignatureFacts:
    return SignatureFacts(**{**GOOD.__dict__, **changes})


def test_a_good_signature_passes():
    assert judge() is None
    assert judge(signer_fingerprints={MINE.upper()}) is None  # hex case does not matter


@pytest.mark.parametrize(("facts", "expected"), [
    (SignatureFacts(readable=False), "Tệp chưa được ký số hợp lệ: tệp không phải PDF đọc được."),
    (SignatureFacts(readable=True), "Tệp chưa được ký số hợp lệ: tệp chưa ký (không có chữ ký "
                                    "số nào trong tệp)."),
    (with_(intact=False), "Tệp chưa được ký số hợp lệ: tệp bị sửa sau khi ký (nội dung không "
                          "còn khớp với chữ ký)."),
    (with_(whole_file=False), "Tệp chưa được ký số hợp lệ: tệp bị sửa sau khi ký (có nội dung "
                              "được thêm vào sau chữ ký)."),
    (with_(trusted=False), "Tệp chưa được ký số hợp lệ: chứng thư số không do tổ chức tin cậy "
                           "cấp."),
])
def test_each_validator_finding_has_its_own_sentence(facts, expected):
    assert judge(facts) == expected


def test_checks_come_in_the_order_an_auditor_asks():
    # A broken file signed by a stranger is first of all broken.
    assert integrity_problem(with_(intact=False, trusted=False)) == Problem.BROKEN
    assert "bị sửa" in judge(with_(whole_file=False), signer_fingerprints=set())
    assert "tin cậy" in judge(with_(trusted=False), signer_fingerprints=set())


def test_the_wrong_person_is_named():
    assert judge(signer_fingerprints={"cd" * 32}) == (
        "Tệp chưa được ký số hợp lệ: không phải chữ ký của người ký bước này "
        "(tệp do Đinh Văn Tâm ký).")


def test_signed_before_the_step_or_in_the_future_is_refused():
    early = with_(signed_at=STEP - timedelta(seconds=1))
    assert judge(early) == ("Tệp chưa được ký số hợp lệ: ký trước khi hồ sơ đến bước ký (ký lúc "
                            "05/12/2026 07:59, hồ sơ đến bước lúc 05/12/2026 08:00).")
    assert judge(with_(signed_at=STEP)) is None
    # Signing times are written to the second: the same second as the step's start is after.
    assert judge(with_(signed_at=STEP), reached_step_at=STEP + timedelta(microseconds=9)) is None
    assert judge(early, reached_step_at=None) is None  # unknown entry: not checked
    assert "không ghi thời điểm ký" in judge(with_(signed_at=None))
    assert judge(with_(signed_at=NOW + CLOCK_SKEW)) is None  # a slow clock is forgiven
    assert "ở tương lai" in judge(with_(signed_at=NOW + CLOCK_SKEW + timedelta(seconds=1)))


def test_a_signed_file_of_another_text_is_refused():
    assert judge(is_the_draft=False) == (
        "Tệp chưa được ký số hợp lệ: tệp đã ký không phải dự thảo kết quả đã trình duyệt.")


def test_every_message_starts_the_same_way_and_ends_with_a_full_stop():
    for problem in Problem:
        assert message(problem).startswith(INVALID) and message(problem).endswith(".")
        assert message(problem, "chi tiết").endswith(" (chi tiết).")
    assert set(REASONS) == set(Problem)


def test_stamp_shows_signer_agency_and_local_time():
    assert stamp_text("Đinh Văn Tâm", "Sở Tư pháp", NOW) == (
        "Ký bởi: Đinh Văn Tâm\nCơ quan: Sở Tư pháp\nThời gian ký: 05/12/2026 10:00")
    assert stamp_text("Ban", "", NOW).splitlines() == ["Ký bởi: Ban",
                                                       "Thời gian ký: 05/12/2026 10:00"]
    # Just before midnight UTC is the next morning in Vietnam.
    assert local_stamp_time(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01/01/2027 06:30"


def test_a_certificate_signs_only_within_its_validity():
    start, end = NOW - timedelta(days=1), NOW + timedelta(days=1)
    assert certificate_problem(start, end, NOW) is None
    assert certificate_problem(start, end, end + timedelta(seconds=1)) == (
        "Chứng thư số đã hết hạn ngày 06/12/2026 10:00.")
    assert "chưa có hiệu lực" in certificate_problem(NOW + timedelta(hours=1), end, NOW)


def test_step_entered_is_the_start_of_the_latest_run_at_that_step():
    t = [NOW + timedelta(minutes=i) for i in range(6)]
    events = [(None, t[0]), (1, t[1]), (2, t[2]), (1, t[3]), (2, t[4]), (2, t[5])]
    assert step_entered_at(events, 2) == t[4]  # returned once: the second arrival counts
    assert step_entered_at(events, 1) is None  # not at step 1 now
    assert step_entered_at([], 1) is None


@given(st.lists(st.integers(1, 4), min_size=1, max_size=30))
def test_step_entered_is_never_after_the_last_event_and_at_the_current_step(steps):
    events = [(s, NOW + timedelta(minutes=i)) for i, s in enumerate(steps)]
    entered = step_entered_at(events, steps[-1])
    assert entered is not None and entered <= events[-1][1]
    index = next(i for i, (_, at) in enumerate(events) if at == entered)
    assert all(s == steps[-1] for s, _ in events[index:])
    assert index == 0 or events[index - 1][0] != steps[-1]
