"""The catalogue search page's two hot loops, drawn in Python (issue #21).

Every keystroke in the search box draws up to 50 result items, and every full page four
filter lists (~30 options on the demo province). Drawn by Jinja they were ~40 % of the
page's server time: per item an `url_for`, a filter call and four escapes through the
template runtime; per option two escapes and a comparison. Here an item is one f-string
with the procedure link's two halves reversed once per app, and each filter list is drawn
once per (list, chosen value) and kept. The templates keep the page's structure and words.

The bytes are the straightforward templates' (tests/reference_templates/public/, rendered
in `tests/test_search_view.py` for many queries, filters and hostile names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from app.catalog.logic import LEVEL_LABELS, ONLINE_LEVEL_LABELS, describe_time_limit

ONLINE_NOTES = {"full": " · Nộp trực tuyến toàn trình", "partial": " · Nộp trực tuyến một phần"}
# Reversed in place of a procedure id, then split on: no route path holds these digits.
_ID_MARK = 918273645
MAX_DRAWN = 64  # filter lists kept (each list x chosen value); a full memo starts over
_drawn: dict[tuple, Markup] = {}


@lru_cache(maxsize=8)  # one per app: its routes
def procedure_link(app) -> tuple[str, str]:
    """The escaped text before and after the id in a procedure page's address."""
    before, after = app.route_reverse("catalog.procedure", procedure_id=_ID_MARK).split(
        str(_ID_MARK))
    return str(escape(before)), str(escape(after))


def result_items(rows: Iterable[Mapping[str, Any]], link: tuple[str, str]) -> Markup:
    """The `<li>` of each result: link, agency, time limit and how it is filed online."""
    before, after = link
    return Markup("".join(
        f'  <li><a href="{before}{escape(row["id"])}{after}">{escape(row["name"])}</a>\n'
        f'    <span class="meta">{escape(row["agency_name"])} · '
        f'{escape(describe_time_limit(row["time_limit_amount"], row["time_limit_unit"]))}'
        f'{ONLINE_NOTES.get(row["online_level"], "")}</span></li>\n'
        for row in rows))


def option_tags(choices: tuple[tuple[Any, Any], ...], chosen: Any) -> Markup:
    """`<option>`s of (value, label) pairs, the chosen one selected; kept per list."""
    key = (choices, chosen)
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = Markup("".join(
            f'<option value="{escape(value)}"{" selected" if chosen == value else ""}>'
            f'{escape(label)}</option>' for value, label in choices))
        if len(_drawn) >= MAX_DRAWN:
            _drawn.clear()
        _drawn[key] = drawn
    return drawn


def _kept_list_tags(rows: list[Mapping[str, Any]], chosen: Any) -> Markup:
    """`option_tags` of a kept list of rows (id, name), found by the list itself while the
    short cache hands out the same list: no pairs rebuilt and hashed per request. The memo
    holds the list, so its id cannot be reused by another while the entry lives."""
    key = (id(rows), chosen)
    hit = _drawn_rows.get(key)
    if hit is not None and hit[0] is rows:
        return hit[1]
    drawn = option_tags(tuple((row["id"], row["name"]) for row in rows), chosen)
    if len(_drawn_rows) >= MAX_DRAWN:
        _drawn_rows.clear()
    _drawn_rows[key] = (rows, drawn)
    return drawn


_drawn_rows: dict[tuple[int, Any], tuple[list, Markup]] = {}
_LEVELS, _ONLINE_LEVELS = tuple(LEVEL_LABELS.items()), tuple(ONLINE_LEVEL_LABELS.items())


def filter_choices(options: Mapping[str, list], filters) -> dict[str, Markup]:
    """The four filter lists of the search form, with what the visitor chose selected."""
    return {
        "fields": _kept_list_tags(options["fields"], filters.field),
        "agencies": _kept_list_tags(options["agencies"], filters.agency),
        "levels": option_tags(_LEVELS, filters.level),
        "online_levels": option_tags(_ONLINE_LEVELS, filters.online_level),
    }


def page_context(request, q: str, filters, results: list[dict],
                 options: Mapping[str, list] | None = None) -> dict[str, Any]:
    """What the results fragment reads, and with `options` the whole page."""
    context = {"q": q, "filters": filters, "results": results,
               "searched": bool(q) or filters.any,
               "result_items": result_items(results, procedure_link(request.app))}
    if options is not None:
        context["options"] = options
        context["choices"] = filter_choices(options, filters)
    return context
