"""QR codes (SVG, segno) that open the public lookup pre-filled with a dossier code."""

from urllib.parse import quote

import segno


def lookup_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/tra-cuu?ma={quote(code)}"


def lookup_qr_svg(base_url: str, code: str, *, scale: int = 3) -> str:
    """Inline SVG (no external request, a few hundred bytes gzipped) for slips, forms and
    confirmation pages."""
    return segno.make(lookup_url(base_url, code), error="m").svg_inline(
        scale=scale, title="Mã QR tra cứu hồ sơ")
