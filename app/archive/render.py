"""Writing the archive's own PDFs as PDF/A: forms as issued (the staff's print templates,
outside any request), and the records the archive adds — event log, indexes, hand-over
record, disposal list — from `archive/pdf/` templates.

Runs in the worker; WeasyPrint's first import there builds its font cache once.
"""

from __future__ import annotations

from typing import Any

from app.directory.queries import letterhead_of
from app.documents.letterhead import Letterhead, dateline
from app.documents.pdf import PDFA_VARIANT, html_to_pdf
from app.formatting import now_utc
from app.legal_forms.render import compose_html
from app.portal.logic import event_label
from app.web.templating import offline_engine


def pdfa_from_template(template: str, context: dict) -> bytes:
    """A legal form of a dossier (context as `legal_forms.service.form_context` builds it);
    its QR opens the public lookup at MOTCUA_PUBLIC_URL."""
    html = compose_html(offline_engine(), template, context, pdf=True)
    return html_to_pdf(html, pdf_variant=PDFA_VARIANT)


def record_pdf(template: str, head: Letterhead, **context: Any) -> bytes:
    """One of the archive's own records (`archive/pdf/<name>.html`) as PDF/A, under the
    letterhead `head` of the agency it speaks for."""
    moment = context.pop("moment", None) or now_utc()
    html = offline_engine().get_template(template).render(
        pdf=True, head=head, place_date=dateline(head.place, moment), **context)
    return html_to_pdf(html, pdf_variant=PDFA_VARIANT)


async def event_log_pdf(dossier: dict) -> bytes:
    rows = [{**e, "label": event_label(e["action"])} for e in dossier["events"]]
    last = dossier["events"][-1]["at"] if dossier["events"] else None
    return record_pdf("archive/pdf/event_log.html", await letterhead_of(dossier["agency"]),
                      d=dossier, rows=rows, moment=last)
