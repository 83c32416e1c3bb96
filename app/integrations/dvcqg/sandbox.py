"""The sandbox national portal: stores what it receives and behaves like the real one.

It checks our signature, keeps each (dossier, version) once (a repeat is acknowledged
again, not stored twice), refuses a version out of order, and — for a share
MOTCUA_DVCQG_SANDBOX_FAILURES (0–1) of pushes, chosen by a hash of the dossier, version and
attempt so a run can be repeated — fails like a real network does:

- `error`: 503 without storing;
- `lost`: stores, then the connection drops before the answer (we retry; it says "already
  received");
- `stale`: stores, then answers with the acknowledgement of an earlier request (answers out
  of order: we must not take it for ours);
- `hang`: stores, then answers only after MOTCUA_DVCQG_SANDBOX_HANG seconds (10), past our
  timeout.

Filings made on its page (`/sandbox/dvcqg`) are pushed to us through the same signed entry
point the HTTP webhook uses, and stay pullable until we acknowledge them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from datetime import date, datetime

from app.db import write_transaction
from app.formatting import now_utc, to_local
from app.integrations.calls import Answer, call
from app.integrations.config import env, env_float
from app.integrations.dvcqg.portal import secret
from app.integrations.dvcqg.tables import SandboxPortalFiling, SandboxPortalReceipt
from app.integrations.logic import as_json
from app.payments.logic import sign, signature_valid

MODES = ("error", "lost", "stale", "hang")


def failure_mode(key: str, version: int, attempt: int) -> str | None:
    """Which failure (if any) this attempt meets: a stable hash against the share."""
    share = env_float("DVCQG_SANDBOX_FAILURES", 0.0)
    if share <= 0:
        return None
    seed = env("DVCQG_SANDBOX_SEED", "0")
    digest = hashlib.sha256(f"{seed}:{key}:{version}:{attempt}".encode()).digest()
    roll = int.from_bytes(digest[:8], "big") / 2 ** 64
    if roll >= share:
        return None
    return MODES[int(roll / share * len(MODES)) % len(MODES)]


KEY_FIELD = {"dossier": "MaHoSo", "feedback": "MaPAKN"}


def _key(kind: str, payload: dict) -> str:
    return str(payload.get(KEY_FIELD[kind]))


async def _store(kind: str, key: str, version: int, payload: dict) -> tuple[int, str]:
    """Keep a version once, in order. (HTTP status, note)."""
    async with write_transaction():
        held = await SandboxPortalReceipt.select(SandboxPortalReceipt.version).where(
            (SandboxPortalReceipt.kind == kind) & (SandboxPortalReceipt.key == key)
            & SandboxPortalReceipt.accepted.eq(True)).order_by(
            SandboxPortalReceipt.version, ascending=False).first()
        last = held["version"] if held else 0
        if version <= last:
            status, note, accepted = 200, "repeat" if version == last else "old", False
            if version < last:
                status = 409
        elif version > last + 1:
            status, note, accepted = 409, "gap", False
        else:
            status, note, accepted = 200, "stored", True
        await SandboxPortalReceipt(kind=kind, key=key, version=version, payload=payload,
                                   accepted=accepted, note=note,
                                   received_at=now_utc()).save()
    return status, note


async def attempts_seen(kind: str, key: str, version: int) -> int:
    return await SandboxPortalReceipt.count().where(
        (SandboxPortalReceipt.kind == kind) & (SandboxPortalReceipt.key == key)
        & (SandboxPortalReceipt.version == version))


class SandboxPortal:
    name = "sandbox"

    async def receive(self, kind: str, body: bytes, signature: str) -> Answer:
        """The portal's side of a push: the raw signed request, as over HTTP."""
        if not signature_valid(body, signature, secret()):
            return Answer.of(401, {"ThongBao": "Sai chữ ký."})
        try:
            data = json.loads(body)
            version, payload = int(data["PhienBan"]), dict(data["DuLieu"])
        except (ValueError, KeyError, TypeError):
            return Answer.of(400, {"ThongBao": "Dữ liệu không đúng định dạng."})
        key = _key(kind, payload)
        mode = failure_mode(key, version, await attempts_seen(kind, key, version))
        if mode == "error":  # noted, so the next attempt rolls again
            await SandboxPortalReceipt(kind=kind, key=key, version=version, payload={},
                                       accepted=False, note="error",
                                       received_at=now_utc()).save()
            return Answer.of(503, {"ThongBao": "Hệ thống đang bảo trì."})
        status, note = await _store(kind, key, version, payload)
        if mode == "lost":
            raise ConnectionResetError("sandbox: connection dropped before the answer")
        if mode == "hang":
            await asyncio.sleep(env_float("DVCQG_SANDBOX_HANG", 10.0))
        if mode == "stale" and version > 1:
            version -= 1  # the answer to the previous request, arriving now
        field = KEY_FIELD[kind]
        if status != 200:
            return Answer.of(status, {field: key, "PhienBan": version, "ThongBao": note})
        return Answer.of(200, {field: key, "PhienBan": version,
                               "KetQua": "DaNhan" if note != "stored" else "OK"})

    async def push(self, kind: str, payload: dict, version: int, collect: list) -> Answer:
        body = encode({"PhienBan": version, "DuLieu": payload})
        signature = sign(body, secret())
        return await call("dvcqg", f"push {kind}", lambda: self.receive(kind, body, signature),
                          target="sandbox", request=body, secrets=(signature,),
                          collect=collect)

    async def daily_totals(self, day: date) -> dict[str, int]:
        async def send() -> Answer:
            return Answer.of(200, await held_totals(day))
        answer = await call("dvcqg", "daily totals", send, target="sandbox",
                            request={"Ngay": day.isoformat()})
        return answer.json()

    async def pull(self, kind: str) -> list[dict]:
        async def send() -> Answer:
            rows = await SandboxPortalFiling.select().where(
                (SandboxPortalFiling.kind == kind)
                & SandboxPortalFiling.acknowledged_at.is_null()).order_by(
                SandboxPortalFiling.id).limit(100)
            return Answer.of(200, [{**as_json(row["payload"]), "Ma": row["portal_id"]}
                                   for row in rows])
        return (await call("dvcqg", f"pull {kind}", send, target="sandbox")).json()

    async def acknowledge(self, kind: str, portal_id: str, our_reference: str) -> None:
        await acknowledge_filing(portal_id, our_reference)


def encode(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode()


async def acknowledge_filing(portal_id: str, our_reference: str) -> None:
    async with write_transaction():
        await SandboxPortalFiling.update({
            SandboxPortalFiling.acknowledged_at: now_utc(),
            SandboxPortalFiling.our_reference: our_reference[:60],
        }).where((SandboxPortalFiling.portal_id == portal_id)
                 & SandboxPortalFiling.acknowledged_at.is_null())


async def held(kind: str, key: str) -> dict | None:
    """The latest version the sandbox portal holds of a dossier or feedback item."""
    row = await SandboxPortalReceipt.select().where(
        (SandboxPortalReceipt.kind == kind) & (SandboxPortalReceipt.key == key)
        & SandboxPortalReceipt.accepted.eq(True)).order_by(
        SandboxPortalReceipt.version, ascending=False).first()
    return None if row is None else {**as_json(row["payload"]), "PhienBan": row["version"]}


def _local_day(stamp: str | None) -> date | None:
    if not stamp:
        return None
    return datetime.strptime(stamp[:8], "%Y%m%d").date()


async def held_totals(day: date) -> dict[str, int]:
    """Dossiers the portal holds with a reception date on `day`, per agency code: from the
    latest version of each (what the real portal's daily report counts)."""
    latest: dict[str, dict] = {}
    rows = await SandboxPortalReceipt.select(
        SandboxPortalReceipt.key, SandboxPortalReceipt.version, SandboxPortalReceipt.payload,
    ).where((SandboxPortalReceipt.kind == "dossier") & SandboxPortalReceipt.accepted.eq(True))
    for row in rows:
        if row["key"] not in latest or row["version"] > latest[row["key"]]["version"]:
            latest[row["key"]] = row
    payloads = [as_json(row["payload"]) for row in latest.values()]
    counts = Counter(p.get("MaCoQuan", "") for p in payloads
                     if _local_day(p.get("NgayTiepNhan")) == day)
    return dict(counts)


async def file(kind: str, payload: dict) -> str:
    """A tester files a dossier or feedback on the sandbox portal: its portal id."""
    moment = now_utc()
    prefix = "G22" if kind == "dossier" else "PAKN"
    async with write_transaction():
        filed = await SandboxPortalFiling.count()
        portal_id = f"{prefix}.{to_local(moment):%y%m%d}.{filed + 1:05d}"
        await SandboxPortalFiling(kind=kind, portal_id=portal_id, payload=payload,
                                  created_at=moment).save()
    return portal_id


async def recent_filings(limit: int = 20) -> list[dict]:
    """The sandbox portal's page: what was filed there and what it now holds of each."""
    rows = await SandboxPortalFiling.select().order_by(
        SandboxPortalFiling.id, ascending=False).limit(limit)
    out = []
    for row in rows:
        kind = "dossier" if row["kind"] == "dossier" else "feedback"
        state = await held(kind, row["our_reference"]) if row["our_reference"] and kind == (
            "dossier") else None
        if kind == "feedback":
            state = await held("feedback", row["portal_id"])
        out.append({**row, "payload": as_json(row["payload"]), "held": state})
    return out
