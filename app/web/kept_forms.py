"""No dead ends: a form the server could not take (the form's CSRF cookie expired, the
session ended, the upload was too large, a field too long) is kept for a short while and
the person is sent back to the page the form was on, which shows it again filled in with
the reason. Files are never kept (the message says so).

Only for posts that prove they come from one of our own pages (Origin or Referer on our
host): a forged cross-site post must not fill in someone's form. The kept values sit in
the short cache (app.web.short_cache: the web process's memory on one VM, Redis shared by
every process with MOTCUA_CACHE_URL, so the page may be served by another process) under a
random token held in a cookie of the browser that typed them, and go to the first visit of that
page by the same account (or, when the session had ended, by whoever signs in on that
browser); a short life and a bounded store keep memory small.

Staff forms come back too (`refill(request, values, whole=…)`): a page with several forms
gets back only the fields of the form that was sent (`kept.action`, the path it posted
to), and a form that posts all of its page's values replaces them, so a box the person
unticked stays unticked. Passwords, one-time codes and files are never kept. A form on a
page that a post itself drew (an error shown again, a preview) goes back to the nearest
page above it that can be opened, since the post's own address cannot.
"""

from __future__ import annotations

import re
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
from app.web.short_cache import ShortCache, short_cache

KEPT_COOKIE = "motcua_giu"
KEEP_SECONDS = 3600
MAX_ENTRIES = 1000
MAX_ENTRY_CHARS = 32_000
TOKEN_CHARS = 32  # secrets.token_urlsafe(24); a longer cookie is not ours

REASONS = {
    "csrf": "Biểu mẫu chưa được gửi vì trang đã mở quá lâu hoặc trình duyệt đã xoá cookie "
            "của trang.",
    "session": "Phiên đăng nhập đã hết hạn nên biểu mẫu chưa được gửi.",
    "too_large": "Dữ liệu gửi lên quá lớn nên chưa được gửi: mỗi tệp tối đa 5 MB, cả hồ sơ "
                 "tối đa 20 MB.",
}
FILES_NOT_KEPT = "Tệp đính kèm đã chọn chưa được gửi: hãy chọn lại tệp."
# Pages whose "code" is a one-time code (second factor, recovery), never kept.
ONE_TIME_CODE_PAGES = ("/dang-nhap/xac-thuc", "/dang-nhap/thiet-lap-xac-thuc", "/quen-mat-khau/")


def is_secret(name: str, action: str) -> bool:
    """A field never kept: passwords and passphrases anywhere, one-time codes where asked."""
    return "password" in name or "passphrase" in name or (
        name == "code" and action.startswith(ONE_TIME_CODE_PAGES))


@dataclass
class KeptForm:
    page: str  # path of the page the form was on
    values: dict[str, str | list[str]]  # a list for a name sent several times (tick boxes)
    reason: str
    had_files: bool
    user_id: int | None
    expires: float
    refilled: bool = False  # set when the page filled its fields from `values`
    action: str = ""  # path the form posted to: which of the page's forms it was


class KeptForms:
    """Short-lived, taken once; the caller passes the (wall-clock) time, so it is tested
    without sleeping. Entries live in a short cache (app.web.short_cache): this process's
    memory, bounded, or Redis shared by every web process when MOTCUA_CACHE_URL is set."""

    def __init__(self, cache: ShortCache):
        self.cache = cache

    def put(self, entry: KeptForm, now: float) -> str:
        token = secrets.token_urlsafe(24)
        self.cache.put(token, entry, now, entry.expires - now)
        return token

    def take(self, token: str, page: str, user_id: int | None, now: float) -> KeptForm | None:
        """The entry for this page and person, once (on any process); None otherwise (left
        for its page)."""
        if len(token) > TOKEN_CHARS:
            return None
        entry = self.cache.get(token, now)
        if entry is None or entry.expires <= now:
            return None
        if entry.page != page or (entry.user_id is not None and entry.user_id != user_id):
            return None
        return entry if self.cache.delete(token) else None

    def clear(self) -> None:
        self.cache.clear()


STORE = KeptForms(short_cache("kept_forms", MAX_ENTRIES))


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


def posted_fields(request: Request) -> tuple[dict[str, str | list[str]], bool]:
    """The text fields already parsed (the CSRF check reads every form post), a list for
    a name sent several times, and whether files came with them. Nothing is read from
    the network here; secrets (`is_secret`) are left out."""
    form = ScopeState.from_scope(request.scope).form
    if not isinstance(form, dict):
        return {}, False
    every = [x for v in form.values() for x in (v if isinstance(v, list) else [v])]
    had_files = any(isinstance(x, UploadFile) and x.filename for x in every)
    flat = {k: (v[0] if isinstance(v, list) and v else v) for k, v in form.items()}
    values: dict[str, str | list[str]] = dict(clean_fields(flat)[0])
    for name, many in form.items():
        if isinstance(many, list) and len(many) > 1:
            values[name] = [clean_fields({name: v})[0].get(name, "") for v in many
                            if isinstance(v, str)]
    return {k: v for k, v in values.items() if not is_secret(k, request.url.path)}, had_files


def _get_route_patterns(request: Request) -> list[re.Pattern]:
    patterns = []
    for route in request.app.routes:
        if "GET" in route.methods:
            parts = ["[^/]+" if part.startswith("{") else re.escape(part)
                     for part in route.path.split("/")]
            patterns.append(re.compile("/".join(parts) + "/?"))
    return patterns


def page_to_open(request: Request, page: str) -> str:
    """`page`, or when it cannot be opened (the form was on the answer to a post, which
    has no address of its own to GET) the nearest page above it that can."""
    patterns = _get_route_patterns(request)
    path = urlsplit(page).path
    while path not in ("", "/"):
        if any(p.fullmatch(path) for p in patterns):
            return page if path == urlsplit(page).path else path
        path = path.rsplit("/", 1)[0]
    return "/"


def send_back(request: Request, reason: str,
              values: dict[str, str] | None = None) -> Response | None:
    """Keep the form and send the person back to its page (through the login page when the
    session ended); None when the post does not come from our own page."""
    page = origin_page(request)
    if page is None or request.method != "POST":
        return None
    page = page_to_open(request, page)
    parsed, had_files = posted_fields(request)
    values = parsed if values is None else values
    if sum(len(k) + len(str(v)) for k, v in values.items()) > MAX_ENTRY_CHARS:
        values = {}
    user = request.scope.get("user")
    entry = KeptForm(page=urlsplit(page).path, values=values, reason=reason,
                     had_files=had_files or reason == REASONS["too_large"],
                     user_id=user.id if user else None, expires=time.time() + KEEP_SECONDS,
                     action=request.url.path)
    token = STORE.put(entry, time.time())
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
    # The dict behind `request.state`, read directly: every page asks (base.html), and a
    # State object made per call and its Mapping `in` were most of the ~8 µs this took.
    state = request.scope.setdefault("state", {})
    if "kept_form" not in state:
        token = request.cookies.get(KEPT_COOKIE)
        user = request.scope.get("user")
        state["kept_form"] = None
        if token and request.method == "GET":
            state["kept_form"] = STORE.take(token, request.url.path,
                                            user.id if user else None, time.time())
    return state["kept_form"]


def refill(request: Request, values: dict, *, whole: str | None = None,
           forms: tuple[str, ...] = ()) -> dict:
    """`values` with what the person had typed in place, when their form was kept.

    `whole`: the path of the page's main form, which posts every field of `values`: its
    kept fields replace them (an unticked box stays unticked). `forms`: the paths of the
    page's other forms that may be refilled; a form kept from anywhere else is not laid
    over this page's values. The path the kept form posted to is `values["_form"]`, for
    pages whose forms share a field name."""
    kept = restore(request)
    allowed = forms + ((whole,) if whole else ())
    if kept is None or (allowed and kept.action not in allowed):
        return values
    kept.refilled = True
    if kept.action == whole:
        return {**kept.values, "_form": kept.action}
    return {**values, **kept.values, "_form": kept.action}
