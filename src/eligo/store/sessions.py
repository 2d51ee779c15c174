"""Server-side web sessions: load, save and expire a visitor's data by session id."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from eligo.store.tables import web_sessions


def load_session(engine: Engine, session_id: str, now: datetime) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(web_sessions.c.data, web_sessions.c.expires_at).where(web_sessions.c.id == session_id)
        ).first()
    if row is None or row.expires_at <= now.isoformat():
        return None
    data = json.loads(row.data)
    return data if isinstance(data, dict) else None


def save_session(engine: Engine, session_id: str, data: dict[str, Any], expires_at: datetime) -> None:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    values = {"data": payload, "expires_at": expires_at.isoformat()}
    statement = update(web_sessions).where(web_sessions.c.id == session_id).values(**values)
    with engine.begin() as connection:
        if connection.execute(statement).rowcount:
            return
    try:
        with engine.begin() as connection:
            connection.execute(insert(web_sessions).values(id=session_id, **values))
    except IntegrityError:  # two first requests of one visitor raced: the other inserted, so update
        with engine.begin() as connection:
            connection.execute(statement)


def delete_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(web_sessions).where(web_sessions.c.id == session_id))


def purge_expired(engine: Engine, now: datetime) -> int:
    with engine.begin() as connection:
        result = connection.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now.isoformat()))
    return int(result.rowcount or 0)
