"""The one interface to the national population database (Cơ sở dữ liệu quốc gia về dân
cư) and the choice of provider from configuration.

`verify()` answers MATCH, MISMATCH or NOT_FOUND, or raises `RegistryUnavailable` when the
registry could not be asked (timeout, 5xx, bad answer, not configured). Unavailable is
never read as a yes: the account simply stays unverified until a later check.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Protocol

from app.identity.logic import Verification


class RegistryUnavailable(Exception):
    """The registry could not give an answer now; the reason is for logs and staff."""


class PopulationRegistry(Protocol):
    name: str

    async def verify(self, id_number: str, full_name: str, birth_date: date) -> Verification:
        ...


def registry_name() -> str:
    """MOTCUA_POPULATION_REGISTRY: "sandbox" or "http"; empty (default) means no registry,
    so a production install never verifies against demo people by accident."""
    return os.environ.get("MOTCUA_POPULATION_REGISTRY", "").strip().lower()


class NoRegistry:
    """No registry configured: every check is unavailable, accounts stay unverified."""

    name = ""

    async def verify(self, id_number: str, full_name: str, birth_date: date) -> Verification:
        raise RegistryUnavailable("Chưa cấu hình kết nối Cơ sở dữ liệu quốc gia về dân cư.")


def get_registry() -> PopulationRegistry:
    name = registry_name()
    if name == "sandbox":
        from app.identity.sandbox import SandboxRegistry

        return SandboxRegistry()
    if name == "http":
        from app.identity.http import HttpRegistry

        return HttpRegistry.from_environment()
    return NoRegistry()
