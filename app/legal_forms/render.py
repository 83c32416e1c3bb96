"""Rendering a form's template to HTML (for the page and for WeasyPrint) and to PDF."""

from __future__ import annotations

from datetime import datetime

from litestar import Request

from app.documents.pdf import html_to_pdf
from app.documents.qr import lookup_qr_svg
from app.formatting import now_utc, to_local
from app.settings import get_settings


def place_date(place: str, moment: datetime) -> str:
    """The dateline of an administrative letter: "Quảng Ngãi, ngày 03 tháng 12 năm 2026"."""
    local = to_local(moment)
    return f"{place}, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def render_html(request: Request, template: str, context: dict, *, pdf: bool) -> str:
    engine = request.app.template_engine
    event = context.get("event")
    moment = (event or {}).get("at") or now_utc()
    full = {
        **context, "request": request, "pdf": pdf,
        "qr": lookup_qr_svg(str(request.base_url), context["d"]["code"]),
        "place_date": place_date(get_settings().province_name, moment),
    }
    return engine.get_template(template).render(**full)


def render_pdf(request: Request, template: str, context: dict) -> bytes:
    return html_to_pdf(render_html(request, template, context, pdf=True))
