"""Tables of satisfaction ratings: invitations (tokenised links), ratings, the officers a
rating is attributed to."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class RatingInvite(Table, tablename="rating_invite"):
    """The invitation sent when a result is returned; only the token's SHA-256 is kept."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()


class Rating(Table, tablename="rating"):
    """One rating per dossier (unique), attributed to the agency that settled it."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)
    channel = Varchar(length=10)  # web | kiosk
    scores = JSON(default="{}")  # question key → 1..5
    average = Numeric(digits=(4, 2))
    satisfied = Boolean(default=False)
    comment = Text(default="")
    created_at = Timestamptz(index=True)


class RatingOfficer(Table, tablename="rating_officer"):
    """An officer who acted on the rated dossier (from its history)."""

    rating = ForeignKey(Rating, null=False, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
