"""Password hashing (argon2id) and the password rules. No I/O."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so a wrong username takes
    as long as a wrong password and response times do not reveal which accounts exist.
    Made on first use: argon2 needs 64 MiB for it, which the worker never has to pay."""
    return _hasher.hash("không-có-tài-khoản-này")


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
