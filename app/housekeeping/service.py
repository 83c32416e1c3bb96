"""Purges and file checks run by the nightly and weekly tasks (app.tasks.housekeeping)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.accounts import throttle
from app.accounts.tables import LoginAttempt, UserSession
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.logic import Status
from app.dossiers.tables import DeadlineAlert, Dossier, DossierComponent, DossierEvent, StoredFile
from app.files import store

BATCH = 500


async def purge_sessions(now: datetime) -> int:
    """Delete sessions past their expiry, and revoked ones a day after revocation (kept that
    long so a user asking "was I logged out?" can still be answered)."""
    dead = (UserSession.expires_at < now) | (
        UserSession.revoked_at.is_not_null() & (UserSession.revoked_at < now - timedelta(days=1)))
    return await _delete_audited(UserSession, dead, "housekeeping.sessions")


def login_memory(policy: throttle.Policy = throttle.POLICY) -> timedelta:
    """How long a sign-in attempt can still matter to the throttle: the longest of its
    windows (a success keeps an address "usual" for `known_for`)."""
    return max(policy.pair_memory, policy.account_window, policy.address_window,
               policy.known_for)


async def purge_login_attempts(now: datetime) -> int:
    """Delete sign-in attempts older than anything the throttle looks at, so a guessing
    campaign does not grow the table for ever."""
    old = LoginAttempt.at < now - login_memory()
    return await _delete_audited(LoginAttempt, old, "housekeeping.login_attempts")


async def _delete_audited(table, where, action: str) -> int:
    """Delete the rows of `table` that match, with one audit entry saying how many."""
    async with write_transaction():
        count = await table.count().where(where)
        if count:
            await table.delete().where(where)
            await audit.record(action, table._meta.tablename, "", {"deleted": count})
    return count


def _abandoned(before: datetime):
    # Status and reception are both checked: a dossier that was ever submitted is never
    # a draft again, whatever its age.
    return ((Dossier.status == Status.DRAFT.value) & Dossier.received_at.is_null()
            & (Dossier.created_at < before))


async def purge_drafts(now: datetime, abandon_days: int) -> int:
    """Delete online drafts untouched for `abandon_days`, with their components and events,
    batch by batch, each batch one transaction re-checked under the write lock."""
    before = now - timedelta(days=abandon_days)
    deleted = 0
    while True:
        async with write_transaction():
            ids = [row["id"] for row in await Dossier.select(Dossier.id).where(
                _abandoned(before)).limit(BATCH)]
            if not ids:
                break
            for child in (DossierComponent, DossierEvent, DeadlineAlert):
                await child.delete().where(child.dossier.is_in(ids))
            await Dossier.delete().where(Dossier.id.is_in(ids) & _abandoned(before))
            await audit.record("housekeeping.drafts", "dossier", "", {
                "deleted": len(ids), "created_before": before.isoformat()})
            deleted += len(ids)
    return deleted


def _mismatches(rows: list[dict]) -> list[str]:
    return [row["sha256"] for row in rows if not store.verify(row["sha256"])]


async def verify_sample(size: int, rng: random.Random | None = None) -> tuple[int, list[str]]:
    """Re-hash `size` stored files picked at random; (files checked, digests that failed)."""
    top = await StoredFile.select(StoredFile.id).order_by(
        StoredFile.id, ascending=False).first()
    if top is None:
        return 0, []
    rng = rng or random.SystemRandom()
    ids = rng.sample(range(1, top["id"] + 1), min(size, top["id"]))
    rows = await StoredFile.select(StoredFile.sha256).where(StoredFile.id.is_in(ids))
    return len(rows), _mismatches(rows)


async def verify_all() -> tuple[int, list[str]]:
    """Re-hash every stored file, in id order, a batch at a time."""
    checked, bad, last = 0, [], 0
    while True:
        rows = await StoredFile.select(StoredFile.id, StoredFile.sha256).where(
            StoredFile.id > last).order_by(StoredFile.id).limit(BATCH)
        if not rows:
            return checked, bad
        checked += len(rows)
        bad += _mismatches(rows)
        last = rows[-1]["id"]


class FilesCorrupted(Exception):
    """Stored files that no longer match their SHA-256: the jobs page shows which."""

    def __init__(self, checked: int, digests: list[str]):
        shown = ", ".join(digests[:20]) + (" …" if len(digests) > 20 else "")
        super().__init__(f"{len(digests)}/{checked} tệp không khớp mã SHA-256 hoặc bị mất: "
                         f"{shown}. Hãy khôi phục các tệp này từ bản sao lưu.")
        self.digests = digests
