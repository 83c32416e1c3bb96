"""Calendar-day and month time limits end at 24:00 of their last day (Civil Code 2015,
art. 148(6)), not at the offices' closing time: move the stored appointments
(`app.workflow.end_of_day_dues`). Data only; nothing to undo in the schema."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.workflow.end_of_day_dues import move_calendar_limits_to_end_of_day

ID = "2026-12-05T19:58:36:906770"
VERSION = "1.38.0"
DESCRIPTION = "calendar-day appointments end at 24:00 of the last day"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="motcua", description=DESCRIPTION)

    async def move():
        await move_calendar_limits_to_end_of_day()

    async def keep():
        pass  # 24:00 is the law; going back to the closing time would make dossiers late

    manager.add_raw(move)
    manager.add_raw_backwards(keep)
    return manager
