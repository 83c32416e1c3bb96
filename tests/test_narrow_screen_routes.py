"""Every page a citizen or an anonymous visitor can open is measured on narrow phones by
tests/browser/test_narrow_screens.py, every staff page at 360 and 1366 px by
tests/browser/test_staff_screens.py, or named there with the reason it is not a page: a
new route fails here until it is listed."""

from tests.browser.test_narrow_screens import CITIZEN_ROUTES, NOT_PAGES
from tests.test_authorization_matrix import APPLICANTS, POLICY


def test_every_citizen_route_is_measured_or_explained():
    citizen_pages = {path for (method, path), allowed in POLICY.items()
                     if method == "GET" and allowed & ({"anonymous"} | APPLICANTS)}
    assert set(CITIZEN_ROUTES) | set(NOT_PAGES) == citizen_pages
    assert not set(CITIZEN_ROUTES) & set(NOT_PAGES)


def test_every_staff_route_is_measured_or_explained():
    from tests.browser.test_staff_screens import ROLES, STAFF_NOT_PAGES, STAFF_PAGES
    from tests.test_authorization_matrix import STAFF

    staff_pages = {path for (method, path), allowed in POLICY.items()
                   if method == "GET" and allowed & STAFF
                   and not allowed & ({"anonymous"} | APPLICANTS)}
    assert set(STAFF_PAGES) | set(STAFF_NOT_PAGES) == staff_pages
    assert not set(STAFF_PAGES) & set(STAFF_NOT_PAGES)
    for route, (who, _) in STAFF_PAGES.items():  # opened by someone allowed to
        assert ROLES[who] in POLICY[("GET", route)], route
