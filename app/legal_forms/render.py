"""Rendering a form's template to HTML (for the page and for WeasyPrint) and to PDF."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from litestar import Request

from app.documents.letterhead import dateline
from app.documents.pdf import html_to_pdf
from app.documents.qr import lookup_qr_svg
from app.formatting import now_utc
from app.settings import get_settings


def render_html(request: Request, template: str, context: dict, *, pdf: bool) -> str:
    return compose_html(request.app.template_engine, template,
                        {**context, "request": request}, pdf=pdf)


def compose_html(engine: Any, template: str, context: dict, *, pdf: bool) -> str:
    """A form's HTML from any template engine (the app's, or `offline_engine()` in a
    worker), with the QR to the lookup (never built from a request's Host) and the
    letter's dateline."""
    event = context.get("event")
    moment = context.get("dated_at") or (event or {}).get("at") or now_utc()
    head = context.get("head")
    full = {
        **context, "pdf": pdf,
        "qr": lookup_qr_svg(context["d"]["code"]),  # at the configured public address
        "place_date": dateline(head.place if head else get_settings().province_name, moment),
    }
    return engine.get_template(template).render(**full)


# PDF work is CPU-bound (a quarter of a second to seconds): it runs off the event loop, so
# one officer printing does not stall every other request. One thread, because WeasyPrint
# and Pango are not documented as safe to run concurrently.
_PDF_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")


async def off_loop(work: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_PDF_THREAD, work, *args)


async def render_pdf(request: Request, template: str, context: dict) -> bytes:
    return await off_loop(html_to_pdf, render_html(request, template, context, pdf=True))
