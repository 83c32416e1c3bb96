"""Checking what the identity provider says. Pure (the caller passes keys and time).

An ID token is accepted only when its RS256 signature verifies against the provider's
published keys, it names our provider as issuer and our client as audience, it carries
the nonce this very sign-in sent, it has not expired (with a minute of clock skew) and was
not issued in the future, and it names a 12-digit CCCD. Every refusal is a `LoginRefused`
with a Vietnamese message that says what to do.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date

from joserfc import errors, jwt
from joserfc.jwk import KeySet

from app.text import is_cccd

LEEWAY_SECONDS = 60
TRY_AGAIN = "Vui lòng đăng nhập lại bằng tài khoản định danh điện tử."


CLAIM_REFUSALS = {
    "nonce": "Mã xác thực định danh không thuộc lần đăng nhập này.",
    "iat": "Mã xác thực định danh chưa có hiệu lực.",
    "nbf": "Mã xác thực định danh chưa có hiệu lực.",
    "": "Mã xác thực định danh không dành cho hệ thống này.",
}


class LoginRefused(ValueError):
    """A sign-in we do not accept; the message is shown to the citizen."""


@dataclass(frozen=True)
class NationalIdentity:
    subject: str
    id_number: str
    full_name: str
    birth_date: date | None
    phone: str


def token_key_id(token: str) -> str:
    """The `kid` the token's header names ("" when none or unreadable): which of the
    provider's keys signed it, so keys fetched before a rotation can be told stale."""
    try:
        header = token.split(".", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, UnicodeDecodeError):
        return ""
    kid = data.get("kid") if isinstance(data, dict) else None
    return kid if isinstance(kid, str) else ""


def knows_key(jwks: dict, kid: str) -> bool:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    return any(isinstance(k, dict) and k.get("kid") == kid for k in keys or [])


def verify_id_token(token: str, jwks: dict, *, issuer: str, client_id: str, nonce: str,
                    now: int, id_claim: str) -> NationalIdentity:
    try:
        keys = KeySet.import_key_set(jwks)
        decoded = jwt.decode(token, keys, algorithms=["RS256"])
    except (errors.JoseError, ValueError, TypeError, KeyError):
        raise LoginRefused("Mã xác thực định danh không hợp lệ (sai chữ ký). "
                           + TRY_AGAIN) from None
    registry = jwt.JWTClaimsRegistry(
        now=now, leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer}, aud={"essential": True, "value": client_id},
        sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
        nonce={"essential": True, "value": nonce})
    claims = decoded.claims
    try:
        registry.validate(claims)
    except errors.ExpiredTokenError:
        raise LoginRefused("Phiên xác thực định danh đã hết hạn. " + TRY_AGAIN) from None
    except errors.ClaimError as exc:
        raise LoginRefused(CLAIM_REFUSALS.get(getattr(exc, "claim", ""), CLAIM_REFUSALS[""])
                           + " " + TRY_AGAIN) from None
    return identity_from(claims, id_claim)


def identity_from(claims: dict, id_claim: str) -> NationalIdentity:
    id_number = str(claims.get(id_claim, ""))
    if not is_cccd(id_number):
        raise LoginRefused("Tài khoản định danh không cho biết số CCCD (12 chữ số). "
                           "Vui lòng đăng ký tài khoản bằng số CCCD.")
    try:
        born = date.fromisoformat(str(claims["birthdate"])) if claims.get("birthdate") else None
    except ValueError:
        born = None
    return NationalIdentity(subject=str(claims["sub"]), id_number=id_number,
                            full_name=str(claims.get("name", "")).strip()[:200],
                            birth_date=born, phone=str(claims.get("phone_number", ""))[:20])
