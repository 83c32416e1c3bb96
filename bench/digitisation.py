"""Digitisation costs: the image pipeline on phone-sized photos, Tesseract `vie` per
page, and the staff search over many scans: FTS5 (SQLite) and the portable LIKE fallback.

    .venv/bin/python bench/digitisation.py [--scans 20000]

The search part builds a scratch SQLite file with the `digitised_scan` columns the
query reads, filled with folded Vietnamese-like text (~2,500 characters a scan, about one
A4 page), and times the same condition `app.digitisation.service.search` sends.
"""

from __future__ import annotations

import argparse
import io
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.digitisation import images, ocr, text_index  # noqa: E402
from app.text import fold  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_TEXT = ("giấy chứng nhận quyền sử dụng đất họ và tên ngày sinh nơi cư trú số căn cước "
         "công dân ủy ban nhân dân xã phường tỉnh quảng ngãi kon tum thửa đất diện tích "
         "mục đích thời hạn nguồn gốc sử dụng cấp ngày tháng năm")
WORDS = _TEXT.split()


def timed(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def a4_page(lines=32) -> bytes:
    """A 12-megapixel colour photo of an A4 page of printed Vietnamese text."""
    image = Image.new("RGB", (3000, 4000), (246, 244, 236))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 52)
    rng = random.Random(1)
    for row in range(lines):
        text = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
        draw.text((160, 200 + row * 110), text, fill=(25, 25, 25), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def pipeline() -> None:
    photo = a4_page()
    scan, seconds = timed(lambda: images.normalise_scan(photo))
    print(f"normalise_scan: {len(photo) / 1e6:.2f} MB photo -> {len(scan) / 1e3:.0f} KB, "
          f"{seconds * 1000:.0f} ms")
    upload, seconds = timed(lambda: images.reencode_upload(photo, "image/jpeg")[0])
    print(f"reencode_upload: -> {len(upload) / 1e3:.0f} KB, {seconds * 1000:.0f} ms")
    pdf, seconds = timed(lambda: images.pages_to_pdf([scan] * 5))
    print(f"pages_to_pdf, 5 pages: {len(pdf) / 1e3:.0f} KB, {seconds * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scan.pdf"
        path.write_bytes(images.pages_to_pdf([scan]))
        text, seconds = timed(lambda: ocr.read_pdf(path, 1), repeat=2)
        print(f"OCR (pdftoppm + tesseract vie, OMP_THREAD_LIMIT=1), 1 page: "
              f"{seconds:.2f} s, {len(text)} characters read")


def search(scans: int) -> None:
    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "bench.db")
        conn.execute("CREATE TABLE digitised_scan (id INTEGER PRIMARY KEY, dossier INTEGER, "
                     "status TEXT, text_folded TEXT)")
        conn.executemany("INSERT INTO digitised_scan (dossier, status, text_folded) "
                         "VALUES (?, 'done', ?)",
                         ((i, fold(" ".join(rng.choice(WORDS) for _ in range(380))))
                          for i in range(scans)))
        conn.execute("INSERT INTO digitised_scan (dossier, status, text_folded) VALUES "
                     "(-1, 'done', 'ho va ten nguyen thi hong nhung')")
        conn.commit()
        size = (Path(folder) / "bench.db").stat().st_size
        sql = ("SELECT dossier FROM digitised_scan WHERE status = 'done' AND "
               "text_folded LIKE ? AND text_folded LIKE ? ORDER BY id DESC LIMIT 500")
        for terms in (("%hong%", "%nhung%"), ("%quyen%", "%dat%")):
            rows, seconds = timed(lambda: conn.execute(sql, terms).fetchall())  # noqa: B023
            print(f"LIKE search {terms} over {scans:,} scans ({size / 1e6:.0f} MB): "
                  f"{len(rows)} rows, {seconds * 1000:.0f} ms")
        # The FTS5 index of migration 000006, built the same way ('rebuild').
        conn.execute("CREATE VIRTUAL TABLE digitised_scan_fts USING fts5(text_folded, "
                     "content='digitised_scan', content_rowid='id', tokenize='unicode61')")
        _, seconds = timed(lambda: conn.execute(
            "INSERT INTO digitised_scan_fts(digitised_scan_fts) VALUES ('rebuild')"), 1)
        conn.commit()
        print(f"FTS5 rebuild over {scans:,} scans: {seconds:.1f} s")
        for terms in (["hong", "nhung"], ["quyen", "dat"]):
            match = text_index.fts_match(terms)
            rows, seconds = timed(lambda: conn.execute(  # noqa: B023
                "SELECT rowid FROM digitised_scan_fts WHERE digitised_scan_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT 2000", (match,)).fetchall())  # noqa: B023
            print(f"FTS5 search {match}: {len(rows)} rows, {seconds * 1000:.1f} ms")
        conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=20000)
    args = parser.parse_args()
    pipeline()
    search(args.scans)
