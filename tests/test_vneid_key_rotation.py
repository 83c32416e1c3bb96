"""VNeID rotates its signing key: a token signed with a key our cached JWKS lacks makes us
fetch the keys again, once, and no more than once a minute however many made-up key ids
arrive (so a forged token cannot make us hammer the provider)."""

from __future__ import annotations

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from app.integrations.vneid import provider as vneid_provider
from app.integrations.vneid.logic import knows_key, token_key_id
from app.integrations.vneid.provider import HttpIdentityProvider
from app.integrations.vneid.service import keys_for
from tests.partner_servers import PartnerServer

pytestmark = pytest.mark.anyio


class IdentityServer(PartnerServer):
    """Discovery and JWKS of an OpenID provider whose current key can be changed."""

    mount = "/oidc"

    def __init__(self):
        super().__init__()
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "2026-a"})]

    def handle(self, method, path, headers, body):
        if path == "/.well-known/openid-configuration":
            return 200, {"issuer": self.url, "jwks_uri": self.url + "/jwks",
                         "authorization_endpoint": self.url + "/authorize",
                         "token_endpoint": self.url + "/token"}
        if path == "/jwks":
            return 200, KeySet(self.keys).as_dict(private=False)
        return 404, {"loi": "not found"}

    def jwks_fetches(self) -> int:
        return sum(1 for _, path in self.requests if path.endswith("/jwks"))


def token_signed_with(key: RSAKey) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, {"sub": "x"}, key)


@pytest.fixture
def identity_server(db, monkeypatch):
    monkeypatch.setattr(vneid_provider, "_CACHE", {})
    with IdentityServer() as server:
        yield server


def test_the_key_id_is_read_from_the_token_header():
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert token_key_id(token_signed_with(key)) == "k1"
    assert token_key_id("not a token") == token_key_id("") == ""
    assert knows_key({"keys": [{"kid": "k1"}]}, "k1")
    assert not knows_key({"keys": [{"kid": "k1"}]}, "k2") and not knows_key({}, "k1")


async def test_a_rotated_key_is_fetched_once_and_made_up_ones_wait_a_minute(
        identity_server, monkeypatch):
    idp = HttpIdentityProvider(identity_server.url, "motcua", "client-secret")
    first = identity_server.keys[0]
    assert knows_key(await keys_for(idp, token_signed_with(first)), first.kid)
    assert knows_key(await keys_for(idp, token_signed_with(first)), first.kid)
    assert identity_server.jwks_fetches() == 1  # cached

    # The provider rotates; the cache is older than a minute: one fetch finds the new key.
    rotated = RSAKey.generate_key(2048, parameters={"kid": "2026-b"})
    identity_server.keys = [rotated]
    url = identity_server.url + "/jwks"
    fetched_at, keys = vneid_provider._CACHE[url]
    vneid_provider._CACHE[url] = (fetched_at - vneid_provider.REFETCH_SECONDS, keys)
    assert knows_key(await keys_for(idp, token_signed_with(rotated)), rotated.kid)
    assert identity_server.jwks_fetches() == 2

    # Tokens naming keys nobody published: no new fetch within the minute.
    for number in range(5):
        forged = RSAKey.generate_key(2048, parameters={"kid": f"made-up-{number}"})
        assert not knows_key(await keys_for(idp, token_signed_with(forged)), forged.kid)
    assert identity_server.jwks_fetches() == 2
