"""A counter officer signs in and sees only their own agency's dossiers."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def test_counter_officer_sees_only_their_agency(page: Page, live_server):
    ((agency_id, agency_name),) = live_server.query(
        "SELECT id, name FROM agency WHERE short_name = 'Sở Tư pháp'")
    live_server.cli("createuser", "motcua.mc.tuphap", "--name", "Phạm Thị Quầy",
                    "--role", "counter_officer", "--agency", str(agency_id),
                    "--password", "QuayMotCua2026")
    # Its scope: dossiers of the agency and those its counter received for another one
    # (other browser tests on this server transfer and redirect), drafts excluded.
    ((own,),) = live_server.query(
        "SELECT count(*) FROM dossier WHERE (agency = ? OR receiving_agency = ?)"
        " AND status != 0", agency_id, agency_id)
    ((total,),) = live_server.query("SELECT count(*) FROM dossier")
    assert 0 < own < total  # the demo has dossiers of other agencies too

    login(page, live_server.url, "motcua.mc.tuphap", "QuayMotCua2026")

    expect(page).to_have_url(re.compile(r"/can-bo"))
    expect(page.get_by_role("heading", name="Bảng điều khiển")).to_be_visible()
    expect(page.locator(".agency")).to_have_text([agency_name])
    cells = page.locator("table.counts td.num").all_inner_texts()
    shown = sum(int(c.replace(".", "")) for c in cells)
    assert shown == own
    # The "latest dossiers" list names each one's agency. (The overdue list above it, shown
    # only on days some dossier in scope is overdue, names appointments instead: reading
    # both made this test fail on 05/12/2026, issue #14.)
    latest = page.get_by_role("heading", name="Hồ sơ mới nhất").locator(
        "xpath=following-sibling::ul[1]")
    agencies_listed = {t.split(" · ")[0] for t in latest.locator(".meta").all_inner_texts()}
    in_scope = {name for (name,) in live_server.query(
        "SELECT DISTINCT a.name FROM dossier d JOIN agency a ON a.id = d.agency"
        " WHERE (d.agency = ? OR d.receiving_agency = ?) AND d.status != 0",
        agency_id, agency_id)}
    assert agency_name in agencies_listed and agencies_listed <= in_scope
    assert len(in_scope) < live_server.query("SELECT count(*) FROM agency")[0][0]
