"""Satisfaction ratings: the link sent after a result is returned, and the counter kiosk
(no login, large touch targets, back to the start after a minute without use)."""

from __future__ import annotations

import time

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_429_TOO_MANY_REQUESTS,
)

from app.ratings import logic
from app.ratings import service as ratings
from app.web.forms import client_ip, read_form
from app.web.ratelimit import SlidingWindowLimiter

KIOSK_IDLE_SECONDS = 60  # kiosk.js: reset after this long without a touch or key
# Without scripts a meta refresh resets regardless of activity: longer on the rating form,
# so a slow reader is not cut off mid-answer.
FORM_FALLBACK_SECONDS = 180
THANKS_SECONDS = 8
FAILED_KIOSK_LOOKUPS = SlidingWindowLimiter(limit=30, window_seconds=600)


def _form_context(dossier: dict | None, problem: str | None, error: str = "", **extra):
    return {"d": dossier, "problem": problem, "error": error, "questions": logic.QUESTIONS,
            "scale": logic.SCALE, "values": {}, **extra}


class RatingController(Controller):
    path = "/danh-gia"

    @get("/{token:str}", name="rating.form")
    async def form(self, token: FromPath[str]) -> Template:
        dossier, problem = await ratings.by_token(token)
        return Template("ratings/form.html", context=_form_context(dossier, problem),
                        status_code=200 if dossier else HTTP_404_NOT_FOUND)

    @post("/{token:str}", name="rating.save")
    async def save(self, request: Request, token: FromPath[str]) -> Template:
        dossier, problem = await ratings.by_token(token)
        data = await read_form(request)
        if dossier is None:
            return Template("ratings/form.html", context=_form_context(None, problem),
                            status_code=HTTP_404_NOT_FOUND)
        try:
            await ratings.save(dossier["id"], data, "web")
        except logic.RatingError as exc:
            return Template("ratings/form.html", status_code=HTTP_400_BAD_REQUEST,
                            context=_form_context(dossier, None, str(exc), values=data))
        return Template("ratings/thanks.html", context={"kiosk": False})


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
        ip, now = client_ip(request), time.monotonic()
        if FAILED_KIOSK_LOOKUPS.blocked(ip, now):
            return Template("ratings/kiosk.html", status_code=HTTP_429_TOO_MANY_REQUESTS,
                            context={"idle": KIOSK_IDLE_SECONDS, "ma": "",
                                     "error": "Tra cứu sai quá nhiều lần, vui lòng thử lại sau "
                                              "ít phút hoặc hỏi cán bộ tại quầy."})
        dossier, problem = await ratings.by_code(ma, so)
        if dossier is None:
            FAILED_KIOSK_LOOKUPS.hit(ip, now)
            return Template("ratings/kiosk.html", status_code=HTTP_404_NOT_FOUND,
                            context={"idle": KIOSK_IDLE_SECONDS, "error": problem,
                                     "ma": ratings.code_from_scan(ma)})
        return Template("ratings/kiosk_form.html", context=_form_context(
            dossier, None, ma=ratings.code_from_scan(ma), so=so, idle=KIOSK_IDLE_SECONDS,
            fallback=FORM_FALLBACK_SECONDS))

    @post("/danh-gia", name="kiosk.save")
    async def save(self, request: Request) -> Template | Redirect:
        data = await read_form(request)
        dossier, problem = await ratings.by_code(data.get("ma", ""), data.get("so", ""))
        if dossier is None:
            return Template("ratings/kiosk.html", status_code=HTTP_404_NOT_FOUND,
                            context={"idle": KIOSK_IDLE_SECONDS, "error": problem, "ma": ""})
        try:
            await ratings.save(dossier["id"], data, "kiosk")
        except logic.RatingError as exc:
            return Template("ratings/kiosk_form.html", status_code=HTTP_400_BAD_REQUEST,
                            context=_form_context(dossier, None, str(exc), values=data,
                                                  ma=data.get("ma", ""), so=data.get("so", ""),
                                                  idle=KIOSK_IDLE_SECONDS,
                                                  fallback=FORM_FALLBACK_SECONDS))
        return Template("ratings/thanks.html", context={"kiosk": True, "idle": THANKS_SECONDS})
