"""axe-core in Chromium: no serious or critical violation on the public citizen pages.
Signed-in citizen pages are checked in `test_citizen_journey.py`."""

import pytest
from playwright.sync_api import Page

from tests.browser.test_citizen_journey import serious_violations
from tests.browser.test_page_weight import CITIZEN_PAGES

pytestmark = pytest.mark.browser


def test_public_citizen_pages_have_no_serious_violations(page: Page, live_server):
    problems = []
    for path in CITIZEN_PAGES:
        page.goto(live_server.url + path)
        problems += serious_violations(page)
    assert problems == []
