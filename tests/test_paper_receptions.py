"""Paper-only receptions recorded in bulk; the share handled in the system (seed 004)."""

from decimal import Decimal

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.counter.paper import parse_counts, share
from app.counter.tables import PaperReception
from app.formatting import now_utc, to_local
from tests import factories
from tests.conftest import login, post_form, run


def test_counts_are_whole_numbers_of_known_procedures():
    counts, errors = parse_counts({"so_luong_1": "12", "so_luong_2": "", "so_luong_3": "1.200",
                                   "ngay": "x"}, {1, 2, 3})
    assert counts == {1: 12, 3: 1200} and not errors
    for bad in ("-1", "2,5", "10001", "mười"):
        assert "so_luong_1" in parse_counts({"so_luong_1": bad}, {1})[1].messages
    assert "counts" in parse_counts({"so_luong_9": "1"}, {1})[1].messages


def test_share_in_the_system():
    assert share(0, 0) is None
    assert share(1546, 8454) == Decimal("15.46")  # Kon Tum 2020, seed 004
    assert share(2, 1) == Decimal("66.67")


@pytest.mark.clock
def test_counter_records_a_day_and_everyone_sees_the_share(client):
    async def make():
        agency = await factories.agency("UBND xã Ba Tơ")
        procedure = await factories.procedure(agency, name="Đăng ký khai sinh")
        for username, role in (("quay", Role.COUNTER_OFFICER), ("ld", Role.LEADER)):
            await accounts.create_user(username=username, password="abc12345",
                                       full_name=username, role=role, agency_ids=[agency.id])
        await factories.dossier(procedure)  # one received through the system today
        return procedure.id

    procedure_id = run(make())
    login(client, "quay", "abc12345")
    page = "/mot-cua/ho-so-giay"
    field = f"so_luong_{procedure_id}"
    bad = post_form(client, page, page, {"ngay": "01/01/2099", field: "-3"})
    assert bad.status_code == 400
    assert "ngày chưa đến" in bad.text and "số nguyên từ 0" in bad.text
    assert PaperReception.count().run_sync() == 0

    today = f"{to_local(now_utc()):%d/%m/%Y}"
    for count in ("5", "3"):  # a correction replaces the day's count
        saved = post_form(client, page, page, {"ngay": today, field: count},
                          follow_redirects=False)
        assert saved.status_code == 303
    assert PaperReception.select(PaperReception.dossiers).run_sync() == [{"dossiers": 3}]
    shown = client.get(saved.headers["location"])
    assert f'name="{field}" inputmode="numeric" size="5" value="3"' in shown.text
    assert "Tỷ lệ trên hệ thống: <strong>25%</strong>" in shown.text  # 1 of 4

    client.cookies.clear()
    login(client, "ld", "abc12345")
    overview = client.get(page)
    assert "Đăng ký khai sinh" in overview.text and "25%" in overview.text
    assert "Lưu số hồ sơ giấy" not in overview.text  # only counters record
