"""Shortlist rows (SQLAlchemy Core): a signed-in user's trials to compare, oldest first, scoped to the user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from eligo.store.tables import shortlist_items
from eligo.store.timestamps import stamp


def items_of(connection: Connection, user_id: int) -> list[str]:
    rows = connection.execute(
        select(shortlist_items.c.nct_id).where(shortlist_items.c.user_id == user_id).order_by(shortlist_items.c.id)
    )
    return [str(row.nct_id) for row in rows]


def add_items(connection: Connection, user_id: int, nct_ids: list[str], now: datetime) -> None:
    """Add the trials not already on the user's shortlist, in the order given."""
    have = set(items_of(connection, user_id))
    fresh = [nct_id for nct_id in dict.fromkeys(nct_ids) if nct_id not in have]
    if fresh:
        connection.execute(
            insert(shortlist_items),
            [{"user_id": user_id, "nct_id": nct_id, "added_at": stamp(now)} for nct_id in fresh],
        )


def remove_item(connection: Connection, user_id: int, nct_id: str) -> None:
    connection.execute(
        delete(shortlist_items).where(shortlist_items.c.user_id == user_id, shortlist_items.c.nct_id == nct_id)
    )


def clear(connection: Connection, user_id: int) -> None:
    connection.execute(delete(shortlist_items).where(shortlist_items.c.user_id == user_id))
