"""Audit table: a hash chain of every state change."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """One state change, written in the same transaction as the change itself.

    `hash` = SHA-256 over the previous entry's hash and this entry's fields
    (`app.audit.logic.entry_hash`), so editing or deleting any row breaks the chain.
    `actor_id` is a plain integer, not a foreign key: the log outlives what it describes.
    """

    at = Timestamptz()
    actor_id = Integer(null=True, default=None)
    action = Varchar(length=60)
    entity = Varchar(length=60)
    entity_id = Varchar(length=60)
    data = Text(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)


class AuditHead(Table, tablename="audit_head"):
    """The chain's last id and hash, updated with every entry: deleting the newest
    entries is detected because the head no longer matches."""

    last_id = Integer(default=0)
    last_hash = Varchar(length=64)
    count = Integer(default=0)
