"""The counter's digitisation page through the real app: scan, progress, suggestions,
refusals kept beside the form, roles and scope, the staff search page."""

import pytest

from app.accounts import service as accounts
from app.accounts.roles import Role
from tests.conftest import csrf_from, run
from tests.digitisation_helpers import counter_world, printed_page


@pytest.fixture
def world(client):
    async def make():
        world = await counter_world()
        world["officer_cookie"] = accounts.cookie_value(
            await accounts.start_session(world["officer_row"], "1.1.1.1", "t"))
        handler = await accounts.create_user(
            username="thuly", password="abc12345", full_name="Trần Văn Bình",
            role=Role.HANDLER, agency_ids=[world["agency"].id])
        world["handler_cookie"] = accounts.cookie_value(
            await accounts.start_session(handler, "1.1.1.1", "t"))
        other = await counter_world(id_number="062190001234")
        world["stranger_cookie"] = accounts.cookie_value(
            await accounts.start_session(other["officer_row"], "1.1.1.1", "t"))
        return world

    return run(make())


def as_(client, cookie):
    client.cookies.clear()
    client.cookies.set("motcua_session", cookie)


def upload(client, page, component_id, files):
    token = csrf_from(client.get(page).text)
    return client.post(page, data={"_csrf_token": token, "component_id": str(component_id)},
                       files=[("pages", f) for f in files], follow_redirects=False)


def test_counter_scans_a_component_and_sees_the_text_read(client, world, immediate_huey):
    as_(client, world["officer_cookie"])
    page = f"/can-bo/ho-so/{world['dossier_id']}/so-hoa"
    component = world["component_ids"][0]
    response = upload(client, page, component, [
        ("trang-1.jpg", printed_page(), "image/jpeg"),
        ("trang-2.jpg", printed_page(["Trang hai"]), "image/jpeg")])
    assert response.status_code == 303
    shown = client.get(response.headers["location"])
    assert "Đã lưu bản số hóa" in shown.text
    assert "2 trang" in shown.text and "Đã số hóa, đã nhận dạng chữ" in shown.text
    assert "052090001234</strong> (trùng số trên hồ sơ)" in shown.text
    assert 'hx-trigger="every 2s"' not in shown.text  # finished: no more polling

    fragment = client.get(page, headers={"HX-Request": "true", "HX-Target": "scans"})
    assert fragment.text.lstrip().startswith('<div id="scans"')
    pdf_link = fragment.text.split('href="')[1].split('"')[0]
    pdf = client.get(pdf_link)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"

    found = client.get("/can-bo/tim-ban-so-hoa", params={"q": "nguyen thi hong nhung"})
    assert f"/can-bo/ho-so/{world['dossier_id']}/so-hoa" in found.text
    assert "Nguyễn Thị Hồng Nhung" in found.text


def test_a_refused_scan_is_explained_and_the_choice_kept(client, world):
    as_(client, world["officer_cookie"])
    page = f"/can-bo/ho-so/{world['dossier_id']}/so-hoa"
    second = world["component_ids"][1]
    refused = upload(client, page, second, [("cccd.jpg", b"not an image", "image/jpeg")])
    assert refused.status_code == 400
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in refused.text
    assert f'<option value="{second}" selected>' in refused.text
    assert "Chưa số hóa" in refused.text


def test_pending_scan_polls_and_handlers_only_look(client, world):
    # Without the worker (no immediate mode, no consumer) the scan stays queued.
    as_(client, world["officer_cookie"])
    page = f"/can-bo/ho-so/{world['dossier_id']}/so-hoa"
    upload(client, page, world["component_ids"][0], [("a.png", printed_page(), "image/jpeg")])
    assert 'hx-trigger="every 2s"' in client.get(page).text
    as_(client, world["handler_cookie"])
    seen = client.get(page)
    assert "Đang chờ nhận dạng chữ" in seen.text and 'name="pages"' not in seen.text
    assert upload(client, page, world["component_ids"][0], []).status_code == 403


def test_another_agencys_officer_cannot_see_the_scans(client, world, immediate_huey):
    as_(client, world["officer_cookie"])
    page = f"/can-bo/ho-so/{world['dossier_id']}/so-hoa"
    upload(client, page, world["component_ids"][0], [("a.jpg", printed_page(), "image/jpeg")])
    as_(client, world["stranger_cookie"])
    assert client.get(page).status_code == 404
    assert client.get(f"/can-bo/ho-so/{world['dossier_id']}/so-hoa/1/tep").status_code == 404
    assert "<h2>0 kết quả</h2>" in client.get("/can-bo/tim-ban-so-hoa",
                                              params={"q": "Nhung"}).text
