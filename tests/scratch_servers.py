"""PostgreSQL 15, Redis and an S3 stand-in for a test run, started on loopback.

Never system services: `initdb` makes a throwaway cluster (trust authentication, 127.0.0.1
only, a free port), `redis-server` listens on another free port with no persistence,
`moto_server` (moto's S3) on a third, and each is stopped by its own PID when the run
ends. PostgreSQL refuses to run as root, so under root the cluster belongs to the
`postgres` user the Debian package creates.

Also a command line, for trying things by hand:
`python -m tests.scratch_servers` prints the URLs and waits for Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres() -> dict:
    """PostgreSQL will not run as root: run its tools as the `postgres` user then (the
    process itself, not a wrapper, so stopping it by PID reaches the server)."""
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # PostgreSQL: fast shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def start_postgres(max_connections: int = 300, settings: tuple[str, ...] = ()) -> Server:
    """`settings`: more `-c name=value` options, after (so over) the fast test ones."""
    folder = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    log = folder / "initdb.log"
    with open(log, "w") as out:
        subprocess.run([str(PG_BIN / "initdb"), "-D", str(data), "-U", "motcua", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, stdout=out, stderr=subprocess.STDOUT, **_as_postgres())
    port = free_port()
    # Durability is the test machine's least concern: fsync off keeps CREATE DATABASE fast.
    process = subprocess.Popen([
        str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-c",
        "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}",
        "-c", f"max_connections={max_connections}", "-c", "fsync=off",
        "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "shared_buffers=64MB", *(x for setting in settings for x in ("-c", setting))],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "postgres.log", "w"), **_as_postgres())  # noqa: SIM115
    server = Server(f"postgresql://motcua@127.0.0.1:{port}/postgres", process, folder)
    try:
        _wait_for_port(port, process, "postgres", folder / "postgres.log")
        _wait_ready(port)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = subprocess.run([str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                              capture_output=True)
        if done.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("postgres is not ready")


def start_redis() -> Server:
    folder = Path(tempfile.mkdtemp(prefix="motcua-redis-"))
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=open(folder / "redis.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    server = Server(f"redis://127.0.0.1:{port}/0", process, folder)
    try:
        _wait_for_port(port, process, "redis-server", folder / "redis.log")
    except BaseException:
        server.stop()
        raise
    return server


S3_BUCKET = "motcua-tests"
# moto accepts any credentials; boto3 only needs some to sign with.
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "thu-nghiem", "AWS_SECRET_ACCESS_KEY": "bi-mat",
                  "AWS_DEFAULT_REGION": "us-east-1"}


def start_s3() -> Server:
    """moto's S3 server with the bucket `S3_BUCKET`; the URL is the endpoint."""
    import boto3

    folder = Path(tempfile.mkdtemp(prefix="motcua-s3-"))
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=open(folder / "moto.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    server = Server(f"http://127.0.0.1:{port}", process, folder)
    try:
        _wait_for_port(port, process, "moto_server", folder / "moto.log")
        boto3.client("s3", endpoint_url=server.url,
                     aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                     region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"]).create_bucket(
            Bucket=S3_BUCKET)
    except BaseException:
        server.stop()
        raise
    return server


if __name__ == "__main__":
    pg, redis = start_postgres(), start_redis()
    print(f"MOTCUA_DATABASE_URL={pg.url}\nMOTCUA_HUEY_URL={redis.url}", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        pg.stop()
        redis.stop()
