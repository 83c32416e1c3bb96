"""Piccolo configuration: the engine and the app registry (imported by the Piccolo CLI)."""

from piccolo.conf.apps import AppRegistry

from app.db import engine_from_url
from app.settings import get_settings

_settings = get_settings()
_settings.database_path.parent.mkdir(parents=True, exist_ok=True)

# MOTCUA_DATABASE_URL: sqlite:///… (default, the file under var/) or postgresql://…
DB = engine_from_url(_settings.database_url, busy_timeout_ms=_settings.busy_timeout_ms)

APP_REGISTRY = AppRegistry(apps=["app.piccolo_app"])
