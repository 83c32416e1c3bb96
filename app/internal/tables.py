"""Tables of the internal procedures: account requests, the people listed, the account
history (grants and revocations) and one-time set-password tokens."""

from piccolo.columns import (
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.directory.tables import Agency
from app.dossiers.tables import Dossier


class AccountRequest(Table, tablename="account_request"):
    """An agency's written request to the Provincial Office; processed as a dossier of an
    internal procedure (its status, deadline and history live on the dossier)."""

    dossier = ForeignKey(Dossier, null=False, on_delete=OnDelete.restrict, unique=True)
    requesting_agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict,
                                   index=True)
    system = Varchar(length=20)  # app.internal.logic.System
    kind = Varchar(length=20)  # app.internal.logic.Kind
    letter_number = Varchar(length=60, default="")  # số văn bản đề nghị
    submitted_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    submitted_at = Timestamptz()
    decision = Varchar(length=20, default="")  # "" | approved | refused
    decided_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class AccountRequestPerson(Table, tablename="account_request_person"):
    """One person listed in a request, and what was done for them."""

    request = ForeignKey(AccountRequest, null=False, on_delete=OnDelete.restrict, index=True)
    full_name = Varchar(length=200)
    position = Varchar(length=200)
    unit = Varchar(length=200)
    email = Varchar(length=200)
    phone = Varchar(length=20, default="")
    reason = Text(default="")
    role = Varchar(length=30, default="")  # for a grant on this system
    ground = Varchar(length=20, default="")  # for a revocation
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)  # account made/revoked
    external_username = Varchar(length=120, default="")  # account on the external system
    handed_over_by = Varchar(length=200, default="")
    handed_over_at = Timestamptz(null=True, default=None)


class AccountChange(Table, tablename="account_change"):
    """Grant and revocation history of accounts, per agency and system."""

    agency = ForeignKey(Agency, null=True, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict, index=True)
    system = Varchar(length=20)
    kind = Varchar(length=20)  # cap | thu_hoi
    ground = Varchar(length=20, default="")
    request = ForeignKey(AccountRequest, null=True, on_delete=OnDelete.restrict)
    person_name = Varchar(length=200)
    account_name = Varchar(length=120, default="")
    open_dossiers = Integer(default=0)  # open dossiers left assigned to a revoked account
    note = Text(default="")
    at = Timestamptz()
    actor = ForeignKey(User, null=True, on_delete=OnDelete.restrict)


class SetPasswordToken(Table, tablename="set_password_token"):
    """A one-time link to choose a password; only the SHA-256 of the token is stored."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
