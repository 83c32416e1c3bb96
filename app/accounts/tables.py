"""Tables of the accounts domain: users, their agency scope, sessions, login attempts and
the staff second factor."""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.directory.tables import Agency


class User(Table, tablename="app_user"):
    """A person who signs in: citizen, organisation representative or staff.

    `role` is one of `app.accounts.roles.Role`. Citizens sign in with their CCCD number
    (12 digits) or e-mail; staff with a username. Passwords are argon2 hashes.
    """

    username = Varchar(length=120, unique=True)
    full_name = Varchar(length=200)
    role = Varchar(length=30, index=True)
    id_number = Varchar(length=20, null=True, default=None, index=True)  # CCCD or tax code
    email = Varchar(length=200, default="")
    phone = Varchar(length=20, default="")
    password_hash = Varchar(length=255)
    active = Boolean(default=True)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)
    # Set when the population database confirmed the CCCD, name and date of birth (or an
    # administrator vouched for the ID number): only then are documents filed under the ID
    # number at the counter shown to this account (app.identity).
    birth_date = Date(null=True, default=None)
    id_verified_at = Timestamptz(null=True, default=None)


class UserAgency(Table, tablename="user_agency"):
    """The agencies a staff user works for; their data scope."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    agency = ForeignKey(Agency, null=False, on_delete=OnDelete.restrict, index=True)


class UserSession(Table, tablename="user_session"):
    """A server-side session; the cookie carries its signed token only.

    Revoking a row (logout, logout everywhere, account revocation) ends the session at once.
    """

    token = Varchar(length=64, unique=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=255, default="")
    revoked_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table, tablename="login_attempt"):
    """One login attempt, kept to throttle guessing per account and per IP address."""

    username = Varchar(length=120, index=True)
    ip = Varchar(length=64, index=True)
    at = Timestamptz(index=True)
    success = Boolean(default=False)


class SecondFactor(Table, tablename="second_factor"):
    """A staff user's TOTP secret. `confirmed_at` stays empty until the user has typed one
    valid code from their app (enrolment); `last_used_step` is the time step of the last
    accepted code, so no code is accepted twice (replay protection)."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, unique=True)
    secret = Varchar(length=64)
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    last_used_step = Integer(null=True, default=None)


class RecoveryCode(Table, tablename="recovery_code"):
    """One-time recovery codes for a lost phone: only their SHA-256 is kept."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)


class PasswordReset(Table, tablename="password_reset"):
    """One "Quên mật khẩu" request: a one-time code sent by SMS/e-mail. The page's URL
    token and the code are stored as hashes only. `user` is empty when the name typed is
    no account that may recover online (the page behaves the same, so it tells nobody
    which accounts exist); `identifier` (what was typed) and `ip` carry the limits."""

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, null=True, on_delete=OnDelete.cascade, index=True)
    identifier = Varchar(length=120, index=True)
    ip = Varchar(length=64, index=True)
    code_hash = Varchar(length=64)
    created_at = Timestamptz(index=True)
    expires_at = Timestamptz()
    attempts = Integer(default=0)
    used_at = Timestamptz(null=True, default=None)
