"""The work queue: mine or the unit's, most urgent first, filtered, paged; htmx gets the
table alone from the same URL."""

import re
from datetime import timedelta

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.dossiers.logic import Status
from app.dossiers.tables import Dossier, DossierEvent
from tests import factories
from tests.conftest import csrf_from, run


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


def test_dashboard_lists_late_dossiers_without_apology(client):
    client.cookies.set("motcua_session", make_queue(n_unit=3, n_mine=0))
    page = client.get("/can-bo")
    assert "quá hạn chưa lập phiếu xin lỗi" in page.text
    late = re.search(r"<strong>(\d+)</strong> hồ sơ quá hạn", page.text)
    assert late and int(late.group(1)) >= 1


def search_world():
    async def make():
        agency = await factories.agency("Sở Tư pháp")
        procedure = await factories.procedure(agency)
        leader = await accounts.create_user(username="lanhdao", password="abc12345",
                                            full_name="Lê Lãnh Đạo", role=Role.LEADER,
                                            agency_ids=[agency.id])
        handler = await accounts.create_user(username="thuly", password="abc12345",
                                             full_name="Võ Thị Mai", role=Role.HANDLER,
                                             agency_ids=[agency.id])
        dossiers = [await factories.dossier(procedure, id_number=f"05209000{i:04d}")
                    for i in range(3)]
        returned = await factories.dossier(procedure, status=Status.RETURNED)
        token = await accounts.start_session(leader, "127.0.0.1", "t")
        return {"cookie": accounts.cookie_value(token), "handler": handler.id,
                "dossiers": [d.id for d in dossiers], "codes": [d.code for d in dossiers],
                "returned": returned.id}

    return run(make())


def test_enter_on_an_exact_key_opens_the_dossier(client):
    w = search_world()
    client.cookies.set("motcua_session", w["cookie"])
    opened = client.get("/can-bo/hang-doi", params={"q": "052090000001", "mo": "1"},
                        follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/can-bo/ho-so/{w['dossiers'][1]}"
    # The same search as a link (no Enter) lists it; several matches never redirect.
    listed = client.get("/can-bo/hang-doi", params={"q": "052090000001"})
    assert listed.status_code == 200 and codes(listed.text) == [w["codes"][1]]
    many = client.get("/can-bo/hang-doi", params={"q": "nguyen van an", "mo": "1"},
                      follow_redirects=False)
    assert many.status_code == 200 and len(codes(many.text)) == 4  # the returned one too
    # htmx: typing updates the table; submitting (Enter) opens through HX-Redirect.
    typed = client.get("/can-bo/hang-doi", params={"q": "052090000002", "mo": "1"},
                       headers={"HX-Request": "true", "HX-Target": "queue", "HX-Trigger": "q"})
    assert "<html" not in typed.text and codes(typed.text) == [w["codes"][2]]
    entered = client.get("/can-bo/hang-doi", params={"q": "052090000002", "mo": "1"},
                         headers={"HX-Request": "true", "HX-Target": "queue",
                                  "HX-Trigger": "queue-search"})
    assert entered.headers["HX-Redirect"] == f"/can-bo/ho-so/{w['dossiers'][2]}"


def test_bad_date_comes_back_with_what_was_typed(client):
    w = search_world()
    client.cookies.set("motcua_session", w["cookie"])
    page = client.get("/can-bo/hang-doi", params={"q": "nguyen", "tu_ngay": "32/13/2026",
                                                  "kenh": "2"})
    assert page.status_code == 400
    assert "Ngày phải theo dạng dd/mm/yyyy" in page.text
    assert 'value="32/13/2026"' in page.text and 'value="nguyen"' in page.text
    assert '<option value="2" selected>' in page.text


def bulk_form(client, page_html: str, ticked: list[int], **fields):
    token = re.search(r'name="ma_lan_gui" value="([^"]+)"', page_html).group(1)
    data = {"_csrf_token": csrf_from(page_html), "ma_lan_gui": token, "loc": "pham_vi=don-vi",
            "ho_so": [str(t) for t in ticked], **fields}
    return client.post("/can-bo/hang-doi/xu-ly-hang-loat", data=data, follow_redirects=False)


def test_leader_assigns_in_bulk_with_refusals_reported(client):
    w = search_world()
    client.cookies.set("motcua_session", w["cookie"])
    page = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi"})
    assert 'name="ho_so"' in page.text and "Võ Thị Mai" in page.text
    ticked = [*w["dossiers"], w["returned"], 999999]
    response = bulk_form(client, page.text, ticked, thao_tac="assign",
                         nguoi_xu_ly=str(w["handler"]))
    assert response.status_code == 303
    outcome = client.get(response.headers["location"])
    assert "Phân công xử lý: 3/5 hồ sơ đã thực hiện" in outcome.text
    assert "Không tìm thấy hồ sơ trong phạm vi của bạn." in outcome.text
    assert outcome.text.count("Không thực hiện được") == 2
    assigned = Dossier.select(Dossier.assignee).where(Dossier.id.is_in(w["dossiers"])).run_sync()
    assert {row["assignee"] for row in assigned} == {w["handler"]}
    # The same form again (Back, resubmit): the first run is shown, nothing done twice.
    again = bulk_form(client, page.text, ticked, thao_tac="assign", nguoi_xu_ly=str(w["handler"]))
    assert again.headers["location"] == response.headers["location"]
    events = (DossierEvent.count().where(DossierEvent.dossier.is_in(w["dossiers"])
                                        & (DossierEvent.action == "assigned")).run_sync())
    assert events == 3


def test_bulk_form_errors_keep_the_ticks(client):
    w = search_world()
    client.cookies.set("motcua_session", w["cookie"])
    page = client.get("/can-bo/hang-doi", params={"pham_vi": "don-vi"})
    response = bulk_form(client, page.text, w["dossiers"][:2], thao_tac="assign", nguoi_xu_ly="")
    assert response.status_code == 400
    assert "Chọn người được phân công xử lý." in response.text
    assert response.text.count('" checked>') == 2
    nothing = bulk_form(client, page.text, [], thao_tac="assign", nguoi_xu_ly=str(w["handler"]))
    assert nothing.status_code == 400 and "Chưa chọn hồ sơ nào" in nothing.text


def test_staff_layout_is_loaded_for_staff_only(client):
    """Citizen pages stay light: the staff sheet and script never reach them."""
    anonymous = client.get("/").text
    assert "staff.css" not in anonymous and "staff.js" not in anonymous
    client.cookies.set("motcua_session", make_queue(n_unit=1, n_mine=0))
    staff_page = client.get("/can-bo/hang-doi").text
    assert "css/staff.css" in staff_page and "js/staff.js" in staff_page
    assert 'class="staff"' in staff_page
