"""Tables of the work queue: the record of each bulk action taken from the queue."""

from piccolo.columns import JSON, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class BatchRun(Table, tablename="batch_run"):
    """One bulk action a leader applied to several dossiers from the queue: what was asked
    and, per dossier, done or refused with the state machine's reason (each dossier went
    through `perform` on its own). The form's one-time token is unique: the same form
    submitted twice (double click, Back and resubmit) shows the first run, never a second."""

    token = Varchar(length=64, unique=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    action = Varchar(length=40)
    assignee = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    # [{"id": dossier id, "code": "...", "ok": bool, "message": "..."}], in the order asked.
    outcome = JSON(default="[]")
