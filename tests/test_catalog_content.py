"""Pure rules of the catalogue back office: a procedure's content (JSON both ways, what the
public page lacks), the draft editor's form, versions and decisions. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.accounts.roles import Role
from app.catalog import versions
from app.catalog.content import (
    Component,
    LegalBasis,
    ProcedureContent,
    missing_parts,
    publish_problems,
)
from app.catalog.editor import (
    content_from_form,
    form_values,
    parse_amount,
    parse_money,
    rows_to_show,
)
from app.catalog.versions import Change, ScheduledVersion, VersionStatus

FULL = ProcedureContent(
    code="1.000001", name="Đăng ký khai sinh", field_id=1, agency_id=2, level="xa",
    subjects="Công dân", steps_text="Bước 1: Nộp.", methods=("in_person", "online"),
    components=(Component("Tờ khai", form_name="TK", form_sha256="a" * 64,
                          form_filename="tk.pdf", component_id=7),),
    time_limit_amount=Decimal("0.5"), time_limit_unit="working_days", fee_amount=8000,
    fee_text="8.000 đồng", result_text="Giấy khai sinh", online_level="full",
    legal_bases=(LegalBasis("Luật Hộ tịch", date(2016, 1, 1)), LegalBasis("Nghị định 123")))

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
contents = st.builds(
    ProcedureContent, code=texts, name=texts, field_id=st.none() | st.integers(1, 99),
    agency_id=st.none() | st.integers(1, 99), subjects=texts, steps_text=texts,
    methods=st.lists(st.sampled_from(["in_person", "online", "post"]), unique=True).map(tuple),
    components=st.lists(st.builds(Component, name=texts, quantity=st.integers(1, 9),
                                  required=st.booleans(), form_name=texts), max_size=4
                        ).map(tuple),
    time_limit_amount=st.decimals(0, 999, places=2), fee_amount=st.integers(0, 10**9),
    legal_bases=st.lists(st.builds(LegalBasis, title=texts,
                                   effective_from=st.none() | st.dates()), max_size=3
                         ).map(tuple),
    online_payment=st.booleans())


@settings(max_examples=60, deadline=None)
@given(contents)
def test_content_survives_json_both_ways(content):
    assert ProcedureContent.from_json(content.to_json()).public_key() == content.public_key()


def test_the_public_key_ignores_row_identity_but_not_what_readers_see():
    same = ProcedureContent.from_json(FULL.to_json())
    moved = FULL.__class__(**{**FULL.__dict__, "components": (
        Component("Tờ khai", form_name="TK", form_sha256="a" * 64, component_id=99),)})
    assert moved.public_key() == same.public_key()
    longer = FULL.__class__(**{**FULL.__dict__, "time_limit_amount": Decimal("0.50")})
    assert longer.public_key() == FULL.public_key()  # 0,5 and 0,50 are the same limit
    other = FULL.__class__(**{**FULL.__dict__, "fee_amount": 9000})
    assert other.public_key() != FULL.public_key()
    assert FULL.newest_basis_from == date(2016, 1, 1)


def test_missing_parts_and_publish_problems():
    assert missing_parts(FULL) == []
    empty = ProcedureContent()
    assert missing_parts(empty) == [
        "Tên thủ tục", "Trình tự thực hiện", "Cách thức thực hiện",
        "Thành phần, số lượng hồ sơ", "Thời hạn giải quyết", "Đối tượng thực hiện",
        "Cơ quan thực hiện", "Kết quả thực hiện", "Căn cứ pháp lý"]
    assert publish_problems(FULL) == {}
    problems = publish_problems(empty)
    assert {"code", "name", "field_id", "agency_id", "time_limit_amount", "content"} <= set(
        problems)
    assert "content" not in publish_problems(empty, complete=False)
    offline = FULL.__class__(**{**FULL.__dict__, "methods": ("in_person",)})
    assert "trực tuyến" in publish_problems(offline)["methods"]


def test_numbers_as_officers_type_them():
    assert parse_amount("0,5") == Decimal("0.5") and parse_amount("12") == 12
    assert parse_amount("-1") is None and parse_amount("năm") is None
    assert parse_money("50.000") == 50000 and parse_money("50 000 đ") == 50000
    assert parse_money("") == 0 and parse_money("-5") is None and parse_money("abc") is None


def test_the_editor_form_round_trips_and_keeps_form_files():
    values = form_values(FULL)
    again, errors = content_from_form(values, FULL)
    assert errors == {} and again.public_key() == FULL.public_key()
    assert again.components[0].component_id == 7
    # Rows moved: the component drawn from row 1 keeps its file wherever it now is.
    moved = {**values, "comp_1_name": "Giấy mới", "comp_1_ref": "",
             "comp_2_name": "Tờ khai", "comp_2_ref": "1", "comp_2_quantity": "1"}
    content, _ = content_from_form(moved, FULL)
    assert [c.form_sha256 for c in content.components] == ["", "a" * 64]
    assert rows_to_show(values, "comp", "name") == 1 + 3


def test_the_editor_reports_what_it_cannot_read():
    _, errors = content_from_form({"time_limit_amount": "năm ngày", "fee_amount": "-1",
                                   "comp_1_name": "A", "comp_1_quantity": "0",
                                   "basis_1_title": "Luật", "basis_1_from": "31/02/2026"},
                                  ProcedureContent())
    assert set(errors) == {"time_limit_amount", "fee_amount", "comp_1_quantity",
                           "basis_1_from"}
    draft, errors = content_from_form({"name": "Chưa xong"}, ProcedureContent())
    assert errors == {} and draft.name == "Chưa xong"  # a half-written draft can be saved


def test_decisions_and_versions():
    assert versions.decision_problems("1234/QĐ-UBND", date(2026, 1, 5), date(2026, 1, 5)) == {}
    problems = versions.decision_problems("", None, None)
    assert set(problems) == {"decision_number", "decision_signed_on",
                             "decision_effective_from"}
    assert "trước ngày ký" in versions.decision_problems(
        "1/QĐ", date(2026, 1, 5), date(2026, 1, 4))["decision_effective_from"]
    stored = versions.Decision("1/QĐ", date(2026, 1, 5), date(2026, 1, 5))
    assert versions.same_decision(stored, "1/QĐ", date(2026, 1, 5), date(2026, 1, 5)) is None
    assert versions.same_decision(stored, "1/QĐ", date(2026, 1, 6), date(2026, 1, 6))
    assert versions.change_for(False, False) == Change.ADD
    assert versions.change_for(True, False) == Change.AMEND
    assert versions.change_for(True, True) == Change.ADD  # published again after abolition
    assert versions.change_for(True, False, abolish=True) == Change.ABOLISH
    today = date(2026, 3, 2)
    assert versions.status_on_publish(today, today) == VersionStatus.IN_FORCE
    assert versions.status_on_publish(date(2026, 3, 3), today) == VersionStatus.SCHEDULED
    due = versions.due_in_order([ScheduledVersion(1, 3, date(2026, 3, 1)),
                                 ScheduledVersion(2, 2, date(2026, 2, 1)),
                                 ScheduledVersion(3, 4, date(2026, 3, 3))], today)
    assert [v.id for v in due] == [2, 1]
    assert "chờ hiệu lực" in versions.publish_conflict(Change.AMEND, True, False,
                                                      date(2026, 4, 1))
    assert versions.publish_conflict(Change.ABOLISH, False, False, None)
    assert versions.publish_conflict(Change.ABOLISH, True, True, None) == "Thủ tục đã bị bãi bỏ."
    assert versions.edit_refusal(Role.PROVINCIAL_ADMIN, (), {5}) is None
    assert versions.edit_refusal(Role.AGENCY_ADMIN, (5,), {5, None}) is None
    assert versions.edit_refusal(Role.AGENCY_ADMIN, (5,), {6})
    assert versions.edit_refusal(Role.HANDLER, (5,), {5})
