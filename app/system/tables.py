"""System tables."""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class Heartbeat(Table, tablename="heartbeat"):
    """The last time a background process proved it is alive (e.g. the Huey worker)."""

    name = Varchar(length=60, unique=True)
    at = Timestamptz()
