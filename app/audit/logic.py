"""The audit hash chain. Pure: no I/O, so verification is testable on plain rows."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, *, at: str, actor_id: int | None, action: str, entity: str,
               entity_id: str, data: str) -> str:
    body = canonical(
        {"prev": prev_hash, "at": at, "actor": actor_id, "action": action,
         "entity": entity, "entity_id": entity_id, "data": data}
    )
    return hashlib.sha256(body.encode()).hexdigest()


def at_text(moment: datetime | str) -> str:
    """The timestamp as hashed: ISO 8601 in UTC, whatever form the database returned."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


BROKEN_LINK = "liên kết với bản ghi trước bị đứt (có bản ghi bị xóa)"
HEAD_MISMATCH = "đầu chuỗi không khớp: bản ghi mới nhất đã bị xóa hoặc thêm ngoài hệ thống"


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    message: str


def verify_chain(rows: Iterable[Mapping[str, Any]], head: Mapping[str, Any] | None
                 ) -> list[ChainProblem]:
    """Check every row against its predecessor, then the head against the last row.

    Rows are dicts with the AuditEntry columns, `at` as stored (ISO text), ordered by id.
    Detects an edited row (hash mismatch), a deleted row (broken link) and deleted newest
    rows (head mismatch).
    """
    problems = []
    prev = GENESIS
    last_id, count = 0, 0
    for row in rows:
        count += 1
        if row["prev_hash"] != prev:
            problems.append(ChainProblem(row["id"], BROKEN_LINK))
        expected = entry_hash(
            row["prev_hash"], at=at_text(row["at"]), actor_id=row["actor_id"], action=row["action"],
            entity=row["entity"], entity_id=row["entity_id"], data=row["data"],
        )
        if expected != row["hash"]:
            problems.append(ChainProblem(row["id"], "nội dung bản ghi đã bị sửa"))
        prev = row["hash"]
        last_id = row["id"]
    if head is None:
        if count:
            problems.append(ChainProblem(None, "thiếu bản ghi đầu chuỗi (audit_head)"))
    elif head["last_hash"] != prev or head["last_id"] != last_id or head["count"] != count:
        problems.append(ChainProblem(None, HEAD_MISMATCH))
    return problems
