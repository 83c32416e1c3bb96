"""Writing and verifying the audit chain.

`record()` must run inside the caller's write transaction, so a state change and its audit
entry commit or roll back together. The chain head is read and advanced in that same
transaction; IMMEDIATE transactions serialise writers, so two entries never share a parent.
"""

from __future__ import annotations

from typing import Any

from app.audit.logic import GENESIS, ChainProblem, at_text, canonical, entry_hash, verify_chain
from app.audit.tables import AuditEntry, AuditHead
from app.db import get_engine
from app.formatting import now_utc


class AuditOutsideTransaction(RuntimeError):
    pass


async def record(
    action: str,
    entity: str,
    entity_id: Any,
    data: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> AuditEntry:
    if get_engine().current_transaction.get() is None:
        raise AuditOutsideTransaction("audit.record() must run inside a write transaction")
    head = await AuditHead.objects().first()
    prev_hash = head.last_hash if head else GENESIS
    at = now_utc()
    data_text = canonical(data or {})
    digest = entry_hash(
        prev_hash, at=at_text(at), actor_id=actor_id, action=action, entity=entity,
        entity_id=str(entity_id), data=data_text,
    )
    entry = AuditEntry(
        at=at, actor_id=actor_id, action=action, entity=entity, entity_id=str(entity_id),
        data=data_text, prev_hash=prev_hash, hash=digest,
    )
    await entry.save()
    if head is None:
        await AuditHead(last_id=entry.id, last_hash=digest, count=1).save()
    else:
        await AuditHead.update(
            {AuditHead.last_id: entry.id, AuditHead.last_hash: digest,
             AuditHead.count: AuditHead.count + 1}
        ).where(AuditHead.id == head.id)
    return entry


async def verify() -> list[ChainProblem]:
    rows = await AuditEntry.select().order_by(AuditEntry.id)
    head = await AuditHead.select().first()
    return verify_chain(rows, head)
