"""The one interface to the national portal, and the choice of provider.

    portal = get_portal()            # None when MOTCUA_DVCQG is empty (not connected)
    answer = await portal.push("dossier", payload, version, collect)   # an Answer
    totals = await portal.daily_totals(day)     # {MaCoQuan: dossiers received that day}
    filings = await portal.pull("dossier")      # filed there, not yet acknowledged by us

Every request and webhook is signed with HMAC-SHA256 over the exact body bytes in the
`x-signature` header (`app.payments.logic.sign`), with MOTCUA_DVCQG_SECRET (derived from
the app's key for the sandbox). `payload.judge` reads a push's answer.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from app.integrations.calls import Answer
from app.integrations.config import derived_secret, env, provider


class NationalPortal(Protocol):
    name: str

    async def push(self, kind: str, payload: dict, version: int, collect: list) -> Answer:
        """Send one version of a dossier ("dossier") or feedback item ("feedback")."""
        ...

    async def daily_totals(self, day: date) -> dict[str, int]:
        ...

    async def pull(self, kind: str) -> list[dict]:
        """Filings ("dossier" or "feedback") we have not acknowledged yet."""
        ...

    async def acknowledge(self, kind: str, portal_id: str, our_reference: str) -> None:
        ...


def secret() -> str:
    return env("DVCQG_SECRET") or derived_secret("dvcqg")


def source_code() -> str:
    """MaCSDL: this system's code at the portal."""
    return env("DVCQG_SOURCE_CODE", "MOTCUA")


def get_portal() -> NationalPortal | None:
    name = provider("dvcqg")
    if name == "sandbox":
        from app.integrations.dvcqg.sandbox import SandboxPortal

        return SandboxPortal()
    if name == "http":
        from app.integrations.dvcqg.http import HttpPortal

        return HttpPortal.from_environment()
    return None
