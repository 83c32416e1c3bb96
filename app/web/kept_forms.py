"""No dead ends: a form the server could not take (the form's CSRF cookie expired, the
session ended, the upload was too large, a field too long) is kept for a short while and
the person is sent back to the page the form was on, which shows it again filled in with
the reason. Files are never kept (the message says so).

Only for posts that prove they come from one of our own pages (Origin or Referer on our
host): a forged cross-site post must not fill in someone's form. The kept values sit in
the web process's memory (one web process per VM, like the lookup limiter) under a random
token held in a cookie of the browser that typed them, and go to the first visit of that
page by the same account (or, when the session had ended, by whoever signs in on that
browser); a short life and a bounded store keep memory small.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.response import Redirect
from litestar.utils.scope.state import ScopeState

from app.settings import get_settings
from app.web.forms import clean_fields

KEPT_COOKIE = "motcua_giu"
KEEP_SECONDS = 3600
MAX_ENTRIES = 1000
MAX_ENTRY_CHARS = 32_000

REASONS = {
    "csrf": "Biểu mẫu chưa được gửi vì trang đã mở quá lâu hoặc trình duyệt đã xoá cookie "
            "của trang.",
    "session": "Phiên đăng nhập đã hết hạn nên biểu mẫu chưa được gửi.",
    "too_large": "Dữ liệu gửi lên quá lớn nên chưa được gửi: mỗi tệp tối đa 5 MB, cả hồ sơ "
                 "tối đa 20 MB.",
}
FILES_NOT_KEPT = "Tệp đính kèm đã chọn chưa được gửi: hãy chọn lại tệp."


@dataclass
class KeptForm:
    page: str  # path of the page the form was on
    values: dict[str, str]
    reason: str
    had_files: bool
    user_id: int | None
    expires: float
    refilled: bool = False  # set when the page filled its fields from `values`


class KeptForms:
    """Bounded, short-lived, in memory; the caller passes the time (tested without sleeping)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: dict[str, KeptForm] = {}

    def put(self, entry: KeptForm, now: float) -> str:
        self._entries = {k: e for k, e in self._entries.items() if e.expires > now}
        while len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))
        token = secrets.token_urlsafe(24)
        self._entries[token] = entry
        return token

    def take(self, token: str, page: str, user_id: int | None, now: float) -> KeptForm | None:
        """The entry for this page and person, once; None otherwise (left for its page)."""
        entry = self._entries.get(token)
        if entry is None or entry.expires <= now:
            self._entries.pop(token, None)
            return None
        if entry.page != page or (entry.user_id is not None and entry.user_id != user_id):
            return None
        return self._entries.pop(token)

    def clear(self) -> None:
        self._entries.clear()


STORE = KeptForms()


def origin_page(request: Request) -> str | None:
    """The path (and query) of our page the form was posted from, or None when the post
    does not show it came from our own site."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != host:
        return None
    referer = urlsplit(request.headers.get("referer", ""))
    if not host or referer.netloc != host or not referer.path.startswith("/") \
            or referer.path.startswith("//"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def posted_fields(request: Request) -> tuple[dict[str, str], bool]:
    """The text fields already parsed (the CSRF check reads every form post) and whether
    files came with them. Nothing is read from the network here."""
    form = ScopeState.from_scope(request.scope).form
    if not isinstance(form, dict):
        return {}, False
    flat = {k: (v[0] if isinstance(v, list) and v else v) for k, v in form.items()}
    every = [x for v in form.values() for x in (v if isinstance(v, list) else [v])]
    had_files = any(isinstance(x, UploadFile) and x.filename for x in every)
    values, _ = clean_fields(flat)
    return {k: v for k, v in values.items() if "password" not in k}, had_files


def send_back(request: Request, reason: str,
              values: dict[str, str] | None = None) -> Response | None:
    """Keep the form and send the person back to its page (through the login page when the
    session ended); None when the post does not come from our own page."""
    page = origin_page(request)
    if page is None or request.method != "POST":
        return None
    parsed, had_files = posted_fields(request)
    values = parsed if values is None else values
    if sum(len(k) + len(v) for k, v in values.items()) > MAX_ENTRY_CHARS:
        values = {}
    user = request.scope.get("user")
    entry = KeptForm(page=urlsplit(page).path, values=values, reason=reason,
                     had_files=had_files or reason == REASONS["too_large"],
                     user_id=user.id if user else None, expires=time.monotonic() + KEEP_SECONDS)
    token = STORE.put(entry, time.monotonic())
    target = page
    if reason == REASONS["session"]:
        target = f"/dang-nhap?het_phien=1&next={quote(page)}"
    if request.headers.get("hx-request"):
        response: Response = Response(content="", status_code=200, headers={"HX-Redirect": target})
    else:
        response = Redirect(target, status_code=303)
    response.set_cookie(key=KEPT_COOKIE, value=token, max_age=KEEP_SECONDS, httponly=True,
                        samesite="lax", secure=get_settings().https, path="/")
    return response


def restore(request: Request) -> KeptForm | None:
    """The form kept for this page and person, if any (looked up once per request)."""
    state = request.state
    if "kept_form" not in state:
        token = request.cookies.get(KEPT_COOKIE)
        user = request.scope.get("user")
        state.kept_form = None
        if token and request.method == "GET":
            state.kept_form = STORE.take(token, request.url.path, user.id if user else None,
                                         time.monotonic())
    return state.kept_form


def refill(request: Request, values: dict) -> dict:
    """`values` with what the person had typed in place, when their form was kept."""
    kept = restore(request)
    if kept is None:
        return values
    kept.refilled = True
    return {**values, **kept.values}
