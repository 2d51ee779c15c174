"""Everything Eligo holds about a user, as JSON; and deleting all of it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from eligo.accounts.records import User
from eligo.store import user_data
from eligo.store.repository import TrialStore
from eligo.store.timestamps import stamp

EXPORT_FORMAT = "eligo-account-export/1"


def export_user(store: TrialStore, user: User, now: datetime) -> dict[str, Any]:
    with store.engine.connect() as connection:
        related = user_data.export_rows(connection, user.id)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": stamp(now),
        "account": {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "confirmed_at": stamp(user.confirmed_at) if user.confirmed_at else None,
            "created_at": stamp(user.created_at),
        },
        **related,
    }


def delete_account(store: TrialStore, user: User, forget_email: Iterable[user_data.ForgetEmail] = ()) -> None:
    """Remove the account and every row about it (sessions with their saved answers, tokens, mail, links);
    `forget_email` are the features' hooks for rows they keep by address (the app registers them)."""
    from eligo.accounts import ratelimit

    with store.engine.begin() as connection:
        user_data.delete_user(connection, user.id, user.email, forget_email)
    for kind in ("login:account", "reset:account"):
        ratelimit.clear(store, kind, user.email)
