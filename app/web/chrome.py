"""The page chrome (staff styles in the head, the header with its navigation, the footer)
rendered once per kind of visitor instead of on every page (issue #21).

The chrome differs only by role: anonymous, citizen, and which staff links a role sees.
Within a role just two things change from request to request, the person's name and the
CSRF token, so each part is rendered once per role with markers in their place, split at
the markers, and every later page joins the pieces with this request's values escaped as
the template escapes them. `tests/test_chrome.py` compares the result with the template
rendered in full for every role, with hostile names and tokens.
"""

from __future__ import annotations

import re

from jinja2 import Environment
from markupsafe import Markup, escape

TEMPLATE = "components/_chrome.html"
# Markers no name or token can hold (NUL), left unchanged by HTML escaping.
NAME, TOKEN, CSRF_INPUT = "\0chrome-name\0", "\0chrome-token\0", "\0chrome-input\0"
_MARKER = re.compile(f"({NAME}|{TOKEN}|{CSRF_INPUT})")


class Chrome:
    """One per Jinja environment (its app's routes and settings); a template global."""

    def __init__(self, env: Environment):
        self.env = env
        self._pieces: dict[tuple, list[str]] = {}

    @staticmethod
    def variant(user) -> tuple | None:
        return None if user is None else (str(user.role), bool(user.is_staff))

    def head(self, request) -> Markup:
        user = request.scope.get("user")
        return self._fill(("head", self.variant(user)), request, "head", user, {})

    def top(self, request, token: str, csrf_input: str) -> Markup:
        user = request.scope.get("user")
        return self._fill(("top", self.variant(user)), request, "top", user, {
            NAME: escape(user.full_name) if user is not None else "",
            TOKEN: escape(token), CSRF_INPUT: csrf_input})

    def foot(self, request) -> Markup:
        return self._fill(("foot",), request, "foot", None, {})

    def render(self, request, part: str, user, *args) -> str:
        """The part rendered in full: the uncached path, which the tests compare with."""
        module = self.env.get_template(TEMPLATE).make_module({"request": request})
        return str(getattr(module, part)(*((user, *args) if part != "foot" else ())))

    def _fill(self, key: tuple, request, part: str, user, values: dict) -> Markup:
        pieces = self._pieces.get(key)
        if pieces is None:
            markers = (NAME, TOKEN, CSRF_INPUT) if part == "top" else ()
            pieces = _MARKER.split(self.render(request, part, user, *markers))
            if not self.env.auto_reload:  # template authors see their edits at once
                self._pieces[key] = pieces
        return Markup("".join(values.get(piece, piece) for piece in pieces))
