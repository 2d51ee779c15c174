"""The shortlist: trials a family keeps to compare, in the visitor's session or, when signed in, in the account."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eligo.compare import rows
from eligo.store.repository import TrialStore

# Room for a few more than a family compares at once; it also bounds what one visitor can store.
MAX_SHORTLIST = 12
MAX_COMPARE = 4
MIN_COMPARE = 2
SESSION_KEY = "shortlist"


class ShortlistFull(ValueError):
    """The shortlist already holds MAX_SHORTLIST trials."""

    def __init__(self) -> None:
        super().__init__(f"Your shortlist already holds {MAX_SHORTLIST} trials. Remove one before adding another.")


def session_ids(data: Mapping[str, Any]) -> list[str]:
    """The trial ids kept in a visitor's session data, ignoring anything malformed."""
    raw = data.get(SESSION_KEY)
    if not isinstance(raw, list):
        return []
    return [item for item in raw if isinstance(item, str)][:MAX_SHORTLIST]


def added(ids: list[str], nct_id: str) -> list[str]:
    if nct_id in ids:
        return ids
    if len(ids) >= MAX_SHORTLIST:
        raise ShortlistFull()
    return [*ids, nct_id]


def removed(ids: list[str], nct_id: str) -> list[str]:
    return [item for item in ids if item != nct_id]


def account_ids(store: TrialStore, user_id: int) -> list[str]:
    with store.engine.connect() as connection:
        return rows.items_of(connection, user_id)


def add_to_account(store: TrialStore, user_id: int, nct_ids: list[str], now: datetime) -> list[str]:
    """Add trials to the account's shortlist (those beyond MAX_SHORTLIST are refused); the shortlist after."""
    with store.engine.begin() as connection:
        have = rows.items_of(connection, user_id)
        fresh = [nct_id for nct_id in dict.fromkeys(nct_ids) if nct_id not in have]
        if len(have) + len(fresh) > MAX_SHORTLIST:
            raise ShortlistFull()
        rows.add_items(connection, user_id, fresh, now)
        return [*have, *fresh]


def remove_from_account(store: TrialStore, user_id: int, nct_id: str) -> None:
    with store.engine.begin() as connection:
        rows.remove_item(connection, user_id, nct_id)
