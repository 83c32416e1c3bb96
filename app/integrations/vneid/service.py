"""Signing a citizen in with the national account.

`start` records one sign-in (state and PKCE verifier kept server-side, the state stored
hashed, bound to this browser by a random cookie) and gives the provider's URL. `finish`
takes the callback: the state must be ours, unused, fresh and from the same browser; it
is spent before the code is exchanged, so a replayed callback fails; the ID token is
verified (`logic.verify_id_token`) against this sign-in's nonce. The CCCD it names links
to the citizen's account (or creates one) as verified, in one transaction with its audit
entry. Staff accounts never sign in this way (they have a second factor).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from app.accounts import service as accounts
from app.accounts.roles import Role
from app.accounts.tables import User
from app.audit import service as audit
from app.db import write_transaction
from app.formatting import now_utc
from app.integrations.calls import PartnerUnavailable
from app.integrations.config import env, provider, public_url
from app.integrations.vneid.logic import (
    LoginRefused,
    NationalIdentity,
    knows_key,
    token_key_id,
    verify_id_token,
)
from app.integrations.vneid.provider import get_identity_provider
from app.integrations.vneid.tables import NationalAccountLink, OidcLogin

CALLBACK_PATH = "/dang-nhap/vneid/ve"
BROWSER_COOKIE = "motcua_vneid"
LOGIN_LIFETIME = timedelta(minutes=10)
STALE = "Phiên đăng nhập bằng VNeID không hợp lệ, đã hết hạn hoặc đã được sử dụng. "


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def redirect_uri() -> str:
    """The sandbox's login page is ours, so its callback is a path; a real provider needs
    the absolute address it has registered (MOTCUA_PUBLIC_URL, never the request's Host)."""
    return CALLBACK_PATH if provider("vneid") == "sandbox" else public_url() + CALLBACK_PATH


def id_claim() -> str:
    return env("VNEID_ID_CLAIM", "so_dinh_danh")


async def start(next_path: str) -> tuple[str, str]:
    """(the provider's URL to send the browser to, the browser cookie value)."""
    idp = get_identity_provider()
    if idp is None:
        raise LoginRefused("Chưa kết nối đăng nhập bằng tài khoản định danh điện tử.")
    state, nonce = generate_token(40), generate_token(40)
    verifier, browser = generate_token(64), secrets.token_urlsafe(32)
    async with write_transaction():
        await OidcLogin.delete().where(OidcLogin.created_at < now_utc() - timedelta(days=1))
        await OidcLogin(state_hash=_digest(state), browser_hash=_digest(browser), nonce=nonce,
                        code_verifier=verifier, next_path=next_path[:300],
                        created_at=now_utc()).save()
    try:
        url = await idp.authorization_url(state=state, nonce=nonce,
                                          challenge=create_s256_code_challenge(verifier),
                                          redirect_uri=redirect_uri())
    except PartnerUnavailable as exc:
        raise LoginRefused(str(exc)) from None
    return url, browser


async def _spend(state: str, browser: str) -> dict:
    """The sign-in this callback belongs to, marked used; LoginRefused otherwise."""
    async with write_transaction():
        row = await OidcLogin.select().where(OidcLogin.state_hash == _digest(state)).first()
        fresh = row is not None and row["created_at"] >= now_utc() - LOGIN_LIFETIME
        if (not fresh or row["used_at"] is not None or not browser
                or not secrets.compare_digest(row["browser_hash"], _digest(browser))):
            raise LoginRefused(STALE + "Vui lòng bấm đăng nhập lại.")
        await OidcLogin.update({OidcLogin.used_at: now_utc()}).where(OidcLogin.id == row["id"])
    return row


async def keys_for(idp, token: str) -> dict:
    """The provider's published keys to check `token` with: fetched once more when the
    token names a key the cached set lacks (the provider rotated its key since)."""
    keys = await idp.jwks()
    kid = token_key_id(token)
    if kid and not knows_key(keys, kid):
        keys = await idp.jwks(fresh=True)
    return keys


async def finish(query: dict[str, str], browser: str, *, now: int | None = None
                 ) -> tuple[User, str]:
    """The callback: (the signed-in citizen, where to go next)."""
    if query.get("error"):
        raise LoginRefused("Bạn đã hủy đăng nhập bằng tài khoản định danh điện tử.")
    if not query.get("state") or not query.get("code"):
        raise LoginRefused(STALE + "Vui lòng bấm đăng nhập lại.")
    row = await _spend(query["state"], browser)
    idp = get_identity_provider()
    if idp is None:
        raise LoginRefused("Chưa kết nối đăng nhập bằng tài khoản định danh điện tử.")
    try:
        tokens = await idp.exchange(code=query["code"], verifier=row["code_verifier"],
                                    redirect_uri=redirect_uri())
        keys = await keys_for(idp, str(tokens["id_token"]))
    except PartnerUnavailable as exc:
        raise LoginRefused(f"{exc} Vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu.") from None
    identity = verify_id_token(str(tokens["id_token"]), keys, issuer=idp.issuer,
                               client_id=idp.client_id, nonce=row["nonce"],
                               now=now or int(time.time()), id_claim=id_claim())
    return await link_account(identity, idp.issuer), row["next_path"]


async def link_account(identity: NationalIdentity, issuer: str) -> User:
    """The citizen account of this CCCD, linked and verified (created if there is none)."""
    moment = now_utc()
    async with write_transaction():
        user = await User.objects().where(User.id_number == identity.id_number).first()
        if user is not None and user.role != Role.CITIZEN.value:
            raise LoginRefused("Số định danh này thuộc tài khoản cán bộ hoặc tổ chức: vui "
                               "lòng đăng nhập bằng tên đăng nhập và mật khẩu.")
        if user is not None and not user.active:
            raise LoginRefused("Tài khoản này đã bị khóa. Vui lòng liên hệ Bộ phận Một cửa.")
        if user is None:
            # No password anyone knows: the citizen signs in with VNeID, or sets one later.
            user = await accounts.create_user(
                username=identity.id_number, password=secrets.token_urlsafe(32),
                full_name=identity.full_name or identity.id_number, role=Role.CITIZEN,
                id_number=identity.id_number, phone=identity.phone)
        changes = {}
        if user.id_verified_at is None:
            changes[User.id_verified_at] = moment
            await audit.record("user.identity_vneid", "user", user.id,
                               {"issuer": issuer}, actor_id=user.id)
        if user.birth_date is None and identity.birth_date is not None:
            changes[User.birth_date] = identity.birth_date
        if changes:
            await User.update(changes).where(User.id == user.id)
        await NationalAccountLink.insert(NationalAccountLink(
            user=user.id, issuer=issuer[:200], subject=identity.subject[:200],
            linked_at=moment, last_login_at=moment)).on_conflict(
            target=NationalAccountLink.user, action="DO UPDATE",
            values=[NationalAccountLink.issuer, NationalAccountLink.subject,
                    NationalAccountLink.last_login_at])
        await audit.record("user.login_vneid", "user", user.id, {}, actor_id=user.id)
    return await User.objects().where(User.id == user.id).first()
