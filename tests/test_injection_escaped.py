"""HTML and script typed into fields, with Vietnamese text around it, is shown as text on
every page that displays it (applicant pages, the counter's queue, the dossier page, the
slip and its PDF); templates mark as safe only markup the server made itself."""

from __future__ import annotations

import re
from pathlib import Path

from app.dossiers.tables import Dossier
from tests.test_web_submission import PDF, citizen, post, start  # noqa: F401 (fixture)

PAYLOAD = 'Nguyễn <script>alert("xss")</script><img src=x onerror=alert(1)> Văn "An" \' &'
ESCAPED = "Nguyễn &lt;script&gt;alert("
TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"
# Markup the server builds itself (CSRF field, QR codes as SVG) is the only |safe allowed.
SAFE_ALLOWED = {"csrf_input", "qr_svg", "qr", "lookup_qr"}


def test_injected_markup_is_escaped_everywhere_it_is_shown(client, citizen):  # noqa: F811
    base = start(client, citizen)
    saved = post(client, base + "/nguoi-nop", base + "/nguoi-nop", {
        "applicant_name": PAYLOAD, "applicant_phone": "0905123456",
        "applicant_id_number": "062190001234",
        "applicant_address": f"Thôn 3 {PAYLOAD}"})
    assert saved.status_code == 303
    first, second, _ = citizen["components"]
    post(client, base + "/thanh-phan", base + "/thanh-phan", {"next": "1"}, files={
        f"file-{first}": ("<b>to-khai</b>.pdf", PDF, "application/pdf"),
        f"file-{second}": ("cccd.pdf", PDF + b"%2", "application/pdf")})
    assert post(client, base + "/kiem-tra", base + "/nop").status_code == 303
    dossier_id = Dossier.select(Dossier.id).where(
        Dossier.applicant_name == PAYLOAD).first().run_sync()["id"]
    # Received, so that its slip exists (a dossier never received has none: issue #16).
    Dossier.update({Dossier.received_at: Dossier.created_at, Dossier.status: 2}).where(
        Dossier.id == dossier_id).run_sync()

    pages = [base + "/kiem-tra", base + "/da-nop"]
    shown = {url: client.get(url).text for url in pages}
    client.cookies.set("motcua_session", citizen["counter_cookie"])
    for url in ("/can-bo/hang-doi?pham_vi=don-vi", f"/can-bo/ho-so/{dossier_id}",
                f"/can-bo/ho-so/{dossier_id}/phieu-hen"):
        shown[url] = client.get(url).text
    for url, html in shown.items():
        if not url.endswith("/da-nop"):  # the confirmation shows the code, not the name
            assert ESCAPED in html, f"{url} does not show the name"
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "<b>to-khai</b>" not in html, url

    # The printable slip as PDF (WeasyPrint renders the same HTML): the markup is text on
    # the page, and the <img> never becomes a fetch (WeasyPrint would read local files).
    from io import BytesIO

    from pypdf import PdfReader

    from app.documents.pdf import html_to_pdf

    pdf = html_to_pdf(shown[f"/can-bo/ho-so/{dossier_id}/phieu-hen"])
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert '<script>alert("xss")</script>' in text and "<img src=x" in text


def test_templates_mark_only_server_markup_as_safe():
    unsafe = []
    for template in TEMPLATES.rglob("*.html"):
        for match in re.finditer(r"\{\{\s*([\w.]+)[^}]*\|\s*safe", template.read_text()):
            if match.group(1).split(".")[-1] not in SAFE_ALLOWED:
                unsafe.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
    assert unsafe == []
