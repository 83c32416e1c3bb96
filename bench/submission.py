"""Online submission throughput on the real server, without and with Litestream running,
and the resident memory of the web process after the load.

For each mode a scratch var dir under /tmp is migrated, given one procedure with two
required components and 20 citizens with open sessions; the app runs under the Procfile's
uvicorn command (1 worker). Then `--concurrency` clients each submit dossiers the way the
pages do: start a draft, save the applicant, upload two PDFs (multipart), submit. A
submission counts when the submit answers 303 to the confirmation. In the second mode
`litestream replicate -config litestream.yml` replicates both databases to a file replica
in the same scratch dir while the load runs.

    .venv/bin/python bench/submission.py [--concurrency 20] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import pdfs  # noqa: E402  (real one-page PDFs: uploads are parsed before storing)

BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')

SETUP = """
import asyncio, json, sys
from decimal import Decimal
import piccolo_conf  # noqa
from app.accounts import service as accounts
from app.accounts.roles import Role
from app.catalog.tables import Field, Procedure, ProcedureComponent
from app.directory.tables import Agency
from app.system.migrations import migrate

async def main():
    await migrate()
    agency = Agency(code="000.00.17.H55", name="Sở Tư pháp", short_name="Sở Tư pháp")
    await agency.save()
    field = Field(code="BENCH", name="Thử tải")
    await field.save()
    procedure = Procedure(code="BENCH.1", name="Cấp Phiếu lý lịch tư pháp", field=field.id,
                          agency=agency.id, level="tinh", time_limit_amount=Decimal(10),
                          time_limit_unit="working_days", online_level="full")
    await procedure.save()
    components = []
    for position, name in enumerate(["Tờ khai", "Bản chụp CCCD"], 1):
        row = ProcedureComponent(procedure=procedure.id, position=position, name=name,
                                 kind="copy", required=True)
        await row.save()
        components.append(row.id)
    cookies = []
    for n in range(20):
        user = await accounts.create_user(
            username=f"0520900{n:05d}", password="abc12345", full_name=f"Công dân {n}",
            role=Role.CITIZEN, id_number=f"0520900{n:05d}", phone="0905123456")
        cookies.append(accounts.cookie_value(await accounts.start_session(user, "127.0.0.1", "b")))
    print(json.dumps({"procedure": procedure.id, "components": components, "cookies": cookies}))

asyncio.run(main())
"""


def environment(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.pop("AWS_CA_BUNDLE", None)
    env.update({
        "MOTCUA_VAR_DIR": str(var_dir), "MOTCUA_DATABASE": str(var_dir / "motcua.db"),
        "MOTCUA_REPLICA_URL": f"file://{var_dir / 'replica' / 'motcua'}",
        "MOTCUA_HUEY_DATABASE": str(var_dir / "huey.db"),
        "MOTCUA_HUEY_REPLICA_URL": f"file://{var_dir / 'replica' / 'huey'}",
        "PATH": f"{BIN}:{env.get('PATH', '')}",
    })
    return env


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far: on a shared machine, the server's CPU per
    submission compares the code whatever share of the cores the server was given."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB: resident now and the peak."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024)


async def submit(http: httpx.AsyncClient, world: dict, n: int) -> bool:
    token = TOKEN.search((await http.get(f"/thu-tuc/{world['procedure']}")).text)[1]
    started = await http.post(f"/nop-truc-tuyen/bat-dau/{world['procedure']}",
                              data={"_csrf_token": token})
    path = started.headers["location"].rsplit("/", 1)[0]
    await http.post(f"{path}/nguoi-nop", data={
        "_csrf_token": token, "applicant_name": f"Nguyễn Văn {n}",
        "applicant_phone": "0905123456", "applicant_address": "Thôn 1, xã Ia Chim",
        "applicant_id_number": "062190001234"})
    first, second = world["components"]
    unique = os.urandom(16).hex()  # new bytes each time: every upload is stored, not deduplicated
    await http.post(f"{path}/thanh-phan", data={"_csrf_token": token, "next": "1"}, files={
        f"file-{first}": ("to-khai.pdf", pdfs.simple(f"to khai {unique}", 60_000),
                          "application/pdf"),
        f"file-{second}": ("cccd.pdf", pdfs.simple(f"cccd {unique}", 120_000),
                           "application/pdf")})
    done = await http.post(f"{path}/nop", data={"_csrf_token": token})
    return done.status_code == 303 and done.headers["location"].endswith("/da-nop")


async def load(base: str, world: dict, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    failures = [0]
    deadline = time.perf_counter() + seconds
    counter = [0]

    async def client(k: int) -> None:
        cookies = {"motcua_session": world["cookies"][k % len(world["cookies"])]}
        async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=60) as http:
            while time.perf_counter() < deadline:
                counter[0] += 1
                began = time.perf_counter()
                if await submit(http, world, counter[0]):
                    latencies.append(time.perf_counter() - began)
                else:
                    failures[0] += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]  # noqa: E731
    return {"submissions": len(latencies), "failures": failures[0], "elapsed": elapsed,
            "per_second": len(latencies) / elapsed, "p50": pick(0.5), "p95": pick(0.95),
            "p99": pick(0.99)}


def run_mode(with_litestream: bool, concurrency: int, seconds: float) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-submit-"))
    env = environment(var_dir)
    try:
        out = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True, timeout=300).stdout
        import json

        world = json.loads(out.strip().splitlines()[-1])
        port = free_port()
        web = subprocess.Popen([str(BIN / "uvicorn"), "app.main:create_app", "--factory",
                                "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        replicate = None
        if with_litestream:
            replicate = subprocess.Popen([str(BIN / "litestream"), "replicate", "-config",
                                          "litestream.yml"], cwd=ROOT, env=env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(base + "/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(load(base, world, 2, 2))  # warm-up
            rss_before, cpu_before = rss_mb(web.pid), cpu_seconds(web.pid)
            result = asyncio.run(load(base, world, concurrency, seconds))
            result["rss_before"], result["rss_after"] = rss_before, rss_mb(web.pid)
            result["cpu_ms"] = (cpu_seconds(web.pid) - cpu_before) * 1000 / max(
                1, result["submissions"])
            if replicate:
                time.sleep(2)
                result["litestream_rss"] = rss_mb(replicate.pid)
            return result
        finally:
            for proc in (web, replicate):
                if proc:
                    proc.terminate()
                    proc.wait(timeout=15)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    print(f"{args.concurrency} clients, {args.seconds:.0f} s per mode; load average "
          f"{os.getloadavg()[0]:.1f} at start")
    print("| mode | submissions | per second | p50 s | p95 s | p99 s | failures | "
          "web RSS before → after (peak), MB | litestream RSS, MB | web CPU ms per submission |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    failed = []
    for with_litestream in (False, True):
        r = run_mode(with_litestream, args.concurrency, args.seconds)
        if r["failures"] > 0.01 * (r["failures"] + r["submissions"]):
            failed.append(f"{r['failures']} of {r['failures'] + r['submissions']} submissions "
                          f"failed {'with' if with_litestream else 'without'} Litestream")
        mode = "with Litestream" if with_litestream else "without Litestream"
        lite = f"{r['litestream_rss'][0]:.0f}" if "litestream_rss" in r else "—"
        print(f"| {mode} | {r['submissions']} | {r['per_second']:.1f} | {r['p50']:.3f} | "
              f"{r['p95']:.3f} | {r['p99']:.3f} | {r['failures']} | {r['rss_before'][0]:.0f} → "
              f"{r['rss_after'][0]:.0f} ({r['rss_after'][1]:.0f}) | {lite} | "
              f"{r['cpu_ms']:.1f} |", flush=True)
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    if failed:
        sys.exit("FAILED: " + "; ".join(failed) + " (the rate above is not of submissions)")


if __name__ == "__main__":
    main()
