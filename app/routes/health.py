"""GET /healthz: machine-readable state for the IT team's monitoring."""

from __future__ import annotations

from litestar import get
from litestar.response import Response

from app.db import get_engine
from app.payments.gateway import gateway_name, get_gateway
from app.payments.rejects import REJECTED
from app.settings import get_settings
from app.system import health as facts

WORKER_STALE_SECONDS = 180


@get("/healthz", name="health")
async def health() -> Response:
    settings = get_settings()
    try:
        get_engine().read_connection().execute("SELECT 1").fetchone()
        database_ok = True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        database_ok = False
    pending = await facts.cached_pending_migrations() if database_ok else None
    worker_age = await facts.heartbeat_age() if database_ok else None
    replica_age = facts.replica_age(settings.replica_dir)
    lag = facts.replication_lag(settings.database_path, settings.replica_dir)
    body = {
        "database": {"ok": database_ok},
        "migrations": {"ok": pending == 0, "pending": pending},
        "worker": {
            "ok": worker_age is not None and worker_age < WORKER_STALE_SECONDS,
            "heartbeat_age_seconds": None if worker_age is None else round(worker_age, 1),
        },
        "replication": {
            "configured": replica_age is not None,
            "last_write_age_seconds": None if replica_age is None else round(replica_age, 1),
            "lag_seconds": None if lag is None else round(lag, 1),
        },
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
