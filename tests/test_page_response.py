"""A `Page` (app/web/page_response.py) answers exactly what Litestar's `Template` answers:
the same status, header list (names, values, order), cookies and body, on the plain path it
shortens and on every case it hands back to Litestar (headers of its own or its route's,
another media type, HEAD, a background task)."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie, ResponseHeader
from litestar.enums import MediaType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig
from litestar.testing import TestClient

from app.web.page_response import Page

CONTEXT = {"name": 'Trần Thị <Hoa> & "Bình"'}
SOURCE = "<p>{{ name }}</p>{{ csrf_input }}<i>{{ request.url.path }}</i>\n"
DONE: list[str] = []


def cases(response_class):
    @get("/plain", media_type=MediaType.HTML)
    async def plain() -> Template:
        return response_class("t.html", context=CONTEXT)

    @get("/missing", media_type=MediaType.HTML)
    async def missing() -> Template:
        return response_class("t.html", context=CONTEXT, status_code=404)

    @get("/cookies", media_type=MediaType.HTML, response_cookies=[Cookie(key="route", value="1")])
    async def cookies() -> Template:
        return response_class("t.html", context=CONTEXT, cookies=[
            Cookie(key="own", value="2", httponly=True),
            Cookie(key="doc", value="3", documentation_only=True)])

    @get("/own-headers", media_type=MediaType.HTML)
    async def own_headers() -> Template:
        return response_class("t.html", context=CONTEXT, headers={"x-own": "1"})

    @get("/route-headers", media_type=MediaType.HTML,
         response_headers=[ResponseHeader(name="x-route", value="1")])
    async def route_headers() -> Template:
        return response_class("t.html", context=CONTEXT)

    @get("/text", media_type=MediaType.TEXT)
    async def text() -> Template:
        return response_class("t.html", context=CONTEXT)

    @get("/guessed")
    async def guessed() -> Template:
        return response_class("t.html", context=CONTEXT)

    @get("/later", media_type=MediaType.HTML)
    async def later() -> Template:
        return response_class("t.html", context=CONTEXT,
                              background=BackgroundTask(DONE.append, "done"))

    @get("/both", media_type=MediaType.HTML, status_code=201)
    async def both() -> Template:
        return response_class("t.html", context=CONTEXT, media_type="text/html")

    return [plain, missing, cookies, own_headers, route_headers, text, guessed, later, both]


def raw_answer(response_class, tmp_path, path: str, method: str = "GET"):
    (tmp_path / "t.html").write_text(SOURCE, encoding="utf-8")
    app = Litestar(route_handlers=cases(response_class), template_config=TemplateConfig(
        directory=tmp_path, engine=JinjaTemplateEngine))
    with TestClient(app) as client:
        answer = client.request(method, path)
    return answer.status_code, answer.headers.multi_items(), answer.content


@pytest.mark.parametrize("path", ["/plain", "/missing", "/cookies", "/own-headers",
                                  "/route-headers", "/text", "/guessed", "/later", "/both"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_page_answers_what_a_template_answers(tmp_path, path, method):
    DONE.clear()
    page = raw_answer(Page, tmp_path, path, method)
    ran = DONE[:]
    DONE.clear()
    assert page == raw_answer(Template, tmp_path, path, method)
    assert ran == DONE == (["done"] if (method, path) == ("GET", "/later") else [])
    if method == "GET" and path == "/plain":
        assert page[2].startswith("<p>Trần Thị &lt;Hoa&gt; &amp; &#34;Bình&#34;</p>".encode())
        assert page[2].endswith(b"<i>/plain</i>")


def test_the_plain_page_takes_the_short_path(tmp_path, monkeypatch):
    """The comparison above is not two calls of the same method."""
    def refuse(*args, **kwargs):
        raise AssertionError("Litestar's general path")

    monkeypatch.setattr(Template, "to_asgi_response", refuse)
    assert raw_answer(Page, tmp_path, "/plain")[0] == 200
