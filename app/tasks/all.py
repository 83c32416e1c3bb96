"""Import every task module so the consumer registers every task."""

import piccolo_conf  # noqa: F401  (registers the database engine)
from app.tasks import (
    archive,  # noqa: F401
    calendar,  # noqa: F401
    catalog,  # noqa: F401
    catch_up,  # noqa: F401
    deadlines,  # noqa: F401
    digitisation,  # noqa: F401
    files,  # noqa: F401
    housekeeping,  # noqa: F401
    huey,
    integrations,  # noqa: F401
    late_lists,  # noqa: F401
    notifications,  # noqa: F401
    reports,  # noqa: F401
    service_index,  # noqa: F401
    system,  # noqa: F401
)

__all__ = ["huey"]
