"""Everything held about one person, found by walking the foreign keys to users.id: exported, or deleted.

A new table joins export and deletion just by declaring its foreign key to users (or to a user's row). A
feature that keeps rows by email address rather than by user passes a "forget this email" hook instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Column, Connection, Table, delete, select

from eligo.store.tables import metadata, outbox, user_sessions, users, web_sessions

# A feature's hook for account deletion: remove its rows kept under this (normalised) email address.
ForgetEmail = Callable[[Connection, str], object]

# Never exported: they are secrets about the account, not information about the person.
SECRET_COLUMNS = frozenset(
    {
        "password_hash",
        "token_hash",
        "passcode_hash",
        "confirm_token_hash",
        "unsubscribe_token_hash",
        "claimed_until",
        "last_error",
    }
)
# Outbox bodies carry single-use links; a note's body is the user's own words and is exported.
# The study team's notes on a referral are theirs, not the family's (issue #15): never in the family's export.
SECRET_TABLE_COLUMNS = frozenset({("outbox", "body"), ("outbox", "headers"), ("referrals", "team_notes")})


def _visible(table: Table) -> list[Column[Any]]:
    return [
        column
        for column in table.columns
        if column.name not in SECRET_COLUMNS and (table.name, column.name) not in SECRET_TABLE_COLUMNS
    ]


def user_owned_columns() -> list[Column[Any]]:
    """Every column, in any table, that points at users.id: new tables (notes, share links, alerts...) join
    export and deletion just by declaring that foreign key."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if any(key.column is users.c.id for key in column.foreign_keys):
                found.append(column)
    return found


def _dependent_columns() -> list[tuple[Column[Any], Column[Any]]]:
    """(child column, owned parent id column) for tables that belong to a user through a parent row
    (alert matches through their subscription), in dependency order."""
    owned = {column.table for column in user_owned_columns()}
    found = []
    for table in metadata.sorted_tables:
        if table in owned:
            continue
        for column in table.columns:
            for key in column.foreign_keys:
                if key.column.table in owned:
                    found.append((column, key.column))
    return found


def _owned_ids(parent: Column[Any], user_id: int) -> Any:
    owner = next(column for column in parent.table.columns if column in user_owned_columns())
    return select(parent).where(owner == user_id).scalar_subquery()


def export_rows(connection: Connection, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the user, by table, secrets left out; a session's saved data is decoded."""
    exported: dict[str, list[dict[str, Any]]] = {}
    for column in user_owned_columns():
        table = column.table
        found = connection.execute(select(*_visible(table)).where(column == user_id))
        exported[table.name] = [dict(row._mapping) for row in found]
    for column, parent in _dependent_columns():
        table = column.table
        found = connection.execute(select(*_visible(table)).where(column.in_(_owned_ids(parent, user_id))))
        exported[table.name] = [dict(row._mapping) for row in found]
    saved = connection.execute(
        select(web_sessions.c.data, web_sessions.c.expires_at)
        .select_from(web_sessions.join(user_sessions, web_sessions.c.id == user_sessions.c.session_id))
        .where(user_sessions.c.user_id == user_id)
    )
    exported["web_sessions"] = [{"data": json.loads(entry.data), "expires_at": entry.expires_at} for entry in saved]
    for table_rows in exported.values():
        for row in table_rows:
            row.pop("session_id", None)  # a live session id is a credential
    return exported


def delete_user(connection: Connection, user_id: int, email: str, forget_email: Iterable[ForgetEmail] = ()) -> None:
    """Remove the user and every row about them; explicit deletes, so nothing depends on cascades being on."""
    # Signed out everywhere: the web sessions bound to the user go with the data saved in them.
    bound = select(user_sessions.c.session_id).where(user_sessions.c.user_id == user_id)
    connection.execute(delete(web_sessions).where(web_sessions.c.id.in_(bound)))
    connection.execute(delete(outbox).where(outbox.c.recipient == email))
    # Rows a feature keeps by address rather than by user (alerts subscribed to while signed out) go too.
    for forget in forget_email:
        forget(connection, email)
    for column, parent in reversed(_dependent_columns()):
        connection.execute(delete(column.table).where(column.in_(_owned_ids(parent, user_id))))
    for column in reversed(user_owned_columns()):
        connection.execute(delete(column.table).where(column == user_id))
    connection.execute(delete(users).where(users.c.id == user_id))
