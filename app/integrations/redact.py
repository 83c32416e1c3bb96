"""Redaction of what the call log keeps: secrets never, personal numbers only in part.
Pure.

Values under keys that name a secret (token, secret, password, signature, code verifier,
authorization…) become "***", at any depth of a JSON body or a form; a bare secret given
by the caller is masked wherever it appears in text; 12-digit ID numbers (CCCD) and phone
numbers keep only their last three digits, enough to tell two calls apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

MASK = "***"
LIMIT = 4000  # characters of a body kept
_SECRET_KEY = re.compile(
    r"(secret|token|password|passwd|signature|authorization|verifier|api[_-]?key|"
    r"^code$|assertion|cookie|mac$)", re.IGNORECASE)
_ID_NUMBER = re.compile(r"(?<!\d)(\d{9})(\d{3})(?!\d)")  # CCCD: 12 digits
_PHONE = re.compile(r"(?<!\d)(0\d{6})(\d{3})(?!\d)")  # 10-digit Vietnamese phone


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def _numbers(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: "*" * 9 + m[2], text)
    return _PHONE.sub(lambda m: "*" * 7 + m[2], text)


def redact_value(value, secrets: Iterable[str] = ()):
    """A JSON-like value with secret keys masked and personal numbers shortened."""
    if isinstance(value, dict):
        return {k: (MASK if is_secret_key(str(k)) else redact_value(v, secrets))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    if isinstance(value, str):
        return redact_text(value, secrets, limit=None)
    return value


def redact_text(text: str, secrets: Iterable[str] = (), limit: int | None = LIMIT) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    text = _numbers(text)
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def redact_body(body: bytes | str | dict | list | None, secrets: Iterable[str] = ()) -> str:
    """A request or answer body as text for the log: JSON and forms key by key, anything
    else as text (binary bodies by size only)."""
    if body is None or body == b"" or body == "":
        return ""
    if isinstance(body, dict | list):
        return redact_text(json.dumps(redact_value(body, secrets), ensure_ascii=False),
                           secrets)
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(body)} byte nhị phân>"
    stripped = body.strip()
    if stripped[:1] in "{[":
        try:
            return redact_body(json.loads(stripped), secrets)
        except ValueError:
            pass
    if "=" in stripped and " " not in stripped and "\n" not in stripped:
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if pairs:
            return redact_text(urlencode([(k, MASK if is_secret_key(k) else v)
                                          for k, v in pairs]), secrets)
    return redact_text(body, secrets)


def redact_url(url: str) -> str:
    """A URL for the log: its query string dropped (codes and tokens travel there)."""
    return url.split("?", 1)[0][:300]
