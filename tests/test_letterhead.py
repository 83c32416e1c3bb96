"""The official letterhead's wording (Nghị định 30/2020): pure rules, on examples."""

from datetime import UTC, datetime

import pytest

from app.documents.letterhead import dateline, header_name, initials, letterhead, place_name

PROVINCE = "Ủy ban nhân dân tỉnh Quảng Ngãi"


@pytest.mark.parametrize("name, parent, shown", [
    ("Sở Tư pháp tỉnh Quảng Ngãi", PROVINCE, "Sở Tư pháp"),
    ("Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi", PROVINCE, "Văn phòng"),
    ("Trung tâm Phục vụ hành chính công tỉnh Quảng Ngãi",
     "Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi", "Trung tâm Phục vụ hành chính công"),
    ("Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ngãi", PROVINCE,
     "Sở Lao động - Thương binh và Xã hội"),
    ("Sở Lao động - Thương binh và Xã hội", PROVINCE, "Sở Lao động - Thương binh và Xã hội"),
    ("Sở Y tế tỉnh Kon Tum", PROVINCE, "Sở Y tế tỉnh Kon Tum"),  # another province: kept
    ("Công an tỉnh Quảng Ngãi", None, "Công an tỉnh Quảng Ngãi"),
])
def test_header_name_drops_what_the_parent_line_says(name, parent, shown):
    assert header_name(name, parent) == shown


def test_letterhead_lines():
    head = letterhead("Sở Tư pháp tỉnh Quảng Ngãi", PROVINCE, "Tỉnh Quảng Ngãi", "Tỉnh",
                      "Quảng Ngãi")
    assert head.parent_line == "UBND TỈNH QUẢNG NGÃI"
    assert head.agency_lines == ("SỞ TƯ PHÁP",) and head.symbol == "STP"
    assert head.place == "Quảng Ngãi"
    commune = letterhead("Ủy ban nhân dân xã Đăk Tô", None, "Xã Đăk Tô", "Xã", "Quảng Ngãi")
    assert commune.parent_line == "" and commune.agency_lines == ("ỦY BAN NHÂN DÂN", "XÃ ĐĂK TÔ")
    assert commune.place == "Đăk Tô" and commune.symbol == "UBND"


def test_place_and_initials():
    assert place_name(None, None, "Quảng Ngãi") == "Quảng Ngãi"
    assert place_name("Phường Kon Tum", "Phường", "Quảng Ngãi") == "Kon Tum"
    assert initials("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG") == "TTPVHCC"
    assert initials("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG") == "SNNVMT"


@pytest.mark.parametrize("moment, text", [
    (datetime(2026, 3, 4, 20, 0, tzinfo=UTC), "Quảng Ngãi, ngày 05 tháng 3 năm 2026"),  # local
    (datetime(2026, 2, 14, 1, 0, tzinfo=UTC), "Quảng Ngãi, ngày 14 tháng 02 năm 2026"),
    (datetime(2026, 12, 25, 1, 0, tzinfo=UTC), "Quảng Ngãi, ngày 25 tháng 12 năm 2026"),
])
def test_dateline_zero_rules(moment, text):
    assert dateline("Quảng Ngãi", moment) == text
