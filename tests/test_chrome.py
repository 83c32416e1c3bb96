"""The page chrome served from app.web.chrome's per-role pieces is the chrome the template
draws in full (issue #21): for anonymous visitors, both kinds of applicant and every staff
role, for the first and a later person of a role, with names and CSRF tokens that need
escaping, and through a whole page served by the app."""

from __future__ import annotations

import pytest
from litestar import Request
from markupsafe import Markup

from app.accounts.roles import Role
from app.accounts.service import CurrentUser
from tests.conftest import shared_app

NAMES = ["Nguyễn Thị Hoa", 'Lê <b>"Văn"</b> O\'Neil & Cộng sự', "\0chrome-token\0"]
TOKENS = ["3f9c1a7e0b2d4c6a8e1f3b5d7c9a0e2f", 'a"b\'<c>&d']


def csrf_input(token: str) -> str:
    from html import escape
    return f'<input type="hidden" name="_csrf_token" value="{escape(token)}" />'


def request_as(app, user) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "headers": [],
                    "query_string": b"", "app": app, "litestar_app": app, "user": user,
                    "state": {}, "path_params": {}})


def person(role: Role, name: str, number: int) -> CurrentUser:
    return CurrentUser(id=number, username=f"u{number}", full_name=name, role=role,
                       agency_ids=(1,), session_token="t")


@pytest.fixture
def chrome(db):
    app = shared_app()
    return app, app.template_engine.engine.globals["chrome"]


@pytest.mark.parametrize("role", [None, *Role])
def test_each_role_gets_the_chrome_the_template_draws(chrome, role):
    app, chrome = chrome
    seen = set()
    for number, name in enumerate(NAMES):
        user = None if role is None else person(role, name, number)
        request = request_as(app, user)
        for token in TOKENS:
            served = chrome.top(request, token, csrf_input(token))
            drawn = chrome.render(request, "top", user, name if user else "", token,
                                  csrf_input(token))
            assert isinstance(served, Markup)
            assert str(served) == drawn
            seen.add(drawn)
        assert str(chrome.head(request)) == chrome.render(request, "head", user)
        assert str(chrome.foot(request)) == chrome.render(request, "foot", None)
    # The name and the token are really filled in per request, not kept from the first.
    assert len(seen) == (len(TOKENS) if role is None else len(NAMES) * len(TOKENS))


def test_staff_links_never_reach_another_role(chrome):
    app, chrome = chrome
    admin = request_as(app, person(Role.PROVINCIAL_ADMIN, "Quản trị", 1))
    citizen = request_as(app, person(Role.CITIZEN, "Công dân", 2))
    assert "Quản trị</a>" in chrome.top(admin, "t", "")
    page = str(chrome.top(citizen, "t", "")) + str(chrome.head(citizen))
    for staff_only in ("Tìm hồ sơ", "Báo cáo", "Quản trị</a>", "staff.css", 'class="staff"'):
        assert staff_only not in page
    assert "staff.css" in chrome.head(admin)


def test_each_page_carries_its_own_visitors_csrf_token(client):
    import re
    tokens = []
    for _ in range(2):
        client.cookies.clear()
        html = client.get("/").text
        token = re.search(r'"x-csrftoken": "([^"]+)"', html).group(1)
        assert token == client.cookies.get("motcua_csrf")
        assert "Đăng nhập</a>" in html and "</header>" in html and "<footer" in html
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_chrome_that_reads_more_of_the_user_is_caught(chrome):
    """Only the role reaches the kept chrome: an edit that shows, say, the username would
    otherwise be kept and shown to everyone of the role; here it differs from the full
    render, which the test above compares with."""
    from jinja2 import ChoiceLoader, DictLoader

    from app.web.chrome import TEMPLATE, Chrome

    app, kept = chrome
    source = kept.env.loader.get_source(kept.env, TEMPLATE)[0]
    edited = source.replace("{{ name }}</a>", "{{ name }} ({{ user.username }})</a>")
    assert edited != source
    env = kept.env.overlay(loader=ChoiceLoader([DictLoader({TEMPLATE: edited}),
                                                kept.env.loader]))
    request = request_as(app, person(Role.HANDLER, "Trần Văn An", 7))
    user = request.scope["user"]
    served = Chrome(env).top(request, "t", "")
    assert str(served) != Chrome(env).render(request, "top", user, user.full_name, "t", "")
    assert "(u7)" not in served
