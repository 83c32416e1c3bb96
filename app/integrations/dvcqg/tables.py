"""Tables of the national-portal link: sync state per dossier, what came from the portal,
reconciliation runs, and the sandbox portal's own store."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.directory.tables import Agency
from app.dossiers.tables import Dossier
from app.feedback.tables import Feedback


class NationalSync(Table, tablename="national_sync"):
    """Where a dossier's sync stands: the last version queued and the last the portal
    acknowledged. `reception_synced_at`: when the portal first held the dossier with its
    reception date (indicator 1.4 counts it from then on)."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.set_null, index=True)
    queued_version = Integer(default=0)
    delivered_version = Integer(default=0)
    reception_synced_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class NationalDossierLink(Table, tablename="national_dossier_link"):
    """A dossier filed on the national portal: its id there (received once)."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    portal_id = Varchar(length=60, unique=True)
    received_at = Timestamptz()


class NationalFeedbackLink(Table, tablename="national_feedback_link"):
    """A feedback item filed on the national portal: its id there (received once)."""

    feedback = ForeignKey(Feedback, null=False, on_delete=OnDelete.restrict, unique=True)
    portal_id = Varchar(length=60, unique=True)
    received_at = Timestamptz()


class Reconciliation(Table, tablename="national_reconciliation"):
    """One day's comparison of our counts with the portal's daily totals, per agency code:
    `differences` lists {agency, ours, portal} where they differ (empty: all agree)."""

    day = Date(index=True)
    ours = JSON(default="{}")
    portal = JSON(default="{}")
    differences = JSON(default="[]")
    error = Text(default="")
    checked_at = Timestamptz()


class SandboxPortalReceipt(Table, tablename="sandbox_portal_receipt"):
    """Every push the sandbox portal received, kept or not: `accepted` false for a repeat
    of a version it already holds or a version out of order (`note` says which)."""

    kind = Varchar(length=20)  # dossier | feedback
    key = Varchar(length=80, index=True)  # MaHoSo or MaPAKN
    version = Integer()
    payload = JSON(default="{}")
    accepted = Boolean(default=False)
    note = Varchar(length=40, default="")
    received_at = Timestamptz()


class SandboxPortalFiling(Table, tablename="sandbox_portal_filing"):
    """A dossier or feedback a tester filed on the sandbox portal, to be pushed to us (and
    pulled by us if the push did not get through)."""

    kind = Varchar(length=20)  # dossier | feedback
    portal_id = Varchar(length=60, unique=True)
    payload = JSON(default="{}")
    created_at = Timestamptz()
    acknowledged_at = Timestamptz(null=True, default=None)
    our_reference = Varchar(length=60, default="")  # our code for it, from our answer
