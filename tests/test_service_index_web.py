"""The service index pages: public figures without personal data, the month picker as a
plain GET form, per-agency view, htmx fragment, and the staff drill-down with its scope."""

from __future__ import annotations

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from tests.conftest import run
from tests.service_index_world import build

PAGE = "/chi-so-phuc-vu"


@pytest.fixture
def world(client):
    return run(build())


def sign_in(client, role: Role, agency_ids: list[int]) -> None:
    async def make():
        user = await accounts.create_user(
            username=f"u.{role.value}", password="abc12345", full_name=role.label,
            role=role, agency_ids=agency_ids)
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "test"))

    client.cookies.set("motcua_session", run(make()))


@pytest.mark.clock
def test_public_page_shows_the_province_and_agencies_in_vietnamese_numbers(client, world):
    response = client.get(PAGE, params={"thang": "2026-03"})
    assert response.status_code == 200
    html = response.text
    assert "Toàn tỉnh · tháng 3/2026" in html
    assert "2 / 5" in html and "40%" in html          # on time
    assert "2 / 6" in html and "33,33%" in html       # received online
    assert "Sở Tư pháp" in html and "UBND xã Ba Tơ" in html
    assert "chưa có dữ liệu" in html
    assert "Chưa đồng bộ với Cổng Dịch vụ công quốc gia." in html
    # Nothing that identifies a person or a dossier on the public page.
    assert "Nguyễn Văn An" not in html and "Trần Thị Bình" not in html
    assert not any(code in html for code in world.codes.values())
    assert "/chi-so-phuc-vu/on_time" not in html


def test_one_agency_with_its_score_and_grade(client, world):
    html = client.get(PAGE, params={"thang": "2026-03", "co_quan": world.ba_to}).text
    assert "UBND xã Ba Tơ · tháng 3/2026" in html
    assert "<strong>34,50</strong> / 46 điểm có dữ liệu" in html
    assert "<strong>75</strong>" in html and "<strong>Tốt</strong>" in html
    assert "không phát sinh" in html                  # no dossier with fees
    assert "Theo cơ quan" not in html


def test_htmx_gets_only_the_fragment(client, world):
    response = client.get(PAGE, params={"thang": "2026-03"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "Toàn tỉnh" in response.text


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"thang": "2026-13"}, 400, "Tháng hoặc năm không hợp lệ."),
    ({"thang": "tháng ba"}, 400, "Chọn tháng theo dạng năm-tháng"),
    ({"thang": "2026-03", "co_quan": "x"}, 400, "Mã cơ quan không hợp lệ."),
    ({"thang": "2026-03", "co_quan": "9" * 30}, 400, "Mã cơ quan không hợp lệ."),
    ({"thang": "2026-03", "co_quan": "999999"}, 404, "không có hồ sơ trong tháng"),
])
def test_bad_choices_are_answered_in_vietnamese(client, world, params, status, message):
    response = client.get(PAGE, params=params)
    assert response.status_code == status
    assert message in response.text


def test_a_broken_configuration_file_is_explained(client, world, tmp_path, monkeypatch):
    path = tmp_path / "index.json"
    path.write_text('{"indicators": {"on_time": {"threshold": 0}}}', encoding="utf-8")
    monkeypatch.setenv("MOTCUA_INDEX_CONFIG", str(path))
    response = client.get(PAGE, params={"thang": "2026-03"})
    assert response.status_code == 503
    assert "Bộ chỉ số tạm thời không tính được" in response.text


def test_drill_down_is_for_staff_and_scoped_to_their_agency(client, world):
    url = f"{PAGE}/on_time"
    anonymous = client.get(url, params={"thang": "2026-03"}, follow_redirects=False)
    assert anonymous.headers["location"].startswith("/dang-nhap?next=")
    sign_in(client, Role.HANDLER, [world.ba_to])
    page = client.get(PAGE, params={"thang": "2026-03"}).text
    assert "/chi-so-phuc-vu/on_time?thang=2026-03" in page  # staff get the links
    html = client.get(url, params={"thang": "2026-03", "chon": "tat-ca"}).text
    assert world.codes["ba_to_done"] in html
    assert world.codes["good"] not in html                  # another agency's dossier
    assert "Đạt 1 / 1 hồ sơ" in html
    other = client.get(url, params={"thang": "2026-03", "co_quan": world.tu_phap})
    assert other.status_code == 403
    assert client.get(f"{PAGE}/feedback_on_time").status_code == 404
    assert client.get(f"{PAGE}/khong-co").status_code == 404


def test_auditor_sees_the_whole_province(client, world):
    sign_in(client, Role.AUDITOR, [])
    html = client.get(f"{PAGE}/paid_online", params={"thang": "2026-03", "chon": "tat-ca"}).text
    assert "toàn tỉnh" in html and "Đạt 1 / 2 hồ sơ" in html
    assert world.codes["good"] in html and world.codes["late"] in html
    assert world.codes["old"] not in html                   # finished in February


def test_drill_down_lists_what_did_not_count_first(client, world):
    sign_in(client, Role.AUDITOR, [])
    url = f"{PAGE}/on_time"
    missed = client.get(url, params={"thang": "2026-03"}).text
    late = ("late", "nagged", "sorry")
    assert all(world.codes[k] in missed for k in late)
    assert world.codes["good"] not in missed and world.codes["ba_to_done"] not in missed
    counted = client.get(url, params={"thang": "2026-03", "chon": "dat"}).text
    assert world.codes["good"] in counted and world.codes["late"] not in counted
    for bad in ({"chon": "moi"}, {"trang": "0"}, {"trang": "x"}, {"co_quan": "9" * 30}):
        response = client.get(url, params={"thang": "2026-03", **bad})
        assert response.status_code == 400
        assert "không hợp lệ" in response.text


def test_drill_down_pages_a_long_list(client, world, monkeypatch):
    from app.routes import service_index as routes

    monkeypatch.setattr(routes, "DRILL_PAGE_SIZE", 2)
    sign_in(client, Role.AUDITOR, [])
    url = f"{PAGE}/on_time"
    first = client.get(url, params={"thang": "2026-03"}).text
    assert "Trang 1/2" in first and "chon=khong-dat&amp;trang=2" in first
    second = client.get(url, params={"thang": "2026-03", "trang": "2"}).text
    assert "Trang 2/2" in second and "Trang trước" in second
    listed = [k for k in ("late", "nagged", "sorry") if world.codes[k] in second]
    assert len(listed) == 1
    beyond = client.get(url, params={"thang": "2026-03", "trang": "9"}).text
    assert "Trang 2/2" in beyond
