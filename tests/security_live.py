"""The app under uvicorn for the security probes: requests come over loopback from chosen
source addresses (127.0.0.x), as an outside prober's would, so the server sees the address
the limits are keyed by. Rows are written in-process into the server's database.

Each test takes its own dossiers and its own source addresses, so tests do not depend on
the order they run in although the server (and its in-memory limits) lives for a module.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from app.db import get_engine
from app.dossiers.logic import Status
from tests import factories
from tests.conftest import database_url_for, drop_database, run, use_var_dir
from tests.live import free_port, query, start_web, stop

SMS_TOKEN = "sms-gateway-token-for-security-tests"
PAYMENT_SECRET = "payment-secret-for-security-tests"
_addresses = itertools.count(10)


def fresh_address() -> str:
    """A loopback source address no other test of this process has used."""
    n = next(_addresses)
    return f"127.0.{n // 250}.{n % 250 + 2}"


@dataclass
class LiveApp:
    url: str
    var_dir: Path
    database_url: str
    procedure: object
    _phones: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    def client(self, address: str | None = None, **kwargs) -> httpx.Client:
        """An HTTP client whose connections leave from `address` (a fresh one by default)."""
        transport = httpx.HTTPTransport(local_address=address or fresh_address())
        return httpx.Client(base_url=self.url, transport=transport, timeout=20, **kwargs)

    def dossier(self, status: Status = Status.PROCESSING) -> tuple[str, str]:
        """A new dossier: its code and the last four digits of its applicant's phone."""
        last4 = f"{next(self._phones):04d}"
        row = run(factories.dossier(self.procedure, phone=f"090512{last4}",
                                    id_number=f"05209000{last4}", status=status))
        return row.code, last4

    def query(self, sql: str, *params) -> list[tuple]:
        return query(self.database_url, sql, *params)


def csrf_headers(client: httpx.Client) -> dict[str, str]:
    """What a browser's page carries: the CSRF cookie's token, sent back as the header."""
    if "motcua_csrf" not in client.cookies:
        client.get("/kiosk")
    return {"x-csrftoken": client.cookies["motcua_csrf"]}


@pytest.fixture(scope="module")
def live_app(migrated_template, tmp_path_factory) -> Iterator[LiveApp]:
    var_dir = tmp_path_factory.mktemp("security") / "var"
    var_dir.mkdir()
    database_url = database_url_for(var_dir)
    use_var_dir(var_dir, database_url)

    async def world():
        return await factories.procedure(await factories.agency())

    procedure = run(world())
    port = free_port()
    process = start_web(var_dir, port, {"MOTCUA_SMS_INBOUND_TOKEN": SMS_TOKEN,
                                        "MOTCUA_PAYMENT_GATEWAY": "sandbox",
                                        "MOTCUA_PAYMENT_SECRET": PAYMENT_SECRET})
    try:
        yield LiveApp(url=f"http://127.0.0.1:{port}", var_dir=var_dir,
                      database_url=database_url, procedure=procedure)
    finally:
        stop(process)
        get_engine().reconnect()
        drop_database(database_url)
