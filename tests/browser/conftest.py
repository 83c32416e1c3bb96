"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is the real app under uvicorn on a free port with its own var/ folder,
migrated and loaded with the demo province by the same CLI `make run` uses.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import drop_database, empty_database_url
from tests.sql import query_on

CHROMIUM = "/usr/bin/chromium"
# What the live server expects from the SMS gateway calling its inbound webhook.
SMS_INBOUND_TOKEN = "sms-gateway-token-for-browser-tests"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    var_dir: Path
    env: dict

    @property
    def database_url(self) -> str:
        return self.env["MOTCUA_DATABASE_URL"]

    def cli(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "app", *args], env=self.env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def execute(self, sql: str, *params) -> None:
        """A write the scenario needs from outside the app (a procedure, time passing)."""
        query_on(self.database_url, sql, *params)

    def query(self, sql: str, *params) -> list[tuple]:
        return query_on(self.database_url, sql, *params)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> LiveServer:
    var_dir = tmp_path_factory.mktemp("live-var")
    env = {**os.environ, "MOTCUA_VAR_DIR": str(var_dir), "MOTCUA_PAYMENT_GATEWAY": "sandbox",
           "MOTCUA_POPULATION_REGISTRY": "sandbox",
           "MOTCUA_SMS_INBOUND_TOKEN": SMS_INBOUND_TOKEN,
           # As `make run`: sign-in with the sandbox national identity provider (VNeID).
           "MOTCUA_VNEID": "sandbox",
           # As `make run`: signatures chain to the demo CA that `seed --demo` makes.
           "MOTCUA_SIGNING_TRUST_ROOTS": str(var_dir / "demo-signing" / "ca.pem"),
           "MOTCUA_DATABASE_URL": empty_database_url(var_dir)}
    port = free_port()
    env["MOTCUA_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    server = LiveServer(url=f"http://127.0.0.1:{port}", var_dir=var_dir, env=env)
    server.cli("migrate")
    server.cli("seed", "--demo", "--dossiers", "400")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90  # a loaded 2-core machine starts slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code in (200, 503):
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError(process.stderr.read().decode())
    from tests.browser.helpers import SERVER_DATABASES

    SERVER_DATABASES[server.url] = server.database_url
    yield server
    process.terminate()
    process.wait(timeout=10)
    drop_database(server.database_url)
