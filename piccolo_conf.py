"""Piccolo configuration: the engine and the app registry (imported by the Piccolo CLI)."""

from piccolo.conf.apps import AppRegistry

from app.db import MotCuaEngine
from app.settings import get_settings

_settings = get_settings()
_settings.database_path.parent.mkdir(parents=True, exist_ok=True)

DB = MotCuaEngine(path=str(_settings.database_path), busy_timeout_ms=_settings.busy_timeout_ms)

APP_REGISTRY = AppRegistry(apps=["app.piccolo_app"])
