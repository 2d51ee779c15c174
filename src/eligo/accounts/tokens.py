"""Single-use, expiring tokens for email confirmation and password reset; only their sha256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from eligo.accounts import rows
from eligo.accounts.records import TokenPurpose
from eligo.store import Connection

LIFETIMES: dict[TokenPurpose, timedelta] = {"confirm": timedelta(days=2), "reset": timedelta(hours=1)}
MAX_TOKEN_CHARS = 128


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(connection: Connection, user_id: int, purpose: TokenPurpose, now: datetime) -> str:
    """A new token for the user; earlier unused tokens of the same purpose stop working."""
    rows.retire_tokens(connection, user_id, purpose, now)
    token = secrets.token_urlsafe(32)
    rows.insert_token(connection, digest(token), user_id, purpose, now, now + LIFETIMES[purpose])
    return token


def peek(connection: Connection, token: str, purpose: TokenPurpose, now: datetime) -> int | None:
    """The user id a live token belongs to, without spending it (to show the new-password form)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    wanted = digest(token)
    found = rows.live_token(connection, wanted, purpose, now)
    if found is None or not hmac.compare_digest(found[0], wanted):
        return None
    return found[1]


def redeem(connection: Connection, token: str, purpose: TokenPurpose, now: datetime) -> int | None:
    """Spend the token and return its user id; None when unknown, expired, used, or spent by a racing request."""
    user_id = peek(connection, token, purpose, now)
    if user_id is None or not rows.use_token(connection, digest(token), purpose, now):
        return None
    return user_id
