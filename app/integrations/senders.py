"""Imports every module that registers an outbox sender, so a worker that delivers knows
them all (like `app.tasks.all` for tasks)."""

from app.integrations.dvcqg import feedback, sync  # noqa: F401
from app.integrations.ioffice import service  # noqa: F401
from app.integrations.zalo import service as zalo  # noqa: F401
