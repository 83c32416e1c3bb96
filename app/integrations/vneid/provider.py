"""The one interface to the national identity provider, and the choice of provider.

    url = await idp.authorization_url(state=…, nonce=…, challenge=…, redirect_uri=…)
    tokens = await idp.exchange(code=…, verifier=…, redirect_uri=…)   # {"id_token", …}
    keys = await idp.jwks()

- sandbox (MOTCUA_VNEID=sandbox): the provider in `sandbox.py`, reached in-process through
  `calls.call` (logged, timed out, broken like any partner); its login page is ours, so
  the redirect URI is our callback path.
- http (MOTCUA_VNEID=http): a real provider by its discovery document
  (MOTCUA_VNEID_ISSUER + /.well-known/openid-configuration), client MOTCUA_VNEID_CLIENT_ID
  / MOTCUA_VNEID_CLIENT_SECRET (client_secret_post), redirect URI MOTCUA_PUBLIC_URL +
  callback path. Discovery and keys are kept for an hour.
"""

from __future__ import annotations

import json
import time
from typing import Protocol
from urllib.parse import urlencode

from app.integrations.calls import Answer, PartnerUnavailable, call, http_call
from app.integrations.config import env, provider
from app.integrations.vneid import sandbox


class IdentityProvider(Protocol):
    issuer: str
    client_id: str

    async def authorization_url(self, *, state: str, nonce: str, challenge: str,
                                redirect_uri: str) -> str: ...

    async def exchange(self, *, code: str, verifier: str, redirect_uri: str) -> dict: ...

    async def jwks(self, *, fresh: bool = False) -> dict: ...


def _query(client_id: str, state: str, nonce: str, challenge: str, redirect_uri: str) -> str:
    return urlencode({"response_type": "code", "client_id": client_id,
                      "redirect_uri": redirect_uri, "scope": "openid profile", "state": state,
                      "nonce": nonce, "code_challenge": challenge,
                      "code_challenge_method": "S256"})


def _tokens(answer: Answer) -> dict:
    try:
        data = answer.json()
    except ValueError:
        data = None
    if answer.status != 200 or not isinstance(data, dict) or not data.get("id_token"):
        reason = data.get("error_description", "") if isinstance(data, dict) else ""
        raise PartnerUnavailable(f"Hệ thống định danh không cấp mã xác thực. {reason}".strip())
    return data


class SandboxIdentityProvider:
    client_id = sandbox.CLIENT_ID

    @property
    def issuer(self) -> str:
        return sandbox.issuer()

    async def authorization_url(self, *, state: str, nonce: str, challenge: str,
                                redirect_uri: str) -> str:
        return sandbox.LOGIN_PAGE + "?" + _query(self.client_id, state, nonce, challenge,
                                                 redirect_uri)

    async def exchange(self, *, code: str, verifier: str, redirect_uri: str) -> dict:
        form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": redirect_uri, "client_id": self.client_id,
                "client_secret": sandbox.client_secret()}

        async def send() -> Answer:
            try:
                return Answer.of(200, await sandbox.token(form))
            except sandbox.ProviderError as exc:
                return Answer.of(400, {"error": exc.error, "error_description": str(exc)})
        return _tokens(await call("vneid", "token", send, target="sandbox", request=form,
                                  secrets=(sandbox.client_secret(), verifier, code)))

    async def jwks(self, *, fresh: bool = False) -> dict:
        async def send() -> Answer:
            return Answer.of(200, sandbox.jwks())
        return (await call("vneid", "jwks", send, target="sandbox")).json()


_CACHE: dict[str, tuple[float, dict]] = {}
CACHE_SECONDS = 3600
REFETCH_SECONDS = 60


class HttpIdentityProvider:
    def __init__(self, issuer: str, client_id: str, secret: str):
        self.issuer, self.client_id, self.secret = issuer.rstrip("/"), client_id, secret

    async def _document(self, name: str, url: str) -> dict:
        cached = _CACHE.get(url)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        answer = await http_call("vneid", name, "GET", url)
        try:
            data = answer.json()
        except (ValueError, json.JSONDecodeError):
            data = None
        if answer.status != 200 or not isinstance(data, dict):
            raise PartnerUnavailable("Hệ thống định danh trả lời không đúng định dạng.")
        _CACHE[url] = (time.monotonic(), data)
        return data

    async def _discovery(self) -> dict:
        if not self.issuer.startswith(("https://", "http://")) or not self.secret:
            raise PartnerUnavailable("Chưa cấu hình hệ thống định danh (MOTCUA_VNEID_ISSUER, "
                                     "MOTCUA_VNEID_CLIENT_SECRET).")
        return await self._document("discovery",
                                    self.issuer + "/.well-known/openid-configuration")

    async def authorization_url(self, *, state: str, nonce: str, challenge: str,
                                redirect_uri: str) -> str:
        endpoint = (await self._discovery())["authorization_endpoint"]
        return endpoint + "?" + _query(self.client_id, state, nonce, challenge, redirect_uri)

    async def exchange(self, *, code: str, verifier: str, redirect_uri: str) -> dict:
        endpoint = (await self._discovery())["token_endpoint"]
        form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": redirect_uri, "client_id": self.client_id,
                "client_secret": self.secret}
        return _tokens(await http_call("vneid", "token", "POST", endpoint, form=form,
                                       secrets=(self.secret, verifier, code)))

    async def jwks(self, *, fresh: bool = False) -> dict:
        """The published keys, cached an hour; `fresh` fetches them again (a token names a
        key they lack: the provider rotated), at most once a minute, so tokens naming
        made-up keys cannot make us hammer the provider."""
        url = (await self._discovery())["jwks_uri"]
        cached = _CACHE.get(url)
        if fresh and cached and time.monotonic() - cached[0] >= REFETCH_SECONDS:
            del _CACHE[url]
        return await self._document("jwks", url)


def get_identity_provider() -> IdentityProvider | None:
    name = provider("vneid")
    if name == "sandbox":
        return SandboxIdentityProvider()
    if name == "http":
        return HttpIdentityProvider(env("VNEID_ISSUER"), env("VNEID_CLIENT_ID", "motcua"),
                                    env("VNEID_CLIENT_SECRET"))
    return None
