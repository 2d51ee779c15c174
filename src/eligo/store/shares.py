"""Share-link rows (SQLAlchemy Core): only hashes of the token and passcode are ever written."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, insert, select, update

from eligo.notes.records import ShareLink
from eligo.store.tables import share_links
from eligo.store.timestamps import stamp, unstamp

_COLUMNS = [column for column in share_links.columns if column.name not in ("token_hash", "passcode_hash")]


def _share(row: Any) -> ShareLink:
    return ShareLink(
        id=int(row.id),
        user_id=int(row.user_id),
        nct_id=str(row.nct_id),
        note_id=int(row.note_id) if row.note_id is not None else None,
        answers=json.loads(row.answers) if row.answers else None,
        created_at=unstamp(row.created_at) or datetime.min,
        expires_at=unstamp(row.expires_at) or datetime.min,
        revoked_at=unstamp(row.revoked_at),
        failed_attempts=int(row.failed_attempts or 0),
        locked_until=unstamp(row.locked_until),
        last_opened_at=unstamp(row.last_opened_at),
    )


def insert_share(
    connection: Connection,
    *,
    user_id: int,
    token_hash: str,
    passcode_hash: str,
    nct_id: str,
    note_id: int | None,
    answers: dict[str, Any] | None,
    now: datetime,
    expires_at: datetime,
) -> ShareLink:
    values = {
        "user_id": user_id,
        "token_hash": token_hash,
        "passcode_hash": passcode_hash,
        "nct_id": nct_id,
        "note_id": note_id,
        "answers": json.dumps(answers, ensure_ascii=False) if answers is not None else None,
        "created_at": stamp(now),
        "expires_at": stamp(expires_at),
        "failed_attempts": 0,
    }
    share_id = connection.execute(insert(share_links).values(**values).returning(share_links.c.id)).scalar_one()
    return ShareLink(int(share_id), user_id, nct_id, note_id, answers, now, expires_at, None, 0, None, None)


def share_by_token(connection: Connection, token_hash: str) -> tuple[ShareLink, str, str] | None:
    """The link, its stored token hash (to compare in constant time) and its passcode hash."""
    row = connection.execute(
        select(*_COLUMNS, share_links.c.token_hash, share_links.c.passcode_hash).where(
            share_links.c.token_hash == token_hash
        )
    ).first()
    return (_share(row), str(row.token_hash), str(row.passcode_hash)) if row is not None else None


def share_of(connection: Connection, user_id: int, share_id: int) -> ShareLink | None:
    row = connection.execute(
        select(*_COLUMNS).where(share_links.c.id == share_id, share_links.c.user_id == user_id)
    ).first()
    return _share(row) if row is not None else None


def shares_of(connection: Connection, user_id: int, nct_id: str | None = None) -> list[ShareLink]:
    """The user's links, newest first."""
    query = select(*_COLUMNS).where(share_links.c.user_id == user_id)
    if nct_id is not None:
        query = query.where(share_links.c.nct_id == nct_id)
    return [_share(row) for row in connection.execute(query.order_by(share_links.c.id.desc()))]


def revoke(connection: Connection, user_id: int, share_id: int, now: datetime) -> bool:
    """Withdraw the link; True when it is the user's (already withdrawn counts)."""
    result = connection.execute(
        update(share_links)
        .where(share_links.c.id == share_id, share_links.c.user_id == user_id)
        .values(revoked_at=case((share_links.c.revoked_at.is_(None), stamp(now)), else_=share_links.c.revoked_at))
    )
    return result.rowcount == 1


def record_failure(connection: Connection, share_id: int, *, limit: int, lock_until: datetime) -> int:
    """Count one wrong passcode; on the `limit`-th, lock the link and start counting again. Returns the count."""
    failed = connection.execute(
        update(share_links)
        .where(share_links.c.id == share_id)
        .values(failed_attempts=share_links.c.failed_attempts + 1)
        .returning(share_links.c.failed_attempts)
    ).scalar_one()
    if int(failed) >= limit:
        connection.execute(
            update(share_links)
            .where(share_links.c.id == share_id)
            .values(failed_attempts=0, locked_until=stamp(lock_until))
        )
    return int(failed)


def record_opened(connection: Connection, share_id: int, now: datetime) -> None:
    connection.execute(
        update(share_links).where(share_links.c.id == share_id).values(failed_attempts=0, last_opened_at=stamp(now))
    )
