"""Server-side web sessions: load, update (merging concurrent writers) and expire a visitor's data by session id."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from eligo.store.tables import user_sessions, web_sessions


def load_session(engine: Engine, session_id: str, now: datetime) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(web_sessions.c.data, web_sessions.c.expires_at).where(web_sessions.c.id == session_id)
        ).first()
    if row is None or row.expires_at <= now.isoformat():
        return None
    return _decoded(row.data)


# Attempts at one compare-and-swap before giving up: each retry means another request of the same visitor
# wrote in between, so more than a handful never happens in practice.
MAX_ATTEMPTS = 50


class SessionConflictError(RuntimeError):
    """A session kept changing under an update: far more concurrent requests of one visitor than a person makes."""


def update_session(
    engine: Engine,
    session_id: str,
    change: Callable[[dict[str, Any]], None],
    expires_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    """Apply `change` to the stored data ({} when none or expired) and write it back, atomically.

    Optimistic: the data is read, changed in Python, and written only if the row still holds what was read
    (compare-and-swap on the data itself; equal data means equal state, so no version column is needed).
    When another request wrote in between, nothing is written and the change is applied again to what it
    wrote. The same on SQLite and PostgreSQL, and no lock is held while Python runs.
    """
    values: dict[str, Any] = {"expires_at": expires_at.isoformat()}
    for _ in range(MAX_ATTEMPTS):
        with engine.connect() as connection:
            row = connection.execute(
                select(web_sessions.c.data, web_sessions.c.expires_at).where(web_sessions.c.id == session_id)
            ).first()
        current = _decoded(row.data) if row is not None and row.expires_at > now.isoformat() else {}
        change(current)
        values["data"] = json.dumps(current, ensure_ascii=False, separators=(",", ":"))
        if row is None:
            try:
                with engine.begin() as connection:
                    connection.execute(insert(web_sessions).values(id=session_id, **values))
            except IntegrityError:  # another request of this visitor created it first: merge into theirs
                continue
            return current
        swap = (
            update(web_sessions)
            .where(web_sessions.c.id == session_id, web_sessions.c.data == row.data)
            .values(**values)
        )
        with engine.begin() as connection:
            if connection.execute(swap).rowcount:
                return current
    raise SessionConflictError(f"the session changed {MAX_ATTEMPTS} times during one update")


def _decoded(text: str) -> dict[str, Any]:
    data = json.loads(text)
    return data if isinstance(data, dict) else {}


def delete_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(web_sessions).where(web_sessions.c.id == session_id))


def purge_expired(engine: Engine, now: datetime) -> int:
    """Delete expired sessions (they may hold a child's profile and answers) and their sign-in bindings."""
    expired = select(web_sessions.c.id).where(web_sessions.c.expires_at <= now.isoformat())
    with engine.begin() as connection:
        connection.execute(delete(user_sessions).where(user_sessions.c.session_id.in_(expired)))
        result = connection.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now.isoformat()))
    return int(result.rowcount or 0)


def count_live(engine: Engine, now: datetime) -> int:
    """Sessions stored and not expired (the web layer caps their number)."""
    with engine.connect() as connection:
        found = connection.scalar(
            select(func.count()).select_from(web_sessions).where(web_sessions.c.expires_at > now.isoformat())
        )
    return int(found or 0)
