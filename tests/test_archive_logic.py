"""The archive's pure rules: codes, retention and expiry, disposal eligibility, hand-over
periods, scope, and the TT 02/2019 description (numbering, checksums, stable bytes)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.roles import Role
from app.archive import logic, metadata
from app.archive.documents import Piece
from app.archive.logic import Conversion, Retention, Usage
from app.dossiers.logic import Status


def test_only_final_statuses_close_a_dossier():
    assert {Status.NOT_RECEIVED, Status.STOPPED, Status.RETURNED} == logic.CLOSED_STATUSES
    assert Status.PROCESSED not in logic.CLOSED_STATUSES  # the result is not back yet


def test_file_code_is_agency_year_and_dossier_code_and_safe_as_a_folder_name():
    assert logic.file_code("000.00.17.H55", 2026, "000.00.17.H55-260213-0007") == (
        "000.00.17.H55.2026.000.00.17.H55-260213-0007")
    assert logic.file_code("A/B", 2026, "X Y") == "A-B.2026.X-Y"
    assert logic.document_identifier("C", 7) == "C.007"


@given(st.text(max_size=80))
def test_document_names_are_plain_ascii_whatever_the_title(title):
    name = logic.document_filename(3, title)
    assert name.startswith("003-") and name.endswith(".pdf")
    assert name.isascii() and "/" not in name and ".." not in name


def test_vietnamese_titles_fold_to_readable_file_names():
    assert logic.document_filename(1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả") == (
        "001-giay-tiep-nhan-ho-so-va-hen-tra-ket-qua.pdf")
    assert logic.document_filename(12, "Đơn", "json") == "012-don.json"


def test_procedure_rule_beats_field_rule_beats_default():
    own = {"years": None, "usage": "public"}
    field = {"years": 20, "usage": "restricted"}
    assert logic.resolve_retention(own, field) == Retention(None, Usage.PUBLIC, "procedure")
    assert logic.resolve_retention(None, field) == Retention(20, Usage.RESTRICTED, "field")
    assert logic.resolve_retention(None, None) == logic.DEFAULT_RETENTION
    assert Retention(None, Usage.PUBLIC, "x").label == "Vĩnh viễn"
    assert logic.DEFAULT_RETENTION.label == "10 năm"


def test_retention_counts_whole_years_from_the_next_first_of_january():
    assert logic.expires_on(2026, 10) == date(2037, 1, 1)
    assert logic.expires_on(2026, 1) == date(2028, 1, 1)
    assert logic.expires_on(2026, None) is None


def _file(status="built", expires=date(2030, 1, 1)):
    return {"status": status, "expires_on": expires}


@pytest.mark.parametrize("file, today, held, expected", [
    (_file(), date(2030, 1, 1), False, True),  # the first day past retention
    (_file(), date(2029, 12, 31), False, False),
    (_file(), date(2031, 1, 1), True, False),  # held: never
    (_file(expires=None), date(2999, 1, 1), False, False),  # permanent
    (_file(status="pending"), date(2031, 1, 1), False, False),
    (_file(status="disposed"), date(2031, 1, 1), False, False),
])
def test_disposal_eligibility(file, today, held, expected):
    assert logic.eligible_for_disposal(file, today, held=held) is expected


def test_hand_over_period_is_a_year_or_a_checked_range():
    assert logic.hand_over_period("2026", None, None) == (date(2026, 1, 1), date(2026, 12, 31))
    assert logic.hand_over_period("", date(2026, 3, 1), date(2026, 3, 31)) == (
        date(2026, 3, 1), date(2026, 3, 31))
    for year, start, end, message in (
            ("26", None, None, "4 chữ số"), ("1999", None, None, "4 chữ số"),
            ("", None, date(2026, 1, 1), "nhập đủ"),
            ("", date(2026, 2, 1), date(2026, 1, 1), "từ ngày bắt đầu trở đi"),
            ("", date(2020, 1, 1), date(2026, 1, 1), "tối đa 5 năm")):
        with pytest.raises(logic.PeriodError, match=message):
            logic.hand_over_period(year, start, end)


def test_scope_is_the_users_agencies_except_for_province_wide_roles():
    assert logic.in_scope(Role.ARCHIVIST, (3,), 3)
    assert not logic.in_scope(Role.ARCHIVIST, (3,), 4)
    assert logic.in_scope(Role.AUDITOR, (), 4) and logic.in_scope(Role.PROVINCIAL_ADMIN, (), 4)
    assert {Role.ARCHIVIST} == logic.RECEIVERS and {Role.PROVINCIAL_ADMIN} == logic.DECIDERS


def _piece(name, data, **extra):
    return Piece(source="form", name=name, data=data, conversion=Conversion.RENDERED, pages=2,
                 doc_date=date(2026, 3, 2), doc_type="Phiếu", summary=name, **extra)


def test_documents_are_numbered_in_order_with_their_checksums():
    pieces = [_piece("Phiếu một", b"one"), _piece("Báo cáo", b"{}", extension="json")]
    described = metadata.describe_documents("F", pieces)
    assert [d["identifier"] for d in described] == ["F.001", "F.002"]
    assert described[0]["sha256"] == hashlib.sha256(b"one").hexdigest()
    assert described[1]["filename"] == "002-bao-cao.json" and described[0]["date"] == "2026-03-02"
    assert set(metadata.DOCUMENT_FIELDS) <= set(described[0]) | {"date", "type"}


def test_manifest_counts_documents_and_pages_and_its_bytes_are_stable():
    facts = metadata.FileFacts(
        code="F", title="Hồ sơ", retention=Retention(None, Usage.RESTRICTED, "field"),
        start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 9, tzinfo=UTC),
        keywords="k", notes="n", agency_name="Sở", dossier_code="D")
    documents = metadata.describe_documents("F", [_piece("a", b"a"), _piece("b", b"b")])
    made = metadata.manifest(facts, documents, datetime(2026, 3, 9, tzinfo=UTC))
    file = made["file"]
    assert (file["document_count"], file["page_count"]) == (2, 4)
    assert (file["retention"], file["usage"]) == ("Vĩnh viễn", "Hạn chế sử dụng")
    assert set(metadata.FILE_FIELDS) <= set(file)
    text = metadata.manifest_bytes(made)
    assert text == metadata.manifest_bytes(json.loads(text))  # key order does not matter
    assert "Hạn chế sử dụng" in text.decode()  # readable Vietnamese, not \\u escapes


def test_agency_admins_may_give_their_staff_the_archivist_role():
    from app.accounts import logic as accounts

    assert Role.ARCHIVIST in accounts.grantable_roles(Role.AGENCY_ADMIN)
    assert Role.ARCHIVIST.is_staff and not Role.ARCHIVIST.sees_whole_province
