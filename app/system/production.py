"""What must never run in production (MOTCUA_HTTPS=1): the sandbox payment gateway, which
takes no money but marks fees paid, and the sandbox population registry, which verifies
anyone against demo people. The app refuses to start with either unless the operator says
MOTCUA_ALLOW_SANDBOX_IN_PRODUCTION=1 (a public demo behind HTTPS, say).
"""

from __future__ import annotations

from app.clock import fake_now_setting
from app.identity.registry import registry_name
from app.payments.gateway import gateway_name
from app.settings import Settings


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up; the message tells the operator what to change."""


def sandboxes_in_use() -> list[str]:
    found = []
    if gateway_name() == "sandbox":
        found.append("MOTCUA_PAYMENT_GATEWAY=sandbox (cổng thanh toán thử nghiệm)")
    if registry_name() == "sandbox":
        found.append("MOTCUA_POPULATION_REGISTRY=sandbox (CSDL dân cư thử nghiệm)")
    return found


def check(settings: Settings) -> None:
    if not settings.https:
        return
    if fake_now_setting():
        raise UnsafeConfiguration("Refusing to start with MOTCUA_FAKE_NOW (a test clock) "
                                  "while MOTCUA_HTTPS=1 (production).")
    if settings.allow_sandbox_in_production:
        return
    found = sandboxes_in_use()
    if found:
        raise UnsafeConfiguration(
            "Refusing to start with a sandbox while MOTCUA_HTTPS=1 (production): "
            + "; ".join(found) + ". Configure the real provider, or set "
            "MOTCUA_ALLOW_SANDBOX_IN_PRODUCTION=1 for a public demo.")
