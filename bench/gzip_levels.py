"""Which gzip level for the dynamic pages: bytes on the wire against server CPU.

Renders the hot public pages once through the real app in-process (a scratch database:
migrate, demo catalogue, a few thousand bulk dossiers), then compresses each body the way
Litestar's compression middleware does (`GzipCompression`: write, sync flush, close) at
every level, many times, and prints one table: mean compressed bytes and µs per page, and
what the bytes cost a citizen on Slow 3G (400 kbit/s). The scratch folder is removed.

    .venv/bin/python bench/gzip_levels.py [--repeat 2000]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def compress(body: bytes, level: int) -> bytes:
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
          "and level, best of 5 rounds\n")
    print("| page | bytes | " + " | ".join(f"level {level}" for level in range(1, 10)) + " |")
    print("|---|---:|" + "---:|" * 9)
    totals = {level: [0, 0.0] for level in range(1, 10)}
    for name, body in pages.items():
        cells = []
        for level in range(1, 10):
            rounds = []  # the best of 5 rounds: the machine may be shared
            for _ in range(5):
                started = time.perf_counter()
                for _ in range(args.repeat // 5):
                    out = compress(body, level)
                rounds.append((time.perf_counter() - started) / (args.repeat // 5) * 1e6)
            micros = min(rounds)
            totals[level][0] += len(out)
            totals[level][1] += micros
            cells.append(f"{len(out):,} B, {micros:.0f} µs")
        print(f"| {name} | {len(body):,} | " + " | ".join(cells) + " |")
    n = len(pages)
    print("| **mean** | | " + " | ".join(
        f"{b / n:,.0f} B, {us / n:.0f} µs, 3G {b / n / SLOW_3G_BYTES_PER_S * 1000:.1f} ms"
        for b, us in totals.values()) + " |")


if __name__ == "__main__":
    main()
