"""Tables of sign-in with the national account: the link of an account to its national
identity, one-time login attempts, and the sandbox provider's codes."""

from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class NationalAccountLink(Table, tablename="national_account_link"):
    """A citizen account proven by the national identity provider (VNeID): the provider's
    subject and when it was linked (the dossier sync's TaiKhoanDuocXacThucVoiVNeID)."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.restrict, unique=True)
    issuer = Varchar(length=200)
    subject = Varchar(length=200)
    linked_at = Timestamptz()
    last_login_at = Timestamptz()


class OidcLogin(Table, tablename="oidc_login"):
    """One sign-in started here: the state (stored hashed, used once), the nonce and PKCE
    verifier to check the answer with, and the browser it was started in (hashed cookie)."""

    state_hash = Varchar(length=64, unique=True)
    browser_hash = Varchar(length=64)
    nonce = Varchar(length=100)
    code_verifier = Varchar(length=128)
    next_path = Varchar(length=300, default="")
    created_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)


class SandboxOidcCode(Table, tablename="sandbox_oidc_code"):
    """An authorization code the sandbox identity provider gave (hashed, single use), with
    what the token request must match and how the tester asked it to behave."""

    code_hash = Varchar(length=64, unique=True)
    client_id = Varchar(length=100)
    redirect_uri = Varchar(length=500)
    code_challenge = Varchar(length=128)
    nonce = Varchar(length=100)
    id_number = Varchar(length=20)
    behaviour = Varchar(length=20, default="normal")
    issued_token = Text(default="")  # the ID token given, for the "replay" behaviour
    created_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
