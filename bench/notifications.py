"""Notification outbox throughput: queuing in state-change transactions, and delivery.

Builds a scratch database (migrate + bulk dossiers) in a temporary folder, then times:

- enqueue, one transaction per dossier (as `perform` does: SMS + e-mail rows each);
- enqueue, 500 dossiers per transaction (an upper bound: a batch job);
- a repeat of the same notices (idempotency: nothing added, every key probed);
- delivery of everything queued through the sandbox provider (claim, send, record).

    .venv/bin/python bench/notifications.py [--dossiers 20000] [--messages 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


async def measure(count: int) -> dict:
    from app.accounts.tables import User
    from app.db import write_transaction
    from app.dossiers.tables import Dossier
    from app.formatting import now_utc
    from app.notifications.api import Event, notify_applicant
    from app.notifications.service import deliver_pending
    from app.notifications.tables import OutboxMessage

    ids = [r["id"] for r in await Dossier.select(Dossier.id).where(
        Dossier.applicant_phone != "").order_by(Dossier.id).limit(2 * count)]
    # Give the first dossiers an applicant account with an e-mail, as online ones have.
    user = User(username="bench", full_name="Bench", role="citizen", email="bench@example.vn",
                password_hash="x", created_at=now_utc())
    await user.save()
    await Dossier.update({Dossier.applicant: user.id}).where(Dossier.id.is_in(ids[:count]))
    result: dict = {"dossiers": len(ids)}

    began = time.perf_counter()
    for dossier_id in ids[:count]:
        async with write_transaction():
            await notify_applicant(dossier_id, Event.RECEIVED)
    result["one_per_txn_s"] = time.perf_counter() - began

    began = time.perf_counter()
    for start in range(count, len(ids), 500):
        async with write_transaction():
            for dossier_id in ids[start:start + 500]:
                await notify_applicant(dossier_id, Event.RESULT_READY)
    result["batched_s"] = time.perf_counter() - began
    result["batched_n"] = len(ids) - count

    began = time.perf_counter()
    async with write_transaction():
        added = sum([await notify_applicant(d, Event.RECEIVED) for d in ids[:count]])
    result["repeat_s"], result["repeat_added"] = time.perf_counter() - began, added
    result["queued"] = await OutboxMessage.count()

    began = time.perf_counter()
    counts = await deliver_pending(limit=200, max_batches=10_000)
    result["deliver_s"], result["delivered"] = time.perf_counter() - began, counts
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=5_000,
                        help="dossiers notified one transaction each (and as many batched)")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-notify-"))
    try:
        app_command(var_dir, "migrate")
        app_command(var_dir, "seed", "--demo")
        app_command(var_dir, "seed", "--dossiers", str(args.dossiers))
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        import piccolo_conf  # noqa: F401  (the engine, now on the scratch database)

        r = asyncio.run(measure(args.messages))
        n = args.messages
        print(f"enqueue, 1 txn per dossier: {n} dossiers, {2 * n} messages in "
              f"{r['one_per_txn_s']:.2f} s = {n / r['one_per_txn_s']:.0f} txn/s, "
              f"{2 * n / r['one_per_txn_s']:.0f} messages/s")
        print(f"enqueue, 500 per txn: {r['batched_n']} messages in {r['batched_s']:.2f} s = "
              f"{r['batched_n'] / r['batched_s']:.0f} messages/s")
        print(f"repeat (idempotent): {n} notices, {r['repeat_added']} added, "
              f"{r['repeat_s']:.2f} s")
        print(f"deliver via sandbox: {r['delivered']} of {r['queued']} in {r['deliver_s']:.2f} s"
              f" = {r['queued'] / r['deliver_s']:.0f} messages/s")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
