"""The workflow under versioned processes: what a staff action and a staff dossier page cost.

Builds a scratch database (migrate + demo province) in a temporary folder, receives
dossiers of the demo's five-step commune procedure at the counter, then times:

- `perform` of a forward and a return between two work steps, one transaction each (each
  reads the dossier's process version and steps, checks the form's version, writes the
  dossier, its event and the audit entry);
- `process_view`, what the dossier page computes for the actions (snapshot, allowed
  actions, the people holding the next step);
- `dossier_for_staff`, the page's dossier with its history (events named by their step).

    .venv/bin/python bench/workflow.py [--dossiers 50] [--rounds 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh_app import app_command  # noqa: E402  (bench/ is the script's own folder)


async def officers():
    from app.accounts import service as accounts
    from app.accounts.tables import User

    found = {}
    for username in ("motcua.kontum", "thuly.kontum", "truongphong.kontum"):
        user = await User.objects().get(User.username == username)
        found[username] = await accounts.load_session(
            await accounts.start_session(user, "127.0.0.1", "bench"))
    return found


async def timed(samples: list[float], coro):
    began = time.perf_counter()
    result = await coro
    samples.append(time.perf_counter() - began)
    return result


async def measure(dossiers: int, rounds: int) -> dict:
    from app.catalog.tables import Procedure, ProcedureComponent
    from app.counter.service import Reception, receive
    from app.dossiers.logic import Channel
    from app.dossiers.queries import dossier_for_staff
    from app.workflow import Action
    from app.workflow.page import process_view
    from app.workflow.service import perform, snapshot

    users = await officers()
    procedure = await Procedure.objects().get(Procedure.code == "1.004873")
    components = [c["id"] for c in await ProcedureComponent.select(ProcedureComponent.id).where(
        ProcedureComponent.procedure == procedure.id)]
    ids = []
    for n in range(dossiers):
        reception = Reception(f"Người nộp {n}", f"0641900{n:05d}", "", "", Channel.IN_PERSON,
                              components)
        dossier_id = await receive(users["motcua.kontum"], procedure.id, reception)
        await perform(dossier_id, users["motcua.kontum"], Action.FORWARD)
        ids.append(dossier_id)
    handler, head = users["thuly.kontum"], users["truongphong.kontum"]
    act, page, history = [], [], []
    for n in range(rounds):
        dossier_id = ids[n % len(ids)]
        version = (await snapshot(dossier_id)).row["version"]
        await timed(act, perform(dossier_id, handler, Action.FORWARD,
                                 expected_version=version))
        await timed(page, process_view(dossier_id, head))
        await timed(history, dossier_for_staff(dossier_id, head))
        await timed(act, perform(dossier_id, head, Action.RETURN_STEP,
                                 expected_version=version + 1, reason="Xem lại"))
    return {"act": act, "page": page, "history": history}


def describe(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return (f"{name}: {len(ms)} runs, median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms,"
            f" {len(ms) / (sum(ms) / 1000):.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-bench-workflow-"))
    try:
        app_command(var_dir, "migrate")
        app_command(var_dir, "seed", "--demo")
        os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
        import piccolo_conf  # noqa: F401  (the engine, now on the scratch database)

        result = asyncio.run(measure(args.dossiers, args.rounds))
        print(describe("perform (forward / return, 1 txn each)", result["act"]))
        print(describe("process_view (the page's actions and holders)", result["page"]))
        print(describe("dossier_for_staff (dossier and named history)", result["history"]))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
