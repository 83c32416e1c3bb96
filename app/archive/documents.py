"""The documents of one closed dossier, each as archival bytes with its description:
the components supplied, every form as issued, the result (kept as signed, with its
signature report) and the event log.

Forms are rendered from the same templates the staff print, written as PDF/A; a form
issued more than once (supplement requests, apologies) is rendered once per issue, each
with the facts of its own occasion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from app.archive import pdfa
from app.archive import signatures as signed
from app.archive.logic import Conversion
from app.archive.render import event_log_pdf, pdfa_from_template
from app.dossiers import queries
from app.dossiers.tables import DossierResult, RequestedComponent, StoredFile
from app.files import store
from app.formatting import now_utc, to_local
from app.legal_forms import service as forms
from app.legal_forms.sets import FORM_EVENTS, FormKind

# The type of each form (tên loại văn bản).
FORM_TYPES = {FormKind.RECEIPT: "Giấy", FormKind.SUPPLEMENT: "Phiếu", FormKind.REFUSAL: "Phiếu",
              FormKind.APOLOGY: "Phiếu", FormKind.STOP_NOTICE: "Thông báo",
              FormKind.CONTROL_SHEET: "Phiếu"}
REPEATED = frozenset({FormKind.SUPPLEMENT, FormKind.APOLOGY})


@dataclass(frozen=True)
class Piece:
    """One document before it is numbered: bytes and the TT 02/2019 description."""

    source: str  # component | form | result | signature_report | event_log
    name: str
    data: bytes
    conversion: Conversion
    pages: int
    doc_date: date
    doc_type: str
    summary: str
    issuing_agency: str = ""
    signer: str = ""
    number_symbol: str = ""
    reliability: str = "Gốc điện tử"
    format: str = pdfa.PDFA_FORMAT
    extension: str = "pdf"


def _day(moment: datetime | None) -> date:
    return to_local(moment or now_utc()).date()


async def component_pieces(dossier: dict) -> list[Piece]:
    pieces = []
    for component in dossier["components"]:
        if component["file"] is None:
            continue  # paper only: named in the file's notes
        stored = await StoredFile.select().where(StoredFile.id == component["file"]).first()
        made = pdfa.to_pdfa(store.read(stored["sha256"]), stored["content_type"])
        scanned = component["digitised"] or stored["content_type"] != "application/pdf"
        pieces.append(Piece(
            source="component", name=component["name"], data=made.data,
            conversion=made.conversion, pages=made.pages,
            doc_date=_day(dossier["received_at"] or dossier["created_at"]),
            doc_type="Thành phần hồ sơ", summary=component["name"],
            issuing_agency=dossier["applicant_name"],
            reliability="Số hóa" if scanned else "Gốc điện tử"))
    return pieces


def _occasions(dossier: dict, kind: FormKind) -> list[dict]:
    """The dossier as it stood at each issue of the form: events up to that issue."""
    events = dossier["events"]
    wanted = FORM_EVENTS[kind]
    if kind not in REPEATED:
        return [dossier]
    cuts = [i for i, e in enumerate(events) if e["action"] in wanted]
    return [{**dossier, "events": events[:i + 1]} for i in cuts]


async def _issue_context(dossier: dict, kind: FormKind) -> dict:
    """The form as issued then: `dossier` is cut at the issue's event, so the letter gets
    that issue's facts and register number (an apology: its own, chosen by the forms)."""
    context = await forms.form_context(dossier, kind)
    event = context["event"]
    if kind == FormKind.SUPPLEMENT:
        context["requested"] = await RequestedComponent.select(
            RequestedComponent.procedure_component.id.as_alias("id"),
            RequestedComponent.procedure_component.name.as_alias("name"),
        ).where((RequestedComponent.dossier == dossier["id"])
                & (RequestedComponent.requested_at == event["at"])).order_by(
            RequestedComponent.procedure_component.position)
    return context


async def form_pieces(dossier: dict) -> list[Piece]:
    pieces = []
    for spec in forms.offered_forms(dossier):
        for occasion in _occasions(dossier, spec.kind):
            context = await _issue_context(occasion, spec.kind)
            event = context["event"] or {}
            data = pdfa_from_template(f"legal_forms/{spec.layout}.html", context)
            pieces.append(Piece(
                source="form", name=f"mau {spec.number} {spec.title}", data=data,
                conversion=Conversion.RENDERED, pages=pdfa.page_count(data),
                doc_date=_day(event.get("at")), doc_type=FORM_TYPES[spec.kind],
                summary=f"{spec.title} (Mẫu số {spec.number}, {context['form_set'].circular})",
                issuing_agency=context["issuer"]["name"] if context["issuer"] else "",
                signer=event.get("actor_name") or "", number_symbol=dossier["code"]))
    return sorted(pieces, key=lambda p: p.doc_date)


async def result_pieces(dossier: dict, agency_name: str) -> list[Piece]:
    result = await DossierResult.select(
        DossierResult.all_columns(), DossierResult.signed_by.full_name.as_alias("signer"),
        DossierResult.issued_by.full_name.as_alias("issuer"),
    ).where(DossierResult.dossier == dossier["id"]).first()
    if result is None:
        return []
    digest = result["signed_sha256"] if result["signed_sha256"] and store.verify(
        result["signed_sha256"]) else result["sha256"]
    stored = await StoredFile.select().where(StoredFile.sha256 == digest).first()
    if stored is None:
        return []
    data = store.read(digest)
    summary = f"Kết quả giải quyết hồ sơ {dossier['code']}: {dossier['procedure_name']}"
    common = {"doc_date": _day(result["signed_at"] or result["issued_at"]),
              "issuing_agency": agency_name, "signer": result["signer"] or result["issuer"] or ""}
    if stored["content_type"] == "application/pdf" and signed.is_signed(data):
        return await _signed_pieces(data, digest, summary, common, dossier["code"])
    made = pdfa.to_pdfa(data, stored["content_type"])
    return [Piece(source="result", name="ket qua", data=made.data, conversion=made.conversion,
                  pages=made.pages, doc_type="Kết quả giải quyết TTHC", summary=summary,
                  **common)]


async def _signed_pieces(data: bytes, digest: str, summary: str, common: dict,
                         code: str) -> list[Piece]:
    """The signed result as it is, its signature report, and — when the signed file is not
    PDF/A — a PDF/A copy for long-term reading (whose signature no longer verifies)."""
    claim = pdfa.pdfa_claim(data)
    report = await signed.report(data, digest, now_utc())
    text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True).encode()
    pieces = [
        Piece(source="result", name="ket qua da ky so", data=data,
              conversion=Conversion.SIGNED_KEPT, pages=pdfa.page_count(data),
              doc_type="Kết quả giải quyết TTHC", summary=summary,
              format=f"PDF/A-{claim.lower()}" if claim else "PDF (đã ký số)", **common),
        Piece(source="signature_report", name="bao cao kiem tra chu ky", data=text,
              conversion=Conversion.JSON, pages=0, doc_type="Báo cáo kiểm tra chữ ký số",
              summary=f"Kiểm tra chữ ký số của kết quả hồ sơ {code}", format="JSON",
              extension="json", **common),
    ]
    if not claim:
        copy = pdfa.to_pdfa(data, "application/pdf", signed_copy=True)
        pieces.append(Piece(
            source="result_copy", name="ket qua ban pdfa", data=copy.data,
            conversion=copy.conversion, pages=copy.pages, doc_type="Kết quả giải quyết TTHC",
            summary=f"{summary} — bản PDF/A để đọc lâu dài (chữ ký số xem ở bản gốc)",
            **common))
    return pieces


async def collect(dossier_id: int) -> tuple[dict, list[Piece]]:
    """The dossier (as the forms see it) and its documents in archival order."""
    dossier = await queries.dossier_for_archive(dossier_id)
    pieces = await component_pieces(dossier)
    pieces += await form_pieces(dossier)
    pieces += await result_pieces(dossier, dossier["agency_name"])
    log = await event_log_pdf(dossier)
    pieces.append(Piece(
        source="event_log", name="nhat ky giai quyet ho so", data=log,
        conversion=Conversion.RENDERED, pages=pdfa.page_count(log),
        doc_date=_day(dossier["events"][-1]["at"] if dossier["events"] else None),
        doc_type="Nhật ký", summary=f"Nhật ký giải quyết hồ sơ {dossier['code']}",
        issuing_agency=dossier["agency_name"]))
    return dossier, pieces
