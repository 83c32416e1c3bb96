"""Template parts rendered once with markers in place of their per-request values (#21).

A part that changes from request to request in a few values only (the page chrome: a name
and a CSRF token; the lookup page: what was typed, the found dossier) is rendered once per
key (a kind of visitor, a branch of the page) with markers in those places, split at the
markers, and joined per request with the values, escaped as the template escapes them.
Markers hold NUL, which no typed text or name can hold and HTML escaping leaves unchanged;
a marker the template changed (a filter on the value) is refused when the pieces are made,
instead of a page silently missing the value. The users' tests compare what they draw with
the template rendered in full (tests/test_chrome.py, tests/test_lookup_page_bytes.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping

from jinja2 import Environment


class KeptPieces:
    """The split renders of one template part, by key, for one Jinja environment."""

    def __init__(self, env: Environment, markers: Iterable[str]):
        self.env = env
        self._split = re.compile(f"({'|'.join(map(re.escape, markers))})").split
        self._kept: dict[Hashable, list[str]] = {}

    def pieces(self, key: Hashable, render: Callable[[], str]) -> list[str]:
        """The part of `key` split at its markers: literal text at even places, markers at
        odd ones; `render()` draws it with the markers the first time."""
        pieces = self._kept.get(key)
        if pieces is None:
            pieces = self._split(render())
            if any("\0" in piece for piece in pieces[::2]):
                raise ValueError(f"a marker of {key!r} was changed by its template")
            if not self.env.auto_reload:  # template authors see their edits at once
                self._kept[key] = pieces
        return pieces

    def fill(self, key: Hashable, render: Callable[[], str], values: Mapping[str, str]) -> str:
        """The part of `key` with each marker replaced by its value (already escaped)."""
        return "".join([values.get(piece, piece) for piece in self.pieces(key, render)])
