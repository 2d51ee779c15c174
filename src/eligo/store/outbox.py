"""Outbox rows: queue a message inside the caller's transaction, claim it for sending, record the outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, insert, or_, select, update

from eligo.store.tables import outbox
from eligo.store.timestamps import stamp


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    recipient: str
    subject: str
    body: str
    attempts: int
    headers: dict[str, str] = field(default_factory=dict)


def queue(
    connection: Connection,
    recipient: str,
    subject: str,
    body: str,
    user_id: int | None,
    now: datetime,
    headers: dict[str, str] | None = None,
) -> int:
    values = {
        "user_id": user_id,
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "headers": json.dumps(headers) if headers else None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": stamp(now),
        "created_at": stamp(now),
    }
    return int(connection.execute(insert(outbox).values(**values).returning(outbox.c.id)).scalar_one())


def _due(now: datetime) -> ColumnElement[bool]:
    # Pending and due, or claimed by a sender whose lease ran out (it crashed mid-run).
    return or_(
        and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= stamp(now)),
        and_(outbox.c.status == "sending", outbox.c.claimed_until <= stamp(now)),
    )


def claim(engine: Engine, now: datetime, lease: timedelta, limit: int) -> list[OutgoingMessage]:
    """Claim up to `limit` due messages; a message is claimed by exactly one caller, even across workers."""
    with engine.connect() as connection:
        ids = list(connection.scalars(select(outbox.c.id).where(_due(now)).order_by(outbox.c.id).limit(limit)))
    claimed = []
    for message_id in ids:
        with engine.begin() as connection:
            result = connection.execute(
                update(outbox)
                .where(outbox.c.id == message_id, _due(now))
                .values(status="sending", claimed_until=stamp(now + lease), attempts=outbox.c.attempts + 1)
            )
            if result.rowcount != 1:
                continue  # another sender got there first
            row = connection.execute(
                select(
                    outbox.c.id,
                    outbox.c.recipient,
                    outbox.c.subject,
                    outbox.c.body,
                    outbox.c.attempts,
                    outbox.c.headers,
                ).where(outbox.c.id == message_id)
            ).one()
        headers = json.loads(row.headers) if row.headers else {}
        claimed.append(OutgoingMessage(int(row.id), row.recipient, row.subject, row.body, int(row.attempts), headers))
    return claimed


def mark_sent(engine: Engine, message_id: int, now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == message_id, outbox.c.status == "sending")
            .values(status="sent", sent_at=stamp(now), body="", headers=None, claimed_until=None, last_error=None)
        )


def mark_failed(engine: Engine, message_id: int, error: str, retry_at: datetime | None) -> None:
    """Put the message back for another try at `retry_at`, or give up on it (None) after a permanent refusal."""
    values: dict[str, object] = {"claimed_until": None, "last_error": error[:200]}
    if retry_at is None:
        values["status"] = "failed"
    else:
        values.update(status="pending", next_attempt_at=stamp(retry_at))
    with engine.begin() as connection:
        claimed = update(outbox).where(outbox.c.id == message_id, outbox.c.status == "sending")
        connection.execute(claimed.values(**values))


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
        return {str(status): int(count) for status, count in rows}
