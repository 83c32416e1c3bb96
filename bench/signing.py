"""Ký số costs: importing pyHanko, preparing the stamp font, signing a result PDF with a
PKCS#12 key, and validating a signed file, on results of 1, 5 and 20 pages.

    .venv/bin/python bench/signing.py [--repeat 5]

The CA and the signer are made with `cryptography` (app.signatures.authority), as the tests
and the demo do. Signing and validation are CPU work in a worker thread during a request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.documents.pdf import html_to_pdf  # noqa: E402
from app.formatting import now_utc  # noqa: E402
from app.signatures.authority import issue, make_ca, pkcs12_bytes  # noqa: E402
from app.signatures.logic import stamp_text  # noqa: E402


def result_pdf(pages: int) -> bytes:
    body = "".join(f"<p style='page-break-after: always'>Trang {n}: Quyết định cấp giấy "
                   "phép xây dựng nhà ở riêng lẻ.</p>" for n in range(1, pages + 1))
    return html_to_pdf(f"<html><body style='font-family: DejaVu Sans'>{body}</body></html>")


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    from app.signatures import pades
    print(f"import pyHanko (app.signatures.pades): {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    pades._stamp_font_bytes()
    print(f"stamp font (cut + rescale, once a process): {time.perf_counter() - start:.2f} s")

    ca = make_ca("CA đo hiệu năng", now_utc())
    signer = issue(ca, "Đinh Văn Tâm", now_utc())
    key = pkcs12_bytes(signer, ca, b"bench")
    roots = [pades.asn1_x509.Certificate.load(ca.certificate.public_bytes(Encoding.DER))]
    print("| pages | PDF KB | signed KB | sign ms | validate ms |")
    print("|---:|---:|---:|---:|---:|")
    for pages in (1, 5, 20):
        pdf = result_pdf(pages)
        at = now_utc()
        text = stamp_text("Đinh Văn Tâm", "Sở Tư pháp tỉnh Quảng Ngãi", at)

        def sign(pdf=pdf, at=at, text=text):
            return pades.sign(pdf, key, b"bench", field="Bench", stamp_text=text, at=at)

        signed = sign()
        facts = pades.inspect(signed, roots)
        assert facts.intact and facts.whole_file and facts.trusted, facts
        sign_s = median_seconds(sign, args.repeat)
        check_s = median_seconds(lambda signed=signed: pades.inspect(signed, roots),
                                 args.repeat)
        print(f"| {pages} | {len(pdf) / 1024:.0f} | {len(signed) / 1024:.0f} | "
              f"{sign_s * 1000:.0f} | {check_s * 1000:.0f} |")


if __name__ == "__main__":
    main()
