"""PAdES signing and validation of PDF files with pyHanko. CPU only: no database, no clock.

`sign` adds an incremental PAdES signature (ETSI.CAdES.detached) with a visible stamp on the
last page; `inspect` reduces a file's last signature to `SignatureFacts` for the rules in
`app.signatures.logic`. Callers run both in a thread (`asyncio.to_thread`): signing costs
tens of milliseconds, the first use of the stamp font a little more. Both must run outside
the event loop's thread: pyHanko drives its own loop with `asyncio.run`.
"""

from __future__ import annotations

import functools
import io
import logging
import warnings
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509

with warnings.catch_warnings():  # pyHanko imports cryptography's deprecated DSA module
    warnings.simplefilter("ignore")
    from pyhanko import stamp
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

from app.signatures.logic import SignatureFacts

log = logging.getLogger(__name__)
# fontTools reports every table and glyph it keeps at INFO (~80 KB for one stamp); the app
# logs INFO, so without this each signature floods the log (and a piped stderr fills up).
logging.getLogger("fontTools").setLevel(logging.WARNING)
STAMP_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 230, 62, 28


class SigningFailed(ValueError):
    """The file or the key cannot be used for signing; the text is Vietnamese."""


# Latin with Vietnamese letters and combining marks, the đồng sign, dashes and quotes.
_STAMP_CHARACTERS = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1EA0, 0x1F00),
                     0x20AB, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026]


@functools.cache
def _stamp_font_bytes() -> bytes:
    """DejaVu Sans cut to the characters a stamp uses and rescaled to 1000 units per em.

    pyHanko 0.38 writes glyph widths in font units while PDF reads them per 1000: with
    DejaVu's 2048 the letters of the stamp stand a letter apart. Rescaling fixes the
    spacing; cutting the font first makes that take a fraction of a second (once a process).
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(str(STAMP_FONT))
    options = subset.Options()
    options.layout_features = ["*"]  # keep the mark positioning of stacked diacritics
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=_STAMP_CHARACTERS)
    cutter.subset(font)
    scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _StampFont(GlyphAccumulatorFactory):
    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(_stamp_font_bytes()),
                                font_size=self.font_size, obj_stream=obj_stream)


def load_signer(pkcs12: bytes, passphrase: bytes | None):
    try:
        return signers.SimpleSigner.load_pkcs12_data(pkcs12, (), passphrase=passphrase)
    except ValueError:
        raise SigningFailed("Không mở được tệp khóa ký số (PKCS#12) bằng mật khẩu đã cấu hình."
                            ) from None


def sign(pdf: bytes, pkcs12: bytes, passphrase: bytes | None, *, field: str, stamp_text: str,
         at: datetime, location: str = "", reason: str = "") -> bytes:
    """`pdf` with one more signature (an incremental update), made at `at`."""
    signer = load_signer(pkcs12, passphrase)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        right = _page_width(writer.find_page_for_modification(-1)[0].get_object())
    except Exception:  # a malformed file raises anything; the officer needs one sentence
        raise SigningFailed("Tệp dự thảo không phải PDF đọc được nên không ký được.") from None
    style = stamp.TextStampStyle(
        stamp_text="%(lines)s",
        text_box_style=text.TextBoxStyle(font=_StampFont(str(STAMP_FONT), font_size=8),
                                         font_size=8),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field, name=stamp_text.splitlines()[0].removeprefix("Ký bởi: "),
        location=location or None, reason=reason or None,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    spec = fields.SigFieldSpec(field, on_page=-1, box=(
        right - STAMP_MARGIN - STAMP_WIDTH, STAMP_MARGIN, right - STAMP_MARGIN,
        STAMP_MARGIN + STAMP_HEIGHT))
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
    try:
        return _sign_at(pdf_signer, writer, at, {"lines": stamp_text})
    except RuntimeError:  # called from a running event loop: a programming error
        raise
    except Exception:  # pyHanko's errors on a strange file: one sentence, details in the log
        log.exception("signing failed")
        raise SigningFailed("Không ký được tệp: cấu trúc PDF không được hỗ trợ; hãy xuất lại "
                            "tệp PDF rồi thử lại.") from None


def _sign_at(pdf_signer, writer, at: datetime, text_params: dict) -> bytes:
    """pyHanko's `sign_pdf` with the signing time given instead of read from the clock, so
    the stamp, the /M entry and the CMS signing time are one moment the caller chose."""
    import asyncio

    async def run() -> bytes:
        session = pdf_signer.init_signing_session(writer)
        session.system_time = at
        info = await session.perform_presign_validation(writer)
        reserved = await session.estimate_signature_container_size(info, tight=False)
        tbs = session.prepare_tbs_document(validation_info=info, bytes_reserved=reserved,
                                           appearance_text_params=text_params)
        digest, output = tbs.digest_tbs_document(output=io.BytesIO())
        signed = await tbs.perform_signature(
            document_digest=digest.document_digest,
            pdf_cms_signed_attrs=signers.pdf_cms.PdfCMSSignedAttributes(signing_time=at))
        await signed.post_signature_processing(output)
        return output.getvalue()

    return asyncio.run(run())


def inspect(pdf: bytes, trust_roots: list[asn1_x509.Certificate]) -> SignatureFacts:
    """The facts of the file's last signature, checked against `trust_roots` only (no
    network: revocation is not fetched)."""
    if not pdf.startswith(b"%PDF-"):
        return SignatureFacts(readable=False)
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # hostile or broken bytes: unreadable, never a crash
        return SignatureFacts(readable=False)
    if not signatures:
        return SignatureFacts(readable=True)
    last = signatures[-1]
    try:
        context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            status = validate_pdf_signature(last, context)
    except RuntimeError:  # called from a running event loop: a programming error, not a file
        raise
    except Exception:  # a signature whose CMS cannot even be parsed is not intact
        return SignatureFacts(readable=True, signed=True)
    cert = status.signing_cert
    signed_at = status.signer_reported_dt
    if status.timestamp_validity is not None and status.timestamp_validity.intact:
        signed_at = status.timestamp_validity.timestamp  # a TSA's time beats the signer's
    return SignatureFacts(
        readable=True, signed=True, intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted and not status.revoked),
        signer_fingerprint=cert.sha256.hex() if cert is not None else "",
        signer_name=_common_name(cert), signed_at=signed_at,
    )


def _page_width(page) -> float:
    """The right edge of the page's media box, inherited from the page tree if need be."""
    while page is not None:
        if "/MediaBox" in page:
            return float(page["/MediaBox"][2])
        page = page.get("/Parent")
        page = page.get_object() if page is not None else None
    return 595.0  # A4


def _common_name(cert) -> str:
    if cert is None:
        return ""
    return cert.subject.native.get("common_name", "") or cert.subject.human_friendly
