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

from typing import NamedTuple

from jinja2 import Environment
from markupsafe import Markup, escape

from app.web.kept_pieces import KeptPieces

TEMPLATE = "components/_chrome.html"
# Markers no name or token can hold (NUL), left unchanged by HTML escaping.
NAME, TOKEN, CSRF_INPUT = "\0chrome-name\0", "\0chrome-token\0", "\0chrome-input\0"


class Visitor(NamedTuple):
    """All the kept chrome may know of a person: what is the same for everyone of a role.
    A template edit that reads anything else of the user (a username, an agency) gets
    nothing from this stand-in and the chrome tests fail, instead of one person's details
    being kept and shown to others of the role."""

    role: str
    is_staff: bool


class Chrome:
    """One per Jinja environment (its app's routes and settings); a template global."""

    def __init__(self, env: Environment):
        self.env = env
        self._parts = KeptPieces(env, (NAME, TOKEN, CSRF_INPUT))  # by (part, Visitor)

    @staticmethod
    def variant(user) -> Visitor | None:
        return None if user is None else Visitor(str(user.role), bool(user.is_staff))

    def head(self, request) -> Markup:
        user = request.scope.get("user")
        return self._fill("head", request, self.variant(user), {})

    def top(self, request, token: str, csrf_input: str) -> Markup:
        user = request.scope.get("user")
        return self._fill("top", request, self.variant(user), {
            NAME: escape(user.full_name) if user is not None else "",
            TOKEN: escape(token), CSRF_INPUT: csrf_input})

    def foot(self, request) -> Markup:
        return self._fill("foot", request, None, {})

    def render(self, request, part: str, user, *args) -> str:
        """The part rendered in full: the uncached path, which the tests compare with."""
        module = self.env.get_template(TEMPLATE).make_module({"request": request})
        return str(getattr(module, part)(*((user, *args) if part != "foot" else ())))

    def _fill(self, part: str, request, visitor: Visitor | None, values: dict) -> Markup:
        return Markup(self._parts.fill(
            (part, visitor), lambda: self._marked(request, part, visitor), values))

    def _marked(self, request, part: str, visitor: Visitor | None) -> str:
        """The part with markers in place of the name, token and CSRF input."""
        markers = (NAME, TOKEN, CSRF_INPUT) if part == "top" else ()
        return self.render(request, part, visitor, *markers)
