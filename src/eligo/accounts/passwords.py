"""Password policy and hashing: argon2id, with a rehash when the hasher's parameters change."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
# Long enough for any passphrase, short enough that hashing it is never a denial of service.
MAX_LENGTH = 256

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults


class WeakPassword(ValueError):
    """The password breaks the policy; the message says how, in words safe to show."""


@cache
def common_passwords() -> frozenset[str]:
    text = files("eligo.accounts").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    words = {line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    if not words:
        raise ValueError("eligo/accounts/common_passwords.txt is empty")
    return frozenset(words)


def check_policy(password: str, email: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Use at most {MAX_LENGTH} characters.")
    if password.isdigit():
        raise WeakPassword("Use more than digits: a few words together work well.")
    lowered = password.strip().lower()
    local_part = email.split("@", 1)[0].lower()
    if lowered in (email.lower(), local_part):
        raise WeakPassword("Do not use your email address as your password.")
    if lowered in common_passwords():
        raise WeakPassword("That password is too common. A few unrelated words together work well.")


# Rows of keys and runs of letters or digits people slide along for a secret they will not remember.
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop")


def guessable(secret: str) -> bool:
    """True for a secret anyone would try first: a common password, one repeated character, or a straight
    run along the alphabet, the digits or a keyboard row (forwards or backwards)."""
    lowered = secret.strip().lower()
    if lowered in common_passwords() or len(set(lowered)) <= 1:
        return True
    return any(lowered in run or lowered in run[::-1] for run in _RUNS)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


@cache
def dummy_hash() -> str:
    """Verified against when the email is unknown, so that a missing account takes as long as a wrong password."""
    return _hasher.hash("eligo-no-such-account")
