"""Satisfaction ratings: the link sent after a result is returned, and the counter kiosk
(no login, large touch targets, back to the start after a minute without use)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_429_TOO_MANY_REQUESTS,
)

from app.dossiers import lookup_limit
from app.dossiers.lookup_limit import LookupThrottled
from app.ratings import logic
from app.ratings import service as ratings
from app.web.forms import client_ip, read_form

KIOSK_IDLE_SECONDS = 60  # kiosk.js: reset after this long without a touch or key
# Without scripts a meta refresh resets regardless of activity: longer on the rating form,
# so a slow reader is not cut off mid-answer.
FORM_FALLBACK_SECONDS = 180
THANKS_SECONDS = 8


def _form_context(dossier: dict | None, problem: str | None, error: str = "", **extra):
    return {"d": dossier, "problem": problem, "error": error, "questions": logic.QUESTIONS,
            "scale": logic.SCALE, "values": {}, **extra}


def _throttled_message(exc: LookupThrottled) -> str:
    return (f"Tra cứu sai quá nhiều lần. Vui lòng thử lại sau {exc.minutes} phút "
            "hoặc hỏi cán bộ tại quầy.")


async def _invited(request: Request, token: str) -> tuple[dict | None, str | None, int]:
    """The dossier a rating link names, why it cannot be rated, and the status to answer;
    guessed tokens count against the source like wrong digits."""
    try:
        found = await lookup_limit.attempt(client_ip(request),
                                           lambda: ratings.by_token(token[:100]))
    except LookupThrottled as exc:
        return None, _throttled_message(exc), HTTP_429_TOO_MANY_REQUESTS
    dossier, problem = found or (None, ratings.BAD_LINK)
    return dossier, problem, 200 if dossier else HTTP_404_NOT_FOUND


class RatingController(Controller):
    path = "/danh-gia"

    @get("/{token:str}", name="rating.form")
    async def form(self, request: Request, token: FromPath[str]) -> Template:
        dossier, problem, status = await _invited(request, token)
        return Template("ratings/form.html", context=_form_context(dossier, problem),
                        status_code=status)

    @post("/{token:str}", name="rating.save")
    async def save(self, request: Request, token: FromPath[str]) -> Template:
        dossier, problem, status = await _invited(request, token)
        data = await read_form(request)
        if dossier is None:
            return Template("ratings/form.html", context=_form_context(None, problem),
                            status_code=status)
        try:
            await ratings.save(dossier["id"], data, "web")
        except logic.RatingError as exc:
            return Template("ratings/form.html", status_code=HTTP_400_BAD_REQUEST,
                            context=_form_context(dossier, None, str(exc), values=data))
        return Template("ratings/thanks.html", context={"kiosk": False})


def _kiosk_refusal(error: str, status: int, ma: str = "") -> Template:
    return Template("ratings/kiosk.html", status_code=status,
                    context={"idle": KIOSK_IDLE_SECONDS, "error": error, "ma": ma})


async def _kiosk_dossier(request: Request, ma: str, so: str) -> dict | Template:
    """The rateable dossier for a typed or scanned code and four digits, or the kiosk page
    saying why not (one answer for every reason, see `ratings.NOT_RATEABLE`)."""
    code = ratings.code_from_scan(ma[:200])
    if not lookup_limit.well_formed(code, so):
        return _kiosk_refusal(ratings.BADLY_TYPED, HTTP_400_BAD_REQUEST, code)
    try:
        dossier = await lookup_limit.attempt(client_ip(request),
                                             lambda: ratings.by_code(code, so),
                                             code=code, digits=so)
    except LookupThrottled as exc:
        return _kiosk_refusal(_throttled_message(exc), HTTP_429_TOO_MANY_REQUESTS)
    if dossier is None:
        return _kiosk_refusal(ratings.NOT_RATEABLE, HTTP_404_NOT_FOUND, code)
    return dossier


class KioskController(Controller):
    path = "/kiosk"

    @get("/", name="kiosk.home")
    async def home(self) -> Template:
        return Template("ratings/kiosk.html", context={"idle": KIOSK_IDLE_SECONDS,
                                                       "error": "", "ma": ""})

    @get("/danh-gia", name="kiosk.rate")
    async def rate(self, request: Request) -> Template:
        ma = request.query_params.get("ma", "")[:200]
        so = request.query_params.get("so", "")[:10]
        dossier = await _kiosk_dossier(request, ma, so)
        if isinstance(dossier, Template):
            return dossier
        return Template("ratings/kiosk_form.html", context=_form_context(
            dossier, None, ma=ratings.code_from_scan(ma), so=so, idle=KIOSK_IDLE_SECONDS,
            fallback=FORM_FALLBACK_SECONDS))

    @post("/danh-gia", name="kiosk.save")
    async def save(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        dossier = await _kiosk_dossier(request, data.get("ma", ""), data.get("so", "")[:10])
        if isinstance(dossier, Template):
            return dossier
        try:
            await ratings.save(dossier["id"], data, "kiosk")
        except logic.RatingError as exc:
            return Template("ratings/kiosk_form.html", status_code=HTTP_400_BAD_REQUEST,
                            context=_form_context(dossier, None, str(exc), values=data,
                                                  ma=data.get("ma", ""), so=data.get("so", ""),
                                                  idle=KIOSK_IDLE_SECONDS,
                                                  fallback=FORM_FALLBACK_SECONDS))
        return Template("ratings/thanks.html", context={"kiosk": True, "idle": THANKS_SECONDS})
