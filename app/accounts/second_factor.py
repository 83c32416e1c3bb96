"""The staff second factor, as pure rules: TOTP codes (RFC 6238 via pyotp) with replay
protection by time step, one-time recovery codes, and the stricter staff password rules.
No I/O: the service decides what is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp

ISSUER = "Một Cửa"
STEP_SECONDS = 30
# One step either side tolerates a phone clock a little off and a code typed just as it
# changes; more would widen the guessing window for nothing.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand
STAFF_MIN_LENGTH = 10
COMMON_PASSWORDS = frozenset({
    "1234567890", "0123456789", "12345678910", "matkhau123", "matkhau1234", "password123",
    "password1234", "abc1234567", "abcd123456", "qwerty1234", "admin12345", "motcua2026",
    "123456789a", "a123456789", "vietnam123", "iloveyou12",
})


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """What the QR code carries: authenticator apps read account and issuer from it."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The key in groups of four, for people who type it instead of scanning."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def normalise_code(code: str) -> str:
    # ASCII only: other scripts' digits pass str.isdigit() but are never a code.
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def looks_like_totp(code: str) -> bool:
    normalised = normalise_code(code)
    return len(normalised) == 6 and normalised.isdigit()


def matching_step(secret: str, code: str, *, last_used_step: int | None,
                  now: float | None = None) -> int | None:
    """The time step `code` belongs to, if it is valid now and newer than the last code
    accepted. Refusing steps at or before the last one makes every code single-use: a code
    seen over a shoulder or replayed from a log is worthless once it has been used."""
    if not looks_like_totp(code):
        return None
    normalised = normalise_code(code)
    totp = pyotp.TOTP(secret)
    step = current_step(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if last_used_step is not None and candidate <= last_used_step:
            continue
        if hmac.compare_digest(totp.at(candidate * STEP_SECONDS).encode(), normalised.encode()):
            return candidate
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes like `k7mq-3xte`: 40 bits each, enough for single-use codes behind lockout."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8))
        codes.append(f"{raw[:4]}-{raw[4:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """SHA-256 is enough here: the codes are random (not chosen by people) and single-use,
    so there is no dictionary to try; the database never holds them in clear."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def staff_password_problems(password: str, *, username: str = "") -> list[str]:
    """Vietnamese messages for each staff password rule broken (empty when it is fine).
    Staff accounts reach every dossier of their agencies, so the bar is higher than for
    citizens: at least 10 characters, letters and digits, not the username, not common."""
    problems = []
    if len(password) < STAFF_MIN_LENGTH:
        problems.append(f"Mật khẩu của cán bộ phải có ít nhất {STAFF_MIN_LENGTH} ký tự.")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problems.append("Mật khẩu phải có cả chữ và số.")
    if username and username.lower() in password.lower():
        problems.append("Mật khẩu không được chứa tên đăng nhập.")
    if password and len(set(password.lower())) < 4:
        problems.append("Mật khẩu quá đơn giản: cần ít nhất 4 ký tự khác nhau.")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.")
    return problems
