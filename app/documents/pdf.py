"""HTML to PDF with WeasyPrint.

Forms and reports are rendered once as HTML (the same template the browser prints) and
converted here. DejaVu Sans is named first in the print CSS because it carries every
Vietnamese glyph; fonts-liberation does not (see STACK-NOTES).
"""

import threading
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"


# WeasyPrint and Pango are not documented as safe to run concurrently; the worker's threads
# (archive, reports) may render at once, so renders take turns within a process.
_RENDER = threading.Lock()
# The archive's PDF/A flavour (app.archive): part 2, level B, as OCRmyPDF writes too.
PDFA_VARIANT = "pdf/a-2b"


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """`pdf_variant=PDFA_VARIANT` writes PDF/A (XMP identification, sRGB output intent)."""
    # Imported here: WeasyPrint's first import builds a font cache (seconds), which the web
    # process should not pay at start-up for pages that never print.
    from weasyprint import HTML

    with _RENDER:
        return HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(pdf_variant=pdf_variant)
