"""Which gzip level for the dynamic pages: bytes on the wire against server CPU.

Renders the hot public pages once through the real app in-process (a scratch database:
migrate, demo catalogue, a few thousand bulk dossiers), then compresses each body the way
Litestar's compression middleware does (`GzipCompression`: write, sync flush, close) at
every zlib level, and in one call as `app.web.compression` does with zlib, ISA-L
(python-isal, levels 0-3) and zlib-ng (only if installed: it is not a dependency), many
times, and prints one row per codec and level: bytes and µs per page, the mean, and what
the mean costs a citizen on Slow 3G (400 kbit/s) and on 2G (~40 kbit/s). The scratch
folder is removed.

A tight loop keeps the compressor's state warm in the CPU's caches: inside the server,
between requests, the same call costs more (zlib level 4 ~60-70 µs a page against ~20
here; ISA-L ~25-33), so choose by the in-server numbers in bench/RESULTS.md and use this
table for the bytes.

    .venv/bin/python bench/gzip_levels.py [--repeat 2000]
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from isal import isal_zlib
from litestar.config.compression import CompressionConfig
from litestar.middleware.compression.gzip_facade import GzipCompression

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home /": ("/", {}),
    "lookup /tra-cuu (found)": ("/tra-cuu", None),
    "search /thu-tuc?q=giay phep": ("/thu-tuc?q=giay+phep", {}),
    "search fragment": ("/thu-tuc?q=giay+phep", {"HX-Request": "true",
                                                 "HX-Target": "search-results"}),
    "procedure page": ("/thu-tuc/1", {}),
}
SLOW_3G_BYTES_PER_S = 400_000 / 8
TWO_G_BYTES_PER_S = 40_000 / 8
GZIP_WBITS = 31


def litestar_gzip(body: bytes, level: int) -> bytes:
    buffer = io.BytesIO()
    facade = GzipCompression(buffer, "gzip", CompressionConfig(backend="gzip",
                                                                gzip_compress_level=level))
    facade.write(body)
    facade.close()
    return buffer.getvalue()


def bodies(var_dir: Path) -> dict[str, bytes]:
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir), "PYTHONPATH": str(ROOT)}
    for args in (["migrate"], ["seed", "--demo"], ["seed", "--dossiers", "3000"]):
        subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import sqlite3

    from litestar.testing import TestClient

    from app.main import create_app

    with sqlite3.connect(var_dir / "motcua.db") as conn:
        code, phone = conn.execute("SELECT code, applicant_phone FROM dossier "
                                   "ORDER BY id LIMIT 1").fetchone()
    found = {}
    with TestClient(app=create_app(), base_url="http://127.0.0.1") as client:
        for name, (url, headers) in PAGES.items():
            if headers is None:
                url, headers = f"/tra-cuu?ma={code}&so={phone[-4:]}", {}
            answer = client.get(url, headers={**headers, "Accept-Encoding": "identity"})
            assert answer.status_code == 200, (name, answer.status_code)
            found[name] = answer.content
    return found


def codecs() -> dict[str, object]:
    """Name -> a function of the body: every way of gzipping a page compared here."""
    found = {f"zlib {level} (Litestar's GzipFile)": (lambda b, lv=level: litestar_gzip(b, lv))
             for level in range(1, 10)}
    found["zlib 4, one call"] = lambda b: zlib.compress(b, 4, GZIP_WBITS)
    for level in range(4):
        found[f"isal {level}, one call"] = lambda b, lv=level: isal_zlib.compress(
            b, lv, GZIP_WBITS)
    try:
        from zlib_ng import zlib_ng
    except ImportError:
        return found
    for level in range(1, 7):
        found[f"zlib-ng {level}, one call"] = lambda b, lv=level: zlib_ng.compress(
            b, lv, GZIP_WBITS)
    return found


def best_micros(function, body: bytes, repeat: int) -> float:
    rounds = []  # the best of 5 rounds: the machine may be shared
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat // 5):
            function(body)
        rounds.append((time.perf_counter() - started) / (repeat // 5) * 1e6)
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-gzip-", dir="/tmp"))
    try:
        pages = bodies(var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.2f}; {args.repeat} compressions per page "
          "and codec, best of 5 rounds\n")
    print("| codec, level | " + " | ".join(f"{name} ({len(body):,} B)"
                                          for name, body in pages.items())
          + " | mean | Slow 3G | 2G |")
    print("|---|" + "---:|" * (len(pages) + 3))
    for codec, function in codecs().items():
        sizes, micros = [], []
        for body in pages.values():
            out = function(body)
            assert gzip.decompress(out) == body, codec
            sizes.append(len(out))
            micros.append(best_micros(function, body, args.repeat))
        mean = sum(sizes) / len(sizes)
        print(f"| {codec} | " + " | ".join(f"{b:,} B, {us:.0f} µs"
                                           for b, us in zip(sizes, micros, strict=True))
              + f" | {mean:,.0f} B, {sum(micros) / len(micros):.0f} µs"
              f" | {mean / SLOW_3G_BYTES_PER_S * 1000:.1f} ms"
              f" | {mean / TWO_G_BYTES_PER_S * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
