"""Templates share the environment's globals dict (app.web.template_engine, issue #21):
the pages are the same bytes as with Jinja's own per-template ChainMap, a global added to
the environment later still reaches a loaded template, and a template given globals of its
own still has them layered over the environment's."""

from __future__ import annotations

import pytest
from jinja2 import Environment, Template
from litestar.testing import TestClient

from app.web.template_engine import SharedGlobalsEnvironment, TemplateEngine
from app.web.templating import TEMPLATES_DIR
from tests.conftest import shared_app

PAGES = ["/", "/thu-tuc?q=giay+phep", "/thu-tuc", "/tra-cuu?ma=ABC-123&so=1234",
         "/dang-nhap", "/khong-co-trang-nay"]
COOKIE = {"motcua_csrf": "f" * 128}  # the same CSRF token in both apps' pages


def pages(app) -> list[tuple[int, bytes]]:
    with TestClient(app=app, cookies=COOKIE) as client:
        return [(answer.status_code, answer.content)
                for answer in (client.get(url, headers={"Accept-Encoding": "identity"})
                               for url in PAGES)]


def test_pages_are_the_bytes_jinjas_chainmap_gives(db, monkeypatch):
    ours = shared_app()
    served = pages(ours)
    assert [status for status, _ in served] == [200, 200, 200, 404, 200, 404]
    env = ours.template_engine.engine
    assert isinstance(env, SharedGlobalsEnvironment)
    assert env.get_template("base.html").globals is env.globals
    from app.main import create_app

    monkeypatch.setattr(SharedGlobalsEnvironment, "make_globals", Environment.make_globals)
    jinjas = create_app()
    assert type(jinjas.template_engine.engine.get_template("base.html").globals).__name__ \
        == "ChainMap"
    assert pages(jinjas) == served


def test_later_and_template_own_globals_behave_as_in_jinja():
    engine = TemplateEngine(directory=TEMPLATES_DIR)
    env = engine.engine
    template = env.from_string("{{ greeting }} {{ place | default('-') }}")
    env.globals["greeting"] = "Xin chào"  # added after the template was loaded
    assert template.render() == "Xin chào -"
    own = env.from_string("{{ greeting }} {{ place }}", globals={"place": "Quảng Ngãi"})
    assert own.render() == "Xin chào Quảng Ngãi"
    assert "place" not in env.globals and isinstance(own, Template)
    with pytest.raises(Exception, match="either a directory"):
        TemplateEngine(directory=TEMPLATES_DIR, engine_instance=Environment())
