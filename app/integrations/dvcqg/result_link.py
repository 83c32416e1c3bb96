"""The issued result's download link the national portal shows the citizen
(DuongDanTepTinKetQua): signed and expiring, built from the configured public address.

    url = link(code, sha256, issued_at)          # absolute, from MOTCUA_PUBLIC_URL
    data, name = await open_result(code, expires, signature, now)   # or LinkRefused

The signature (HMAC-SHA256, a key derived from the app's secret) covers the dossier code,
the SHA-256 of the issued (signed) result file and the expiry time. So the link opens that
file only: a changed code or expiry breaks it, and once a dossier's result is issued again
the earlier link stops working. The expiry is the issue time plus MOTCUA_RESULT_LINK_DAYS
(30) — the same at every rebuild of the portal's payload, which therefore never differs
only by its link. Without a valid signature every refusal looks the same (a code alone
tells nobody whether that dossier has a result); with one, an expired link says so and
points to the lookup page and the citizen's warehouse, where the result stays.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlencode

from app.dossiers.tables import DossierResult
from app.files import store
from app.integrations.config import derived_secret, env_float, public_url
from app.payments.logic import sign, signature_valid

PATH = "/ket-qua"  # + /<dossier code>; the route `result.download`
INVALID = ("Đường dẫn tải kết quả không hợp lệ, hoặc kết quả đã được ban hành lại. Vui lòng "
           "tra cứu hồ sơ hoặc xem kết quả trong kho dữ liệu của bạn.")
EXPIRED = ("Đường dẫn tải kết quả đã hết hạn. Kết quả vẫn còn trong kho dữ liệu của bạn; "
           "bạn cũng có thể tra cứu hồ sơ để biết cách nhận kết quả.")


class LinkRefused(ValueError):
    """A download we do not serve (Vietnamese), with its HTTP status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# -- pure -----------------------------------------------------------------------------------

def signature(key: str, code: str, sha256: str, expires: int) -> str:
    return sign(f"{code}\n{sha256}\n{expires}".encode(), key)


def refusal(key: str, code: str, sha256: str | None, expires: str, given: str,
            now: datetime) -> LinkRefused | None:
    """Why this download is refused, or None. `sha256`: the result issued now (None when
    there is none); `expires`, `given`: from the link, as typed."""
    if sha256 is None or not expires.isascii() or not expires.isdigit() or not given:
        return LinkRefused(INVALID, 404)
    if not signature_valid(f"{code}\n{sha256}\n{expires}".encode(), given, key):
        return LinkRefused(INVALID, 404)
    if now.timestamp() > int(expires):
        return LinkRefused(EXPIRED, 410)
    return None


def expiry(issued_at: datetime, days: float) -> int:
    return int((issued_at + timedelta(days=days)).timestamp())


# -- with configuration and the database -----------------------------------------------------

def _key() -> str:
    return derived_secret("result-download-link")


def link(code: str, sha256: str, issued_at: datetime) -> str:
    expires = expiry(issued_at, env_float("RESULT_LINK_DAYS", 30.0))
    query = urlencode({"het_han": expires,
                       "chu_ky": signature(_key(), code, sha256, expires)})
    return f"{public_url()}{PATH}/{code}?{query}"


async def open_result(code: str, expires: str, given: str, now: datetime
                      ) -> tuple[bytes, str]:
    """The result file's bytes and content type, if the link is valid and unexpired."""
    found = await DossierResult.select(DossierResult.sha256,
                                       DossierResult.file.content_type).where(
        DossierResult.dossier.code == code[:60]).first()
    problem = refusal(_key(), code, found["sha256"] if found else None, expires[:20],
                      given[:100], now)
    if problem is not None:
        raise problem
    try:
        data = store.read(found["sha256"])
    except OSError:
        data = b""
    if hashlib.sha256(data).hexdigest() != found["sha256"]:  # never serve a damaged file
        raise LinkRefused("Tệp kết quả tạm thời không đọc được. Vui lòng thử lại sau.", 503)
    return data, found["file.content_type"] or "application/pdf"

