"""The service index pages: public figures out of 100 without personal data, the period
picker (month, quarter, 6 and 9 months, year) as a plain GET form, per-agency view, htmx
fragment, each indicator's page with its formula, and who may list which items."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from tests.conftest import run
from tests.service_index_world import build

PAGE = "/chi-so-phuc-vu"
MARCH = {"ky": "2026-03"}


@pytest.fixture
def world(client, monkeypatch):
    # Today is injected, 2 April 2026: the periods offered, the closed ones and the
    # catalogue's pages of March all read it.
    from app.service_index import gather

    monkeypatch.setattr(gather, "local_today", lambda: date(2026, 4, 2))
    return run(build())


def sign_in(client, role: Role, agency_ids: list[int]) -> None:
    async def make():
        user = await accounts.create_user(
            username=f"u.{role.value}", password="abc12345", full_name=role.label,
            role=role, agency_ids=agency_ids)
        return accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "test"))

    client.cookies.set("motcua_session", run(make()))


@pytest.mark.clock
def test_public_page_grades_the_total_out_of_100(client, world):
    response = client.get(PAGE, params=MARCH)
    assert response.status_code == 200
    html = response.text
    assert "Toàn tỉnh · Tháng 3/2026" in html
    # Without the national portal connected: 1.4 not computed, 3.3 not weighted
    # (tests/test_service_index_transparency.py has the figures with it).
    assert "<strong>50,19</strong> / 100 điểm · xếp loại <strong>Trung bình</strong>" in html
    assert "Riêng các chỉ số đã đo được" in html  # the second figure, labelled
    assert "5 / 9" in html and "55,56%" in html          # 2.1 with the open overdue one
    assert "chưa tính được" in html and "chưa kết nối Cổng Dịch vụ công quốc gia" in html
    assert "1 / 3" in html and "33,33%" in html          # 1.1: one procedure on time
    assert "Sở Tư pháp" in html and "UBND xã Ba Tơ" in html
    # Nothing that identifies a person or a dossier on the public page.
    assert "Nguyễn Văn An" not in html and "Trần Thị Bình" not in html
    assert not any(code in html for code in world.codes.values())


def test_one_agency_and_an_empty_rate_is_na(client, world):
    html = client.get(PAGE, params={**MARCH, "co_quan": world.ba_to}).text
    assert "UBND xã Ba Tơ · Tháng 3/2026" in html
    assert "<strong>39,33</strong> / 100 điểm" in html
    assert "N/A" in html                  # no dossier with fees: not 0 %
    assert "Theo cơ quan" not in html


def test_other_periods_and_the_old_month_parameter(client, world):
    quarter = client.get(PAGE, params={"ky": "2026-q1"}).text
    assert "Toàn tỉnh · Quý I/2026" in quarter and '<optgroup label="Quý">' in quarter
    assert "Toàn tỉnh · Năm 2026" in client.get(PAGE, params={"ky": "2026"}).text
    assert "Tháng 3/2026" in client.get(PAGE, params={"thang": "2026-03"}).text


def test_the_public_chooses_among_offered_periods_staff_any(client, world):
    old = client.get(PAGE, params={"ky": "2020-03"})
    assert old.status_code == 400 and "Chọn một kỳ trong danh sách" in old.text
    assert client.get(PAGE, params={"ky": "2026-05"}).status_code == 400  # not begun
    sign_in(client, Role.AUDITOR, [])
    assert client.get(PAGE, params={"ky": "2020-03"}).status_code == 200


def test_htmx_gets_only_the_fragment(client, world):
    response = client.get(PAGE, params=MARCH, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "Toàn tỉnh" in response.text


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"ky": "2026-13"}, 400, "Tháng hoặc năm báo cáo không hợp lệ."),
    ({"ky": "tháng ba"}, 400, "Chọn kỳ theo dạng năm-tháng"),
    ({**MARCH, "co_quan": "x"}, 400, "Mã cơ quan không hợp lệ."),
    ({**MARCH, "co_quan": "9" * 30}, 400, "Mã cơ quan không hợp lệ."),
    ({**MARCH, "co_quan": "999999"}, 404, "Không có cơ quan này"),
])
def test_bad_choices_are_answered_in_vietnamese(client, world, params, status, message):
    response = client.get(PAGE, params=params)
    assert response.status_code == status
    assert message in response.text


def test_a_broken_configuration_file_is_explained(client, world, tmp_path, monkeypatch):
    path = tmp_path / "index.json"
    path.write_text('{"indicators": {"on_time": {"threshold": 0}}}', encoding="utf-8")
    monkeypatch.setenv("MOTCUA_INDEX_CONFIG", str(path))
    response = client.get(PAGE, params=MARCH)
    assert response.status_code == 503
    assert "Bộ chỉ số tạm thời không tính được" in response.text


def test_each_indicator_page_states_formula_threshold_and_source(client, world):
    html = client.get(f"{PAGE}/online_dossiers", params=MARCH).text
    assert "3.3 Hồ sơ trực tuyến" in html and "nhân với tỷ lệ đồng bộ" in html
    assert "50%: đạt hoặc vượt ngưỡng" in html and "Nguồn dữ liệu" in html
    assert "3 / 9 hồ sơ" in html and "tạm lấy 100%" in html
    # Dossier lists are for staff: the public sees why and where to sign in.
    assert "chỉ dành cho cán bộ" in html and world.codes["good"] not in html
    unavailable = client.get(f"{PAGE}/dossiers_synced", params=MARCH).text
    assert "Chưa tính được: Hệ thống chưa kết nối" in unavailable
    assert client.get(f"{PAGE}/khong-co").status_code == 404


def test_procedures_behind_a_number_are_public(client, world):
    html = client.get(f"{PAGE}/online_procedures", params={**MARCH, "chon": "tat-ca"}).text
    assert "Cấp Phiếu lý lịch tư pháp" in html and "Đăng ký khai sinh" in html
    assert "Chứng thực bản sao" in html  # offered in person only: listed, not counted
    times = client.get(f"{PAGE}/processing_time", params={**MARCH, "chon": "tat-ca"}).text
    assert "trung bình" in times and "ngày làm việc" in times


def test_dossier_lists_are_for_staff_and_scoped_to_their_agency(client, world):
    url = f"{PAGE}/on_time"
    sign_in(client, Role.HANDLER, [world.ba_to])
    html = client.get(url, params={**MARCH, "chon": "tat-ca"}).text
    assert world.codes["ba_to_done"] in html
    assert world.codes["good"] not in html                  # another agency's dossier
    assert "các cơ quan của bạn" in html
    other = client.get(url, params={**MARCH, "co_quan": world.tu_phap})
    assert other.status_code == 403
    feedback = client.get(f"{PAGE}/feedback_on_time", params={**MARCH, "chon": "tat-ca"})
    assert feedback.status_code == 200 and "PA-1" not in feedback.text  # Tư pháp's feedback


def test_auditor_sees_the_whole_province_what_did_not_count_first(client, world):
    sign_in(client, Role.AUDITOR, [])
    url = f"{PAGE}/on_time"
    missed = client.get(url, params=MARCH).text
    assert "toàn tỉnh" in missed
    assert all(world.codes[k] in missed for k in ("late", "nagged", "sorry", "overdue_open"))
    assert world.codes["good"] not in missed
    counted = client.get(url, params={**MARCH, "chon": "dat"}).text
    assert world.codes["good"] in counted and world.codes["late"] not in counted
    assert world.codes["old"] not in counted                 # finished in February
    feedback = client.get(f"{PAGE}/feedback_satisfaction", params={**MARCH, "chon": "tat-ca"})
    assert "PA-1" in feedback.text and "PA-3" not in feedback.text  # PA-3 is a repeat
    for bad in ({"chon": "moi"}, {"trang": "0"}, {"trang": "x"}, {"co_quan": "9" * 30}):
        response = client.get(url, params={**MARCH, **bad})
        assert response.status_code == 400
        assert "không hợp lệ" in response.text


def test_a_long_list_is_paged(client, world, monkeypatch):
    from app.routes import service_index as routes

    monkeypatch.setattr(routes, "PAGE_SIZE", 3)
    sign_in(client, Role.AUDITOR, [])
    url = f"{PAGE}/on_time"
    first = client.get(url, params=MARCH).text
    assert "Trang 1/2" in first and "chon=khong-dat&amp;trang=2" in first
    second = client.get(url, params={**MARCH, "trang": "2"}).text
    assert "Trang 2/2" in second and "Trang trước" in second
    assert "Trang 2/2" in client.get(url, params={**MARCH, "trang": "9"}).text


def test_charts_page_for_the_province_and_for_an_agency(client, world):
    html = client.get(f"{PAGE}/bieu-do", params=MARCH).text
    assert html.count('role="img"') == 3 and "<script" not in html.split("</head>")[1]
    assert "Điểm toàn tỉnh theo tháng" in html and "Hồ sơ trễ hạn theo cơ quan" in html
    assert "<td>Sở Tư pháp</td><td class=\"num\">4</td>" in html  # beside the chart
    agency = client.get(f"{PAGE}/bieu-do", params={**MARCH, "co_quan": world.ba_to}).text
    assert "Tỷ lệ hồ sơ đúng hạn (2.1) · UBND xã Ba Tơ" in agency
    assert agency.count('role="img"') == 2


def test_the_trend_ends_with_the_chosen_period(client, world):
    html = client.get(f"{PAGE}/bieu-do", params=MARCH).text
    assert "<td>Tháng 4/2025</td>" in html and "<td>Tháng 3/2026</td>" in html
    assert "Tháng 4/2026" not in html and "Tháng 3/2025" not in html


def test_transparency_lists_procedures_with_the_dates_they_were_judged_on(client, world):
    html = client.get(f"{PAGE}/published_on_time", params={**MARCH, "chon": "tat-ca"}).text
    assert "Cấp bản sao trích lục hộ tịch" in html  # abolished in March, still listed
    assert "hạn ký 09/03/2026: trễ hạn" in html
    assert "không có căn cứ pháp lý ghi ngày có hiệu lực" in html
    assert "“undated_basis”" in html                 # the assumption, on the page
    complete = client.get(f"{PAGE}/content_complete", params=MARCH).text
    assert "Thiếu: Trình tự thực hiện" in complete
    assert world.codes["good"] not in complete
