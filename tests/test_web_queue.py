"""The work queue: mine or the unit's, most urgent first, filtered, paged; htmx gets the
table alone from the same URL."""

import re
from datetime import timedelta

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier
from tests import factories
from tests.conftest import run


def make_queue(n_unit: int, n_mine: int):
    async def make():
        agency = await factories.agency("Sở Tư pháp")
        procedure = await factories.procedure(agency)
        handler = await accounts.create_user(username="thuly", password="abc12345",
                                             full_name="Võ Thị Mai", role=Role.HANDLER,
                                             agency_ids=[agency.id])
        for i in range(n_unit + n_mine):
            d = await factories.dossier(procedure)
            await Dossier.update({
                Dossier.due_at: d.due_at - timedelta(days=20 - i),  # some already overdue
                Dossier.assignee: handler.id if i < n_mine else None,
            }).where(Dossier.id == d.id)
        await factories.dossier(procedure, status=Status.RETURNED)  # closed: never listed
        token = await accounts.start_session(handler, "127.0.0.1", "t")
        return accounts.cookie_value(token)

    return run(make())


def codes(html: str) -> list[str]:
    return re.findall(r'/can-bo/ho-so/\d+">([^<]+)</a>', html)


def test_my_queue_and_unit_queue(client):
    client.cookies.set("motcua_session", make_queue(n_unit=3, n_mine=2))
    mine = client.get("/can-bo/hang-doi")
    assert mine.status_code == 200 and len(codes(mine.text)) == 2
    unit = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi"})
    assert len(codes(unit.text)) == 5
    assert "Quá hạn" in unit.text


def test_queue_is_sorted_by_due_and_paged(client):
    client.cookies.set("motcua_session", make_queue(n_unit=30, n_mine=0))
    first = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi"})
    second = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi", "trang": "2"})
    assert len(codes(first.text)) == 25 and len(codes(second.text)) == 5
    assert "Trang 1/2" in first.text and "Trang sau" in first.text
    assert not set(codes(first.text)) & set(codes(second.text))
    dues = re.findall(r"<td>(\d\d:\d\d \d\d/\d\d/\d{4})", first.text)
    as_sortable = [d[12:16] + d[9:11] + d[6:8] + d[:5] for d in dues]
    assert as_sortable == sorted(as_sortable)


def test_htmx_gets_only_the_table(client):
    client.cookies.set("motcua_session", make_queue(n_unit=1, n_mine=1))
    fragment = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi"},
                          headers={"HX-Request": "true", "HX-Target": "queue"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and len(codes(fragment.text)) == 2
    page = client.get("/can-bo/hang-doi", params={"trang": "abc", "trang_thai": "x"})
    assert page.status_code == 200 and "<html" in page.text  # bad paging input is harmless


@pytest.mark.clock
def test_dashboard_lists_late_dossiers_without_apology(client):
    client.cookies.set("motcua_session", make_queue(n_unit=3, n_mine=0))
    page = client.get("/can-bo")
    assert "quá hạn chưa lập phiếu xin lỗi" in page.text
    late = re.search(r"<strong>(\d+)</strong> hồ sơ quá hạn", page.text)
    assert late and int(late.group(1)) >= 1
