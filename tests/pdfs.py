"""Small PDFs written byte by byte for tests: real, parseable documents (what citizens
upload) and hostile ones (scripts hidden behind name escapes or in compressed object
streams), each with a correct cross-reference section so a reader need not repair it."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PAGE_TREE = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
)


def build(objects: list[bytes], *, catalog_extra: bytes = b"", note: bytes = b"") -> bytes:
    """Object 1 is the catalog (with `catalog_extra`), then `objects` as 2, 3, ...; a
    classic xref table. `note` goes into a comment (e.g. to give the file some size)."""
    body = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>", *objects]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if note:
        out += b"% " + note + b"\n"
    offsets = []
    for number, obj in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body) + 1, xref)
    return bytes(out)


def simple(text: str = "", padding: int = 0) -> bytes:
    """A valid one-page PDF; `text` and `padding` bytes ride in a comment."""
    note = text.encode("ascii", "replace") + b" " + b"0" * padding if text or padding else b""
    return build(list(PAGE_TREE), note=note.strip())


def with_action(action: bytes) -> bytes:
    """A valid PDF whose catalog opens `action` (object 4) when the file is opened."""
    return build([*PAGE_TREE, action], catalog_extra=b"/OpenAction 4 0 R")


def with_hidden_stream_object(action: bytes) -> bytes:
    """A PDF 1.5 file whose action object 4 lives compressed inside an object stream
    (object 5), listed by a cross-reference stream (object 6): invisible to a byte search."""
    head = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    plain = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", *PAGE_TREE]
    inner = b"4 0 " + action
    packed = zlib.compress(inner)
    objstm = (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
              % len(packed) + packed + b"\nendstream")
    out, offsets = bytearray(head), {}
    for number, obj in [(1, plain[0]), (2, plain[1]), (3, plain[2]), (5, objstm)]:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 7):
        if number == 4:
            rows.append(struct.pack(">BIH", 2, 5, 0))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    data = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % len(data) + data + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def zip_of(name: str, text: str) -> bytes:
    """A ZIP archive (stored, not compressed): what a PDF/ZIP polyglot carries at its end."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(name, text)
    return out.getvalue()
