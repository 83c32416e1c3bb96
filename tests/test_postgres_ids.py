"""Ids stay 64-bit on every table, including tables that migrations add later.

Piccolo creates SERIAL and INTEGER foreign keys (32 bits) on PostgreSQL; `migrate()` widens
them after applying the migrations (app/system/postgres_ids.py, app/system/migrations.py).
The catalogue check below reads pg_catalog on its own (not the query `widen_ids` uses), so
a table left 32-bit by any path fails here on the PostgreSQL pass of `make test`."""

from __future__ import annotations

import pytest
from piccolo.columns import ForeignKey, Serial, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.db import get_engine
from app.dossiers.tables import Dossier
from app.system.migrations import migrate
from app.system.postgres_ids import widen_ids
from tests import factories
from tests.conftest import TEST_ENGINE, run
from tests.sql import execute_sync
from tests.test_archive_web import archived, as_  # noqa: F401  (fixture)

pytestmark = pytest.mark.engine
BIG_ID = 2**31 + 11  # beyond PostgreSQL's integer, within bigint

# Every column of type int2/int4 in the public schema that is called `id` or `…_id` or
# takes part in a foreign key, whichever table it is in (Piccolo's own `migration` table excepted).
NARROW_IDS = """
SELECT cl.relname || '.' || a.attname AS name
FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = 'public' AND cl.relkind = 'r' AND cl.relname <> 'migration'
  AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype)
  AND (a.attname = 'id' OR a.attname LIKE '%\\_id' OR EXISTS (
      SELECT 1 FROM pg_constraint k WHERE k.contype = 'f'
        AND ((k.conrelid = cl.oid AND a.attnum = ANY (k.conkey))
             OR (k.confrelid = cl.oid AND a.attnum = ANY (k.confkey)))))
UNION ALL
SELECT s.seqrelid::regclass::text FROM pg_sequence s
WHERE s.seqtypid <> 'int8'::regtype AND s.seqrelid::regclass::text NOT LIKE 'migration%'
ORDER BY 1
"""


class LateThing(Table, tablename="late_thing"):
    """A table as a future migration would create it: Piccolo's own DDL."""

    id = Serial(primary_key=True)
    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict)
    note = Varchar(length=50)


def narrow_ids() -> list[str]:
    return [row["name"] for row in execute_sync(NARROW_IDS)]


@pytest.mark.skipif(TEST_ENGINE != "postgres", reason="SQLite's INTEGER is always 64 bits")
def test_every_id_foreign_key_and_sequence_is_64_bit_after_migrating(db):
    assert narrow_ids() == [], (
        "32-bit ids on PostgreSQL after `migrate()`: app/system/postgres_ids.py's catalogue "
        "query misses these columns")


def test_migrate_widens_a_table_no_migration_widened_and_is_idempotent(db):
    """A migration author who forgets `widen_ids` loses nothing: `python -m app migrate`
    widens whatever it finds after the migrations, even with none pending."""
    run(LateThing.create_table().run())
    try:
        widened = run(migrate())
        assert widened == (["late_thing.dossier", "late_thing.id"]
                           if TEST_ENGINE == "postgres" else [])
        assert (narrow_ids() if TEST_ENGINE == "postgres" else []) == []
        assert run(migrate()) == []  # nothing narrow left: it only reads the catalogue
    finally:
        run(LateThing.alter().drop_table().run())


def test_a_table_created_after_the_migrations_is_widened_and_holds_big_ids(db):
    run(LateThing.create_table().run())
    try:
        if TEST_ENGINE == "postgres":
            assert narrow_ids() == ["late_thing.dossier", "late_thing.id", "late_thing_id_seq"]
        widened = run(widen_ids(get_engine()))
        assert widened == (["late_thing.dossier", "late_thing.id"]
                           if TEST_ENGINE == "postgres" else [])
        if TEST_ENGINE == "postgres":
            assert narrow_ids() == []
        dossier = run(factories.dossier(run(factories.procedure(run(factories.agency())))))
        execute_sync("UPDATE dossier SET id = {} WHERE id = {}", BIG_ID, dossier.id)
        run(LateThing.insert(LateThing(id=BIG_ID + 1, dossier=BIG_ID, note="xa")).run())
        if TEST_ENGINE == "postgres":  # SQLite numbers the next row max(id) + 1 itself
            # The sequence goes past 2^31 too (an int4 sequence refuses this value).
            execute_sync("SELECT setval(pg_get_serial_sequence('late_thing', 'id'), {})",
                         BIG_ID + 1)
        made = run(LateThing.insert(LateThing(dossier=BIG_ID, note="gần")).run())
        assert made[0]["id"] == BIG_ID + 2
        rows = run(LateThing.select(LateThing.id, LateThing.dossier.id)
                   .order_by(LateThing.id).run())
        assert rows == [{"id": BIG_ID + 1, "dossier.id": BIG_ID},
                        {"id": BIG_ID + 2, "dossier.id": BIG_ID}]
    finally:
        run(LateThing.alter().drop_table().run())


def test_audit_entries_beyond_32_bits_keep_the_chain(db):
    """The audit head names the last entry's id without a foreign key: widened too."""
    from app.audit import service as audit
    from app.db import write_transaction

    if TEST_ENGINE == "postgres":
        execute_sync("SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), {})", BIG_ID)

    async def entries():
        for number in range(2):
            async with write_transaction():
                await audit.record("test.event", "thing", number, actor_id=BIG_ID)

    run(entries())
    assert run(audit.verify()) == []
    assert execute_sync("SELECT max(id) AS id FROM audit_entry")[0]["id"] > (
        2**31 if TEST_ENGINE == "postgres" else 0)
    assert execute_sync("SELECT last_id FROM audit_head")[0]["last_id"] == execute_sync(
        "SELECT max(id) AS id FROM audit_entry")[0]["id"]


def test_the_youngest_tables_with_pages_serve_ids_beyond_32_bits(client, archived):  # noqa: F811
    """End to end on the archive's tables (the last ones migrations created): an archival
    file and its document renumbered beyond 2^31 (the references follow by ON UPDATE
    CASCADE) are listed, opened and downloaded."""
    files = archived["files"]
    execute_sync("UPDATE archival_file SET id = {} WHERE id = {}", BIG_ID, files[1]["id"])
    execute_sync("UPDATE archival_document SET id = id + {} WHERE file = {}", BIG_ID, BIG_ID)
    as_(client, archived["world"].cookies["archivist"])
    page = client.get(f"/luu-tru/ho-so/{BIG_ID}")
    assert page.status_code == 200
    assert "Thông báo về việc dừng giải quyết hồ sơ" in page.text
    link = page.text.split(f"/luu-tru/ho-so/{BIG_ID}/tai-lieu/")[1].split('"')[0]
    assert int(link) > 2**31
    document = client.get(f"/luu-tru/ho-so/{BIG_ID}/tai-lieu/{link}")
    assert document.status_code == 200 and document.content.startswith(b"%PDF")


def test_the_audit_head_counts_past_32_bits(db):
    """`audit_head.count` was INTEGER (int4 on PostgreSQL): the entry after 2^31 - 1 could
    not be recorded, and with it no state change could commit."""
    from app.audit import service as audit
    from app.audit.logic import HEAD_MISMATCH
    from app.db import write_transaction

    async def entry(number: int):
        async with write_transaction():
            await audit.record("test.event", "thing", number)

    run(entry(0))
    execute_sync("UPDATE audit_head SET count = {}", 2**31 - 1)
    run(entry(1))
    run(entry(2))
    assert execute_sync("SELECT count FROM audit_head")[0]["count"] == 2**31 + 1
    # The chain itself is intact; only the count no longer matches the three real entries.
    assert [(p.entry_id, p.message) for p in run(audit.verify())] == [(None, HEAD_MISMATCH)]
