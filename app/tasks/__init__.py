"""The one Huey instance (SqliteHuey on its own file under var/).

Tasks live by domain in app/tasks/<domain>.py; app/tasks/all.py imports them all and is
what the consumer loads: `huey_consumer app.tasks.all.huey`.
"""

from huey import SqliteHuey

from app.settings import get_settings

_settings = get_settings()
_settings.huey_path.parent.mkdir(parents=True, exist_ok=True)

huey = SqliteHuey(name="motcua", filename=str(_settings.huey_path), utc=True)
