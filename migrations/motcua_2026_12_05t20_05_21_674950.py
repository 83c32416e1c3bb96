"""Existing procedures and dossiers move to versioned internal processes.

For each procedure with steps in `procedure_step` (one role per step), version 1 of its
process is published from them, in force since 2000 so every dossier received before falls
under it: a first counter step becomes the reception step, a last one the return step,
handler steps handling, leader steps approval except one that signs (the last whose name
says "ký", else the last leader step: the result issued is a signed file). No decision
number is known: the note says so.

Dossiers already accepted point at version 1. Their step numbers are mapped: the old
machine sent a dossier from the counter to step 1 (the counter's own "Tiếp nhận"), so a
dossier forwarded k times sat at step k; under the process it sits at step k + 1 when the
process starts with the reception step, kept within the work steps. A received dossier is
at the reception step, a processed or returned one at the return step. Events keep the
step number they recorded; their new `process_step` names the step as mapped, so the
history reads right. Plain SQL any database takes (CASE, no LEAST/GREATEST).
"""

import re
from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-05T20:05:21:674950"
VERSION = "1.38.0"
DESCRIPTION = "version 1 of each procedure's process from procedure_step; dossiers mapped"

IN_FORCE_SINCE = datetime(1999, 12, 31, 17, 0, tzinfo=UTC)  # 01/01/2000 00:00 local time
NOTE = ("Phiên bản 1 lập tự động từ các bước đã khai báo trước khi quản lý quy trình theo "
        "phiên bản; chưa ghi số, ngày quyết định phê duyệt. Đề nghị ban hành phiên bản mới "
        "theo quyết định phê duyệt quy trình nội bộ.")
PROCESSING_LIKE = "(3, 4, 5, 6, 7, 8)"  # statuses whose step is a work step (or was)
SIGNS = re.compile(r"(^|\W)ký(\W|$)", re.IGNORECASE)


def legacy_kinds(steps: list[dict]) -> list[tuple[str, str]]:
    """(kind, performers) of each old step, in order. The result issued is a signed file,
    so one leader step signs: the last whose name says "ký", else the last leader step."""
    n = len(steps)
    leaders = [i for i, s in enumerate(steps) if s["role"] == "leader"]
    signing = [i for i in leaders if SIGNS.search(steps[i]["name"])] or leaders[-1:]
    out = []
    for i, step in enumerate(steps):
        role = step["role"]
        if role == "counter_officer":
            kind = "reception" if i == 0 else "return" if i == n - 1 else "handling"
        elif role == "leader":
            kind = "signature" if signing and i == signing[-1] else "approval"
        else:
            kind = "handling"
        out.append((kind, role if role in ("counter_officer", "handler", "leader") else ""))
    return out


async def _query(sql: str, *args):
    return await engine_finder().run_querystring(QueryString(sql, *args))


def _clamp(column: str, offset: int, first: int, last: int) -> str:
    moved = f"({column} + {offset})"
    return (f"CASE WHEN {moved} < {first} THEN {first} WHEN {moved} > {last} THEN {last} "
            f"ELSE {moved} END")


async def _migrate_procedure(procedure_id: int, now: datetime) -> None:
    steps = await _query("SELECT id, position, name, role, agency, allotted_hours FROM "
                         "procedure_step WHERE procedure = {} ORDER BY position, id",
                         procedure_id)
    kinds = legacy_kinds(steps)
    await _query(
        "INSERT INTO process_version (procedure, number, status, effective_from, "
        "decision_number, decision_date, note, created_at, created_by, published_at, "
        "published_by) VALUES ({}, 1, 'published', {}, '', NULL, {}, {}, NULL, {}, NULL)",
        procedure_id, IN_FORCE_SINCE, NOTE, now, now)
    (version,) = await _query("SELECT id FROM process_version WHERE procedure = {} AND "
                              "number = 1", procedure_id)
    for position, (step, (kind, performers)) in enumerate(zip(steps, kinds, strict=True), start=1):
        await _query(
            "INSERT INTO process_step (version, position, name, kind, performers, agency, "
            "allotted_hours) VALUES ({}, {}, {}, {}, {}, {}, {})", version["id"], position,
            step["name"], kind, performers, step["agency"], step["allotted_hours"])
    ids = [r["id"] for r in await _query(
        "SELECT id FROM process_step WHERE version = {} ORDER BY position", version["id"])]
    n = len(ids)
    has_reception, has_return = kinds[0][0] == "reception", n > 1 and kinds[-1][0] == "return"
    offset = 1 if has_reception else 0
    first = offset + 1 if n > offset else n
    last = max(n - 1 if has_return else n, first)
    work = _clamp("current_step", offset, first, last)
    where = f"procedure = {int(procedure_id)}"
    await _query(f"UPDATE dossier SET process_version = {{}} WHERE {where} AND status "
                 "NOT IN (0, 1)", version["id"])
    await _query(f"UPDATE dossier SET current_step = CASE WHEN current_step IS NULL THEN "
                 f"{first} ELSE {work} END WHERE {where} AND status = 4")
    await _query(f"UPDATE dossier SET current_step = {work} WHERE {where} AND status IN "
                 "(3, 5, 6, 7, 8) AND current_step IS NOT NULL")
    await _query(f"UPDATE dossier SET current_step = {1 if has_reception else 'NULL'} "
                 f"WHERE {where} AND status = 2")
    end = str(n) if has_return else work  # NULL stays NULL through the CASE
    await _query(f"UPDATE dossier SET current_step = {end} WHERE {where} AND status IN (9, 10)")
    resume = _clamp("resume_step", offset, first, last)
    await _query(f"UPDATE dossier SET resume_step = {resume} WHERE {where} AND "
                 "resume_status = 4 AND resume_step IS NOT NULL")
    withdrawn = _clamp("withdrawn_step", offset, first, last)
    await _query(f"UPDATE dossier SET withdrawn_step = {withdrawn} WHERE {where} AND "
                 "withdrawn_status IN (4, 5, 6) AND withdrawn_step IS NOT NULL")
    if has_reception:
        await _query(f"UPDATE dossier SET withdrawn_step = 1 WHERE {where} AND "
                     "withdrawn_status = 2")
    await _annotate_events(procedure_id, ids, _clamp("step", offset, first, last),
                           has_reception, has_return)


async def _annotate_events(procedure_id: int, ids: list[int], mapped: str,
                           has_reception: bool, has_return: bool) -> None:
    """Name each event's step under version 1 (its `step` stays as recorded)."""
    by_position = " ".join(f"WHEN {n} THEN {step_id}" for n, step_id in enumerate(ids, 1))
    of_procedure = f"dossier IN (SELECT id FROM dossier WHERE procedure = {int(procedure_id)})"
    await _query(f"UPDATE dossier_event SET process_step = CASE {mapped} {by_position} END "
                 f"WHERE {of_procedure} AND step IS NOT NULL AND to_status IN "
                 f"{PROCESSING_LIKE}")
    if has_reception:
        await _query(f"UPDATE dossier_event SET process_step = {ids[0]} WHERE "
                     f"{of_procedure} AND to_status = 2")
    if has_return:
        await _query(f"UPDATE dossier_event SET process_step = {ids[-1]} WHERE "
                     f"{of_procedure} AND to_status IN (9, 10)")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def create_versions():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS process_version_number "
            "ON process_version (procedure, number)")
        now = datetime.now(UTC)
        rows = await _query("SELECT DISTINCT procedure FROM procedure_step ORDER BY procedure")
        for row in rows:
            await _migrate_procedure(row["procedure"], now)

    async def drop_versions():
        # Step numbers mapped forwards cannot be told apart afterwards: only the pointers
        # and the versions made here are removed.
        await _query("UPDATE dossier_event SET process_step = NULL")
        await _query("UPDATE dossier SET process_version = NULL")
        await _query("DELETE FROM process_step")
        await _query("DELETE FROM process_version")
        await engine_finder().run_ddl("DROP INDEX IF EXISTS process_version_number")

    manager.add_raw(create_versions)
    manager.add_raw_backwards(drop_versions)
    return manager
