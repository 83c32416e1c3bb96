"""The sandbox national identity provider: an OpenID Connect provider inside the app with
its own login page of test people (the sandbox population registry's), its own RSA
signing key (var/sandbox_vneid_key.json, 0600, made on first use), discovery and JWKS.

It is strict like the real one: the client id and secret, the registered redirect URI,
S256 PKCE (the verifier must match the challenge), single-use codes valid 5 minutes. The
tester may ask it to misbehave as an attacker or a broken provider would, to see us refuse:
a token signed with another key (`forged`), an expired one (`expired`), one for another
sign-in (`wrong_nonce`), for another client (`wrong_audience`), or the token of the
person's previous sign-in again (`replay`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from app.db import write_transaction
from app.formatting import now_utc
from app.identity.tables import SandboxPerson
from app.integrations.config import derived_secret, public_url
from app.integrations.vneid.tables import SandboxOidcCode
from app.settings import get_settings

CLIENT_ID = "motcua"
API = "/api/v1/sandbox/vneid"
LOGIN_PAGE = "/sandbox/vneid/dang-nhap"
BEHAVIOURS = {"normal": "Bình thường", "forged": "Mã giả mạo (ký bằng khóa khác)",
              "expired": "Mã đã hết hạn", "wrong_nonce": "Mã của lần đăng nhập khác",
              "wrong_audience": "Mã cấp cho hệ thống khác",
              "replay": "Gửi lại mã của lần đăng nhập trước"}
CODE_LIFETIME = timedelta(minutes=5)
TOKEN_LIFETIME = 600


class ProviderError(ValueError):
    """An OAuth error answer: (error code, Vietnamese description)."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error


def issuer() -> str:
    return public_url() + API


def client_secret() -> str:
    return derived_secret("vneid-sandbox-client")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@lru_cache(maxsize=4)
def _key(path: str) -> RSAKey:
    if not os.path.exists(path):
        key = RSAKey.generate_key(2048, private=True, parameters={"kid": secrets.token_hex(8)})
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w") as f:
                json.dump(key.as_dict(private=True), f)
    with open(path) as f:
        return RSAKey.import_key(json.load(f))


def signing_key() -> RSAKey:
    return _key(str(get_settings().var_dir / "sandbox_vneid_key.json"))


def jwks() -> dict:
    return KeySet([signing_key()]).as_dict(private=False)


def discovery() -> dict:
    base = public_url()
    return {"issuer": issuer(), "authorization_endpoint": base + LOGIN_PAGE,
            "token_endpoint": base + API + "/token", "jwks_uri": base + API + "/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"]}


def check_request(params: dict[str, str], redirect_uris: tuple[str, ...]) -> None:
    """The authorization request as the real provider checks it."""
    if params.get("client_id") != CLIENT_ID or params.get("redirect_uri") not in redirect_uris:
        raise ProviderError("invalid_request", "Ứng dụng hoặc địa chỉ trả về không đăng ký.")
    if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
        raise ProviderError("invalid_request", "Chỉ hỗ trợ mã ủy quyền với PKCE S256.")
    if not params.get("state") or not params.get("nonce") or not params.get(
            "code_challenge"):
        raise ProviderError("invalid_request", "Thiếu state, nonce hoặc code_challenge.")


async def people(limit: int = 20) -> list[dict]:
    return await SandboxPerson.select().order_by(SandboxPerson.full_name).limit(limit)


async def grant(params: dict[str, str], id_number: str, behaviour: str) -> str:
    """The tester signed in as `id_number`: where the browser goes (redirect with code)."""
    person = await SandboxPerson.select().where(SandboxPerson.id_number == id_number).first()
    if person is None:
        raise ProviderError("access_denied", "Không có người thử nghiệm này.")
    code = secrets.token_urlsafe(32)
    async with write_transaction():
        await SandboxOidcCode(
            code_hash=_digest(code), client_id=params["client_id"],
            redirect_uri=params["redirect_uri"], code_challenge=params["code_challenge"],
            nonce=params["nonce"], id_number=id_number,
            behaviour=behaviour if behaviour in BEHAVIOURS else "normal",
            created_at=now_utc()).save()
    return params["redirect_uri"] + "?" + urlencode({"code": code, "state": params["state"]})


def denied(params: dict[str, str]) -> str:
    return params["redirect_uri"] + "?" + urlencode(
        {"error": "access_denied", "state": params.get("state", "")})


def _sign(claims: dict, behaviour: str) -> str:
    key = signing_key()
    if behaviour == "forged":  # same key id, another key: what a forger can do
        key = RSAKey.generate_key(2048, private=True, parameters={"kid": key.kid})
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


async def token(form: dict[str, str]) -> dict:
    """The token endpoint: checks the client, the code and PKCE; the token answer."""
    if form.get("grant_type") != "authorization_code":
        raise ProviderError("unsupported_grant_type", "Chỉ hỗ trợ authorization_code.")
    if form.get("client_id") != CLIENT_ID or not hmac.compare_digest(
            form.get("client_secret", ""), client_secret()):
        raise ProviderError("invalid_client", "Sai mã ứng dụng hoặc khóa bí mật.")
    now = now_utc()
    async with write_transaction():
        row = await SandboxOidcCode.select().where(
            SandboxOidcCode.code_hash == _digest(form.get("code", ""))).first()
        if row is None or row["used_at"] is not None or row["created_at"] < now - CODE_LIFETIME:
            raise ProviderError("invalid_grant", "Mã ủy quyền không hợp lệ hoặc đã dùng.")
        if row["redirect_uri"] != form.get("redirect_uri"):
            raise ProviderError("invalid_grant", "Địa chỉ trả về không khớp.")
        if create_s256_code_challenge(form.get("code_verifier", "")) != row["code_challenge"]:
            raise ProviderError("invalid_grant", "code_verifier không khớp (PKCE).")
        id_token = await _id_token(row)
        await SandboxOidcCode.update({SandboxOidcCode.used_at: now,
                                      SandboxOidcCode.issued_token: id_token}).where(
            SandboxOidcCode.id == row["id"])
    return {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME, "id_token": id_token}


async def _id_token(row: dict) -> str:
    behaviour = row["behaviour"]
    if behaviour == "replay":
        earlier = await SandboxOidcCode.select(SandboxOidcCode.issued_token).where(
            (SandboxOidcCode.id_number == row["id_number"])
            & (SandboxOidcCode.issued_token != "")).order_by(
            SandboxOidcCode.id, ascending=False).first()
        if earlier is not None:
            return earlier["issued_token"]
    person = await SandboxPerson.select().where(
        SandboxPerson.id_number == row["id_number"]).first()
    issued = int(time.time()) - (7200 if behaviour == "expired" else 0)
    claims = {"iss": issuer(), "sub": "vneid-" + _digest(person["id_number"])[:16],
              "aud": "khac" if behaviour == "wrong_audience" else row["client_id"],
              "iat": issued, "exp": issued + TOKEN_LIFETIME,
              "nonce": "khac" if behaviour == "wrong_nonce" else row["nonce"],
              "name": person["full_name"], "birthdate": person["birth_date"].isoformat(),
              "so_dinh_danh": person["id_number"]}
    return _sign(claims, behaviour)
