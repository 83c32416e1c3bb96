"""Password hashing (argon2id) and the password rules. No I/O; the hashing costs are
production's unless the test-only setting asks for the cheapest."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.settings import get_settings

# argon2-cffi's default, RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes.
STANDARD_HASHER = PasswordHasher()
# Tests only (MOTCUA_CHEAP_PASSWORD_HASHES=1, refused with MOTCUA_HTTPS=1): the smallest
# argon2id costs, so the suite's few hundred hashes and sign-ins take microseconds, not
# ~0.2 s of CPU each. Hashes made with it still verify only with the right password.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    return CHEAP_HASHER if get_settings().cheap_password_hashes else STANDARD_HASHER

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so a wrong username takes
    as long as a wrong password and response times do not reveal which accounts exist.
    Made on first use: argon2 needs 64 MiB for it, which the worker never has to pay."""
    return _dummy_hash(_hasher())


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("không-có-tài-khoản-này")


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Vietnamese messages for each rule the password breaks (empty when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problems.append("Mật khẩu phải có cả chữ và số.")
    if username and username.lower() in password.lower():
        problems.append("Mật khẩu không được chứa tên đăng nhập.")
    return problems
