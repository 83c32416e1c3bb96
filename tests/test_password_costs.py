"""argon2's costs: production's (argon2-cffi's RFC 9106 low-memory profile) unless the
test-only setting MOTCUA_CHEAP_PASSWORD_HASHES asks for the cheapest (the suite does, see
tests/conftest.py), which production refuses to start with."""

from __future__ import annotations

import pytest

from app.accounts.passwords import dummy_hash, hash_password, verify_password
from app.settings import get_settings
from app.system import production

STANDARD = "$argon2id$v=19$m=65536,t=3,p=4$"
CHEAPEST = "$argon2id$v=19$m=8,t=1,p=1$"


@pytest.fixture
def settings_from_env(monkeypatch):
    """Settings re-read after the test changes the environment, and again after it."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def test_production_hashes_with_the_standard_costs(settings_from_env):
    settings_from_env.delenv("MOTCUA_CHEAP_PASSWORD_HASHES")
    stored = hash_password("mat-khau-2026")
    assert stored.startswith(STANDARD) and dummy_hash().startswith(STANDARD)
    assert verify_password(stored, "mat-khau-2026")
    assert not verify_password(stored, "mat-khau-2027")


def test_the_suite_hashes_cheaply_and_still_checks_the_password(settings_from_env):
    settings_from_env.setenv("MOTCUA_CHEAP_PASSWORD_HASHES", "1")
    stored = hash_password("mat-khau-2026")
    assert stored.startswith(CHEAPEST) and dummy_hash().startswith(CHEAPEST)
    assert stored != hash_password("mat-khau-2026")  # salted
    assert verify_password(stored, "mat-khau-2026")
    assert not verify_password(stored, "mat-khau-2027")
    assert not verify_password(dummy_hash(), "mat-khau-2026")


def test_cheap_hashes_never_run_in_production(settings_from_env):
    settings_from_env.setenv("MOTCUA_CHEAP_PASSWORD_HASHES", "1")
    settings_from_env.setenv("MOTCUA_HTTPS", "1")
    settings_from_env.delenv("MOTCUA_FAKE_NOW", raising=False)  # refused on its own too
    with pytest.raises(production.UnsafeConfiguration, match="MOTCUA_CHEAP_PASSWORD_HASHES"):
        production.check(get_settings())
    # Not even for a public demo: the sandbox allowance does not cover it.
    settings_from_env.setenv("MOTCUA_ALLOW_SANDBOX_IN_PRODUCTION", "1")
    get_settings.cache_clear()
    with pytest.raises(production.UnsafeConfiguration, match="MOTCUA_CHEAP_PASSWORD_HASHES"):
        production.check(get_settings())
