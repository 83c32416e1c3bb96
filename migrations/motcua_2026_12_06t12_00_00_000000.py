"""Repair: the end of processing and the hand-over as the event log has them.

Until this change a move that left a dossier "processed" (fees paid at the counter after
processing ended) stamped `finished_at` again, and a move within "returned" stamped
`returned_at` again, so a dossier finished on time but paid after its due date counted as
late in the 766 indicators. The event log holds when each dossier entered the status (an
event from another status to it); the last such entry is what the code stamps now. Rows
whose events do not record the status they came from are left as they are. Portable SQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-06T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "finished_at and returned_at from the event log"

PROCESSED, RETURNED = 9, 10  # app.dossiers.logic.Status, as of this migration


def _entered(status: int) -> str:
    return ("FROM dossier_event e WHERE e.dossier = dossier.id "
            f"AND e.to_status = {status} AND e.from_status <> {status}")


def repair(column: str, status: int, statuses: str) -> str:
    return (f"UPDATE dossier SET {column} = (SELECT MAX(e.at) {_entered(status)}) "
            f"WHERE status IN ({statuses}) AND {column} IS NOT NULL "
            f"AND EXISTS (SELECT 1 {_entered(status)})")


STATEMENTS = [repair("finished_at", PROCESSED, f"{PROCESSED}, {RETURNED}"),
              repair("returned_at", RETURNED, f"{RETURNED}")]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def run():
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    async def keep():
        """The stamps before the repair are not kept anywhere: nothing to undo."""

    manager.add_raw(run)
    manager.add_raw_backwards(keep)
    return manager
