"""Page-weight budgets for citizen pages, measured as bytes transferred by Chromium.

First visit (HTML + CSS + JS, compressed, headers included) ≤ 30 KB; each later page
≤ 10 KB of HTML, with CSS and htmx served from the browser cache; no web fonts; no image
over 10 KB. Signed-in citizen pages are weighed in `test_citizen_journey.py`.
"""

import pytest
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

FIRST_VISIT_BUDGET = 30 * 1024
LATER_PAGE_BUDGET = 10 * 1024

IMAGE_BUDGET = 10 * 1024

CITIZEN_PAGES = ["/", "/thu-tuc?q=giay+phep", "/thu-tuc/1", "/tra-cuu", "/dang-nhap", "/dang-ky",
                 "/thu-tuc?q=dang+ky&truc_tuyen=full&cap=xa",
                 "/tra-cuu?ma=000.00.17.H55-260101-0001", "/phan-anh/gui", "/phan-anh/cong-khai",
                 "/chi-so-phuc-vu", "/chi-so-phuc-vu/bieu-do", "/chi-so-phuc-vu/on_time",
                 "/danh-sach-tre-han"]


def transferred(responses) -> int:
    total = 0
    for response in responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


def check_assets(responses) -> None:
    """No web fonts at all, and no image heavier than the image budget."""
    fonts = [r.url for r in responses if r.request.resource_type == "font"]
    assert fonts == [], fonts
    heavy = [r.url for r in responses if r.request.resource_type == "image"
             and r.request.sizes()["responseBodySize"] > IMAGE_BUDGET]
    assert heavy == [], heavy


def visit(page, url) -> list:
    responses = []

    def record(response):  # Playwright wraps Python functions, not builtin methods
        responses.append(response)

    page.on("response", record)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    return responses


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_first_visit_fits_the_budget(browser: Browser, live_server, path):
    context = browser.new_context()  # empty cache: a first visit
    page = context.new_page()
    responses = visit(page, live_server.url + path)
    kinds = {r.request.resource_type for r in responses}
    assert {"document", "stylesheet", "script"} <= kinds  # htmx is counted too
    assert all(r.status < 400 for r in responses), [(r.url, r.status) for r in responses]
    assert transferred(responses) <= FIRST_VISIT_BUDGET
    check_assets(responses)
    context.close()


def test_later_pages_fit_the_budget_and_reuse_the_cache(browser: Browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    visit(page, live_server.url + "/")
    for path in CITIZEN_PAGES[1:]:
        responses = visit(page, live_server.url + path)
        fetched = [r for r in responses if not r.from_service_worker and
                   r.request.resource_type in ("stylesheet", "script") and
                   r.request.sizes()["responseBodySize"] > 0]
        assert fetched == [], f"{path} downloaded static files again"
        html = [r for r in responses if r.request.resource_type == "document"]
        assert transferred(html) <= LATER_PAGE_BUDGET, path
    context.close()
