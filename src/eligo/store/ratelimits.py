"""Rate-limit counters in the store, so every worker process sees the same counts (fixed window plus lock-out)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eligo.store.tables import rate_limits
from eligo.store.timestamps import stamp, unstamp


def locked_until(engine: Engine, key: str, now: datetime) -> datetime | None:
    with engine.connect() as connection:
        value = connection.scalar(select(rate_limits.c.locked_until).where(rate_limits.c.key == key))
    until = unstamp(value)
    return until if until is not None and until > now else None


def count(engine: Engine, key: str, now: datetime, *, limit: int, window: timedelta, lock: timedelta) -> int:
    """Count one event; on the `limit`-th within `window`, lock the key for `lock`. Returns the count."""
    fresh = stamp(now - window)
    insert = (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)(rate_limits)
    # One atomic upsert: two workers counting at once both land (the SET sees the row's previous values).
    statement = insert.values(key=key, window_start=stamp(now), count=1).on_conflict_do_update(
        index_elements=[rate_limits.c.key],
        set_={
            "count": case((rate_limits.c.window_start <= fresh, 1), else_=rate_limits.c.count + 1),
            "window_start": case((rate_limits.c.window_start <= fresh, stamp(now)), else_=rate_limits.c.window_start),
        },
    )
    with engine.begin() as connection:
        reached = int(connection.execute(statement.returning(rate_limits.c.count)).scalar_one())
        if reached >= limit:
            # The lock starts a clean window, so the count after it starts again from zero.
            connection.execute(
                update(rate_limits)
                .where(rate_limits.c.key == key)
                .values(locked_until=stamp(now + lock), count=0, window_start=stamp(now))
            )
    return reached


def clear(engine: Engine, *keys: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(rate_limits).where(rate_limits.c.key.in_(keys)))
