"""Every page a citizen or an anonymous visitor can open is measured on narrow phones by
tests/browser/test_narrow_screens.py, or named there with the reason it is not a page:
a new citizen route fails here until it is listed."""

from tests.browser.test_narrow_screens import CITIZEN_ROUTES, NOT_PAGES
from tests.test_authorization_matrix import APPLICANTS, POLICY


def test_every_citizen_route_is_measured_or_explained():
    citizen_pages = {path for (method, path), allowed in POLICY.items()
                     if method == "GET" and allowed & ({"anonymous"} | APPLICANTS)}
    assert set(CITIZEN_ROUTES) | set(NOT_PAGES) == citizen_pages
    assert not set(CITIZEN_ROUTES) & set(NOT_PAGES)
