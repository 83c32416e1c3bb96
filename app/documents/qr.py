"""QR codes (SVG, segno) that open the public lookup pre-filled with a dossier code, at the
configured public address (never the Host a request named)."""

from urllib.parse import quote

import segno

from app.settings import get_settings


def lookup_url(code: str, base_url: str | None = None) -> str:
    base = get_settings().public_url if base_url is None else base_url
    return f"{base.rstrip('/')}/tra-cuu?ma={quote(code)}"


def lookup_qr_svg(code: str, *, base_url: str | None = None, scale: int = 3) -> str:
    """Inline SVG (no external request, a few hundred bytes gzipped) for slips, forms and
    confirmation pages."""
    return segno.make(lookup_url(code, base_url), error="m").svg_inline(
        scale=scale, title="Mã QR tra cứu hồ sơ")
