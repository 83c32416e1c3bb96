"""app.web.kept_pieces: a part drawn once with markers, split, and filled per request."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from app.web.kept_pieces import KeptPieces

NAME = "\0name\0"


def environment(auto_reload: bool) -> Environment:
    return Environment(loader=DictLoader({
        "hello.html": "<p>Xin chào {{ name }}!</p>", "loud.html": "<p>{{ name | upper }}</p>"}),
        autoescape=True, auto_reload=auto_reload)


def test_drawn_once_then_filled_with_each_requests_value():
    env, drawn = environment(auto_reload=False), []
    kept = KeptPieces(env, (NAME,))

    def render() -> str:
        drawn.append(1)
        return env.get_template("hello.html").render(name=NAME)

    assert kept.fill("a", render, {NAME: "Y Blông"}) == "<p>Xin chào Y Blông!</p>"
    assert kept.fill("a", render, {NAME: "&lt;b&gt;"}) == "<p>Xin chào &lt;b&gt;!</p>"
    assert len(drawn) == 1
    assert kept.pieces("a", render) == ["<p>Xin chào ", NAME, "!</p>"]


def test_template_authors_see_their_edits_at_once():
    env, drawn = environment(auto_reload=True), []
    kept = KeptPieces(env, (NAME,))
    for _ in range(2):
        kept.fill("a", lambda: drawn.append(1) or "<p>x</p>", {})
    assert len(drawn) == 2


def test_a_marker_changed_by_the_template_is_refused():
    env = environment(auto_reload=False)
    kept = KeptPieces(env, (NAME,))
    with pytest.raises(ValueError, match="changed by its template"):
        kept.fill("loud", lambda: env.get_template("loud.html").render(name=NAME), {})
