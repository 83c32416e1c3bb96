"""GET /healthz: machine-readable state for the IT team's monitoring."""

from __future__ import annotations

from litestar import get
from litestar.response import Response

from app.db import dialect_module
from app.payments.gateway import gateway_name, get_gateway
from app.payments.rejects import REJECTED
from app.settings import get_settings
from app.system import health as facts
from app.system.tables import Heartbeat

WORKER_STALE_SECONDS = 180


@get("/healthz", name="health")
async def health() -> Response:
    settings = get_settings()
    try:
        await Heartbeat.raw("SELECT 1")
        database_ok = True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        database_ok = False
    pending = await facts.cached_pending_migrations() if database_ok else None
    worker_age = await facts.heartbeat_age() if database_ok else None
    replication = (await dialect_module("app.system", "replication").replication(settings)
                   if database_ok else {"configured": None})
    body = {
        "database": {"ok": database_ok},
        "migrations": {"ok": pending == 0, "pending": pending},
        "worker": {
            "ok": worker_age is not None and worker_age < WORKER_STALE_SECONDS,
            "heartbeat_age_seconds": None if worker_age is None else round(worker_age, 1),
        },
        "replication": replication,
    }
    # A payment gateway asked for but unusable (no secret, no URL) is an error to see at
    # once, not a payment button that silently never appears.
    payment = gateway_name()
    body["payments"] = {"gateway": payment or None,
                        "ok": not payment or get_gateway() is not None,
                        "rejected_callbacks": REJECTED.count}
    ok = database_ok and pending == 0 and body["payments"]["ok"]
    body["status"] = "ok" if ok else "error"
    return Response(body, status_code=200 if ok else 503)
