"""Saved child profiles (child_profiles): a signed-in user's named copies of a profile, for matches and alerts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from eligo.alerts import rows as alert_rows
from eligo.alerts.records import SavedProfile
from eligo.store.tables import child_profiles
from eligo.store.timestamps import stamp, unstamp

_COLUMNS = (
    child_profiles.c.id,
    child_profiles.c.user_id,
    child_profiles.c.name,
    child_profiles.c.profile,
    child_profiles.c.created_at,
    child_profiles.c.updated_at,
)


def _profile(row: Any) -> SavedProfile:
    return SavedProfile(
        id=int(row.id),
        user_id=int(row.user_id),
        name=str(row.name),
        profile=json.loads(row.profile),
        created_at=unstamp(row.created_at) or datetime.min,
        updated_at=unstamp(row.updated_at) or datetime.min,
    )


def insert_profile(connection: Connection, user_id: int, name: str, profile: dict[str, Any], now: datetime) -> int:
    values = {
        "user_id": user_id,
        "name": name,
        "profile": json.dumps(profile, sort_keys=True),
        "created_at": stamp(now),
        "updated_at": stamp(now),
    }
    return int(connection.execute(insert(child_profiles).values(**values).returning(child_profiles.c.id)).scalar_one())


def count_of(connection: Connection, user_id: int) -> int:
    return int(connection.scalar(select(func.count()).where(child_profiles.c.user_id == user_id)) or 0)


def profiles_of(connection: Connection, user_id: int) -> list[SavedProfile]:
    rows = connection.execute(
        select(*_COLUMNS).where(child_profiles.c.user_id == user_id).order_by(child_profiles.c.id)
    )
    return [_profile(row) for row in rows]


def profile_of(connection: Connection, user_id: int, profile_id: int) -> SavedProfile | None:
    """The profile when it belongs to this user; None for anyone else's (the caller answers 404)."""
    row = connection.execute(
        select(*_COLUMNS).where(child_profiles.c.id == profile_id, child_profiles.c.user_id == user_id)
    ).first()
    return _profile(row) if row is not None else None


def profiles_by_id(connection: Connection, profile_ids: list[int]) -> dict[int, SavedProfile]:
    if not profile_ids:
        return {}
    rows = connection.execute(select(*_COLUMNS).where(child_profiles.c.id.in_(profile_ids)))
    return {int(row.id): _profile(row) for row in rows}


def delete_profile(connection: Connection, user_id: int, profile_id: int) -> bool:
    """Delete the user's profile and the alerts that watch it; False when it is not theirs."""
    if profile_of(connection, user_id, profile_id) is None:
        return False
    alert_rows.delete_for_profile(connection, profile_id)
    connection.execute(delete(child_profiles).where(child_profiles.c.id == profile_id))
    return True
