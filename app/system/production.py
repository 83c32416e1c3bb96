"""What must never run in production (MOTCUA_HTTPS=1): the sandbox payment gateway, which
takes no money but marks fees paid; the sandbox population registry and the sandbox VNeID
provider, which verify anyone as demo people; the sandbox SMS/e-mail gateway, which sends
nothing; the sandbox national portal, document system and Zalo OA, which answer for
partners that never saw the data. The app refuses to start with either unless the operator says
MOTCUA_ALLOW_SANDBOX_IN_PRODUCTION=1 (a public demo behind HTTPS, say). Test-only settings
(a fake clock, the benchmark's addresses exempt from the lookup limit, cheap password
hashes) are refused always.
"""

from __future__ import annotations

from app.clock import fake_now_setting
from app.identity.registry import registry_name
from app.integrations.config import provider
from app.notifications.config import notify_settings
from app.payments.gateway import gateway_name
from app.settings import Settings

PARTNERS = {"vneid": "VNeID", "dvcqg": "Cổng DVCQG", "ioffice": "hệ thống quản lý văn bản",
            "zalo_oa": "Zalo OA"}


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up; the message tells the operator what to change."""


def sandboxes_in_use() -> list[str]:
    found = []
    if gateway_name() == "sandbox":
        found.append("MOTCUA_PAYMENT_GATEWAY=sandbox (cổng thanh toán thử nghiệm)")
    if registry_name() == "sandbox":
        found.append("MOTCUA_POPULATION_REGISTRY=sandbox (CSDL dân cư thử nghiệm)")
    for partner, name in PARTNERS.items():
        if provider(partner) == "sandbox":
            found.append(f"MOTCUA_{partner.upper()}=sandbox ({name} thử nghiệm)")
    if notify_settings().sandbox:
        found.append("MOTCUA_NOTIFY_SANDBOX=1 (tin nhắn, thư điện tử không được gửi đi)")
    return found


def check(settings: Settings) -> None:
    if not settings.https:
        return
    if fake_now_setting():
        raise UnsafeConfiguration("Refusing to start with MOTCUA_FAKE_NOW (a test clock) "
                                  "while MOTCUA_HTTPS=1 (production).")
    if settings.bench_exempt_addresses:
        raise UnsafeConfiguration("Refusing to start with MOTCUA_BENCH_EXEMPT_ADDRESSES "
                                  "(addresses the lookup limit ignores, for benchmarks) "
                                  "while MOTCUA_HTTPS=1 (production).")
    if settings.cheap_password_hashes:
        raise UnsafeConfiguration("Refusing to start with MOTCUA_CHEAP_PASSWORD_HASHES "
                                  "(argon2 costs for tests) while MOTCUA_HTTPS=1 (production).")
    if settings.allow_sandbox_in_production:
        return
    found = sandboxes_in_use()
    if found:
        raise UnsafeConfiguration(
            "Refusing to start with a sandbox while MOTCUA_HTTPS=1 (production): "
            + "; ".join(found) + ". Configure the real provider, or set "
            "MOTCUA_ALLOW_SANDBOX_IN_PRODUCTION=1 for a public demo.")
