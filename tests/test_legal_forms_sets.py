"""Dated form sets: the set in force on the reception day decides numbers and titles."""

import json
from datetime import UTC, date, datetime

import pytest

from app.legal_forms.sets import (
    DATA_FILE,
    FormKind,
    available_forms,
    configured_sets,
    parse_form_sets,
    set_for_dossier,
    set_in_force,
)


def test_configured_sets_are_the_2018_and_2025_circulars():
    assert [s.code for s in configured_sets()] == ["TT01-2018", "TT03-2025"]


@pytest.mark.parametrize(("day", "code"), [
    (date(2015, 1, 1), "TT01-2018"),   # before any set: the oldest, never nothing
    (date(2020, 6, 15), "TT01-2018"),
    (date(2025, 6, 30), "TT01-2018"),
    (date(2025, 7, 1), "TT03-2025"),
    (date(2026, 12, 3), "TT03-2025"),
])
def test_set_in_force_by_day(day, code):
    assert set_in_force(day).code == code


def test_reception_day_is_local_time():
    # 17:30 UTC on 30/6/2025 is 00:30 on 1/7/2025 in Vietnam: the new set.
    received = datetime(2025, 6, 30, 17, 30, tzinfo=UTC)
    assert set_for_dossier(received, received).code == "TT03-2025"
    earlier = datetime(2025, 6, 30, 16, 59, tzinfo=UTC)
    assert set_for_dossier(earlier, earlier).code == "TT01-2018"


def test_never_received_dossier_uses_its_creation_day():
    created = datetime(2024, 3, 1, 3, 0, tzinfo=UTC)
    assert set_for_dossier(None, created).code == "TT01-2018"


def test_numbers_and_titles_differ_between_sets():
    old, new = configured_sets()
    assert old.spec(FormKind.APOLOGY).title == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert new.spec(FormKind.APOLOGY).title.startswith("Phiếu xin lỗi và đề nghị gia hạn")
    assert old.spec(FormKind.CONTROL_SHEET).number == "05"
    assert new.spec(FormKind.CONTROL_SHEET).number == "06"
    assert (old.spec(FormKind.TRACKING_BOOK).number, new.spec(FormKind.TRACKING_BOOK).number) \
        == ("06", "07")
    assert old.spec(FormKind.STOP_NOTICE) is None
    assert new.spec(FormKind.STOP_NOTICE).title == "Thông báo về việc dừng giải quyết hồ sơ"


def test_a_form_is_offered_only_after_its_event():
    old, new = configured_sets()
    assert available_forms(new, set()) == []
    kinds = [s.kind for s in available_forms(new, {"accepted", "stopped"})]
    assert kinds == [FormKind.RECEIPT, FormKind.STOP_NOTICE, FormKind.CONTROL_SHEET]
    # The 2018 set has no notice of stopping, so a stopped 2018 dossier is not offered one.
    assert FormKind.STOP_NOTICE not in [s.kind for s in available_forms(old, {"stopped"})]
    assert [s.kind for s in available_forms(new, {"reception_refused"})] == [FormKind.REFUSAL]


def test_malformed_configuration_is_refused():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["form_sets"][1]["effective_from"] = data["form_sets"][0]["effective_from"]
    with pytest.raises(ValueError, match="same day"):
        parse_form_sets(data)
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["form_sets"][0]["forms"]["receipt"]["layout"] = ""
    with pytest.raises(ValueError, match="layout"):
        parse_form_sets(data)
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["form_sets"][0]["forms"]["nonsense"] = {"number": "9", "title": "x", "layout": "x"}
    with pytest.raises(ValueError, match="nonsense"):
        parse_form_sets(data)
    with pytest.raises(ValueError, match="no form set"):
        parse_form_sets({"form_sets": []})
