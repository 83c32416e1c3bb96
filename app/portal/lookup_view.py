"""The dossier lookup page's found dossier and form, drawn in Python (issue #21).

Drawn by Jinja, the lookup's own part of the page was ~55 µs of a ~80 µs render: three
includes (each a new context copied from the page's), per field a subscript, a filter call
and an escape through the template runtime, per timeline step the same again. Here the
found dossier (facts, what to do next, the timeline) is one pass of f-strings with each
value escaped once, and the form, whose words stay in `public/_lookup_form.html` (the home
page includes it as it is), is rendered once per app and per "prefilled" with markers in
place of what was typed, split at the markers, and joined with this request's values
escaped as the template escapes them (as `app.web.chrome` does for the header).

The whole page (`LookupView.page`) is drawn the same way: `public/lookup.html` with
base.html around it is rendered once per kind of visitor and per branch of the page (found,
not found, digits mistyped, limited, code from a QR code, empty) with markers in place of
the chrome, the found dossier, the form and what was typed, split at the markers and filled
per request. The Jinja render of the page and its frame were ~55 µs of a lookup's ~460 µs
of server CPU (bench/RESULTS.md); the fill is a few. A page that shows a kept form's notice
(base.html) is left to the template.

The owner's dossier page draws its next steps and timeline through the same functions
(`portal/_next_steps.html`, `portal/_timeline.html`). The bytes are the straightforward
templates' (tests/reference_templates/, compared in tests/test_lookup_page_bytes.py).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import Environment
from litestar.template.base import csrf_token
from markupsafe import Markup, escape

from app.dossiers.logic import STATUS_LABELS
from app.formatting import code_breaks, format_datetime
from app.web.kept_forms import restore as kept_form
from app.web.kept_pieces import KeptPieces

FORM_TEMPLATE = "public/_lookup_form.html"
PAGE_TEMPLATE = "public/lookup.html"
# Markers no typed code or digits can hold (NUL), left unchanged by HTML escaping.
CODE, DIGITS = "\0lookup-ma\0", "\0lookup-so\0"
# The page's own markers: the chrome's parts, the found dossier, the form, the problem
# with the digits and the minutes to wait.
HEAD, TOP, FOOT = "\0page-head\0", "\0page-top\0", "\0page-foot\0"
FOUND, FORM, PROBLEM, MINUTES = ("\0page-found\0", "\0page-form\0", "\0page-problem\0",
                                 "\0page-minutes\0")
NOT_RECEIVED = "Chưa tiếp nhận"
NO_DUE_DATE = "Chưa có: ngày hẹn được tính khi hồ sơ được tiếp nhận"
MAX_KEPT = 4096  # escaped texts kept; a full memo starts over
_escaped: dict[str, str] = {}


def kept_escape(text: Any) -> str:
    """`escape(text)`, kept for plain strings: step labels, next steps, procedure and agency
    names repeat from lookup to lookup (a Markup is never kept: it equals its source text)."""
    if type(text) is not str:
        return escape(text)
    done = _escaped.get(text)
    if done is None:
        if len(_escaped) >= MAX_KEPT:
            _escaped.clear()
        done = _escaped[text] = str(escape(text))
    return done


def written(moment, texts: dict) -> str:
    """`format_datetime(moment)`, once per moment of a page: a dossier's received, finished
    and returned times are also the times of its steps."""
    text = texts.get(moment)
    if text is None:
        text = texts[moment] = format_datetime(moment)
    return text


def next_steps(steps: Iterable[str]) -> Markup:
    """What the applicant must do now (`portal/_next_steps.html`)."""
    items = "".join([f"<li>{kept_escape(step)}</li>" for step in steps])
    return Markup(f'<div class="card">\n  <h2>Bạn cần làm gì</h2>\n  <ul>{items}</ul>\n</div>')


def timeline(steps: list[Mapping[str, Any]], texts: dict | None = None) -> Markup:
    """The dossier's steps with their dates, oldest first (`portal/_timeline.html`);
    `texts`: the moments of the page already written."""
    heading = '<h2 id="tien-trinh">Tiến trình giải quyết</h2>\n'
    if not steps:
        return Markup(f"{heading}<p>Chưa có bước xử lý nào.</p>")
    texts = {} if texts is None else texts
    items = "".join([
        f'  <li><strong>{kept_escape(step["label"])}</strong> <span class="meta">'
        f'{written(step["at"], texts)}</span>'
        f'{f"""<span class="pre">{escape(step["note"])}</span>""" if step["note"] else ""}'
        f"</li>\n" for step in steps])
    return Markup(f'{heading}<ol class="timeline">\n{items}</ol>\n')


def found(request, result: Mapping[str, Any], facts: Mapping[str, Any] | None) -> Markup:
    """A found dossier: its facts, what to do next, its timeline, and for a signed-in
    applicant a link to the full page (shown to any citizen: the page itself checks)."""
    received, due, returned = result["received_at"], result["due_at"], result["returned_at"]
    status, texts = result["status"], {}
    lines = [
        '<section class="card" aria-labelledby="kq">\n'
        f'  <h2 id="kq">Hồ sơ {code_breaks(result["code"])}</h2>\n'
        '  <dl class="facts">\n'
        f'    <dt>Thủ tục</dt><dd>{kept_escape(result["procedure_name"])}</dd>\n'
        f'    <dt>Cơ quan</dt><dd>{kept_escape(result["agency_name"])}</dd>\n'
        '    <dt>Trạng thái</dt><dd><strong>'
        f'{kept_escape(STATUS_LABELS.get(status, str(status)))}</strong></dd>\n'
        '    <dt>Ngày tiếp nhận</dt><dd>'
        f'{written(received, texts) if received else NOT_RECEIVED}</dd>\n'
        f'    <dt>Ngày hẹn trả</dt><dd>{written(due, texts) if due else NO_DUE_DATE}</dd>\n']
    if returned:
        lines.append(f"<dt>Đã trả kết quả</dt><dd>{written(returned, texts)}</dd>")
    if facts:
        lines.append('    <dt>Mã SHA-256 của kết quả điện tử</dt><dd><code class="digest small">'
                     f'{escape(facts["sha256"])}</code></dd>\n')
        lines.extend(f"<dt>Bản giấy chuyển đổi</dt><dd>{format_datetime(c['converted_at'])} · "
                     f"{escape(c['converter_name'])}</dd>" for c in facts["conversions"])
    lines.append("  </dl>\n</section>\n")
    lines.append(next_steps(result["next_steps"]))
    lines.append(timeline(result["timeline"], texts))
    user = request.scope.get("user")
    if user and not user.is_staff:
        page = escape(request.app.route_reverse("portal.dossier", dossier_id=result["dossier_id"]))
        lines.append(f'<p><a href="{page}">Xem đầy đủ hồ sơ của bạn</a> (nếu hồ sơ do tài khoản '
                     "này nộp).</p>")
    return Markup("".join(lines))


class LookupView:
    """One per Jinja environment (its app's routes): a template global. The kept form may
    depend on nothing of a request but its app's routes (url_for), the code and digits
    typed and whether the code came from a QR code."""

    def __init__(self, env: Environment):
        self.env = env
        self._forms = KeptPieces(env, (CODE, DIGITS))  # by "prefilled"
        # by (kind of visitor, branch)
        self._pages = KeptPieces(env, (HEAD, TOP, FOOT, FOUND, FORM, PROBLEM, MINUTES, CODE))
        self.found, self.timeline, self.next_steps = found, timeline, next_steps

    # Tests set this to have the route render the template in full, to compare with.
    bypassed = False

    def page(self, request, context: Mapping[str, Any]) -> str | None:
        """`public/lookup.html` drawn for this request and `context` (the route's), or None
        when the page must show a kept form's notice: render the template then."""
        if self.bypassed or kept_form(request) is not None:
            return None
        chrome = self.env.globals["chrome"]
        branch = _branch(context)
        token = csrf_token({"request": request})
        ma, so, prefilled = context["ma"], context["so"], context.get("prefilled")
        values = {
            HEAD: chrome.head(request),
            # Litestar's `csrf_input` (litestar.response.Template.create_template_context)
            TOP: chrome.top(request, token, f'<input type="hidden" name="_csrf_token" '
                                            f'value="{html.escape(token)}" />'),
            FOOT: chrome.foot(request),
            FORM: self.form(request, ma, so, prefilled),
            CODE: escape(ma),
        }
        if branch == "found":
            values[FOUND] = found(request, context["result"], context.get("result_facts"))
        elif branch == "problem":
            values[PROBLEM] = escape(context["problem"])
        elif branch == "throttled":
            values[MINUTES] = escape(context["throttled_minutes"])
        return self._pages.fill((chrome.variant(request.scope.get("user")), branch),
                                lambda: self._marked_page(request, branch), values)

    def _marked_page(self, request, branch: str) -> str:
        """The page of this branch with markers in place of every value that changes from
        request to request."""
        return self.env.get_template(PAGE_TEMPLATE).render(
            request=request, csrf_token=lambda: "", csrf_input="", kept_form=lambda _: None,
            chrome=_MarkedChrome(), lookup_view=_MarkedView(), ma=CODE, so=DIGITS,
            result=branch == "found", result_facts=None,
            problem=PROBLEM if branch == "problem" else None,
            throttled_minutes=MINUTES if branch == "throttled" else None,
            prefilled=branch == "prefilled", searched=branch in ("found", "searched"))

    def form(self, request, ma: str, so: str, prefilled: Any) -> Markup:
        """The lookup form with what was typed (`public/_lookup_form.html`)."""
        prefilled = bool(prefilled)
        return Markup(self._forms.fill(prefilled, lambda: self.env.get_template(
            FORM_TEMPLATE).render(request=request, ma=CODE, so=DIGITS, prefilled=prefilled),
            {CODE: escape(ma), DIGITS: escape(so)}))


def _branch(context: Mapping[str, Any]) -> str:
    """Which part of `public/lookup.html` shows, in the template's order."""
    if context.get("result"):
        return "found"
    for branch in ("problem", "throttled_minutes", "prefilled", "searched"):
        if context.get(branch):
            return branch.removesuffix("_minutes")
    return "empty"


class _MarkedChrome:
    """`app.web.chrome.Chrome` while a page is drawn with markers: its parts are filled
    per request (their own kept pieces, by kind of visitor)."""

    def head(self, request) -> Markup:
        return Markup(HEAD)

    def top(self, request, token: str, csrf_input: str) -> Markup:
        return Markup(TOP)

    def foot(self, request) -> Markup:
        return Markup(FOOT)


class _MarkedView:
    """`LookupView` while the page is drawn with markers."""

    def found(self, request, result, facts) -> Markup:
        return Markup(FOUND)

    def form(self, request, ma, so, prefilled) -> Markup:
        return Markup(FORM)
