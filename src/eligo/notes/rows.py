"""Note, reply and share-link rows (SQLAlchemy Core): every read and write of a note is scoped to its author;
of a share link only hashes of the token and passcode are ever written."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, or_, select, update

from eligo.notes.anchor import Span, TextQuote
from eligo.notes.records import Note, NoteReply, ShareLink
from eligo.store.tables import note_replies, notes, share_links
from eligo.store.timestamps import stamp, unstamp


def _note(row: Any) -> Note:
    position = None
    if row.position_start is not None and row.position_end is not None:
        position = Span(int(row.position_start), int(row.position_end))
    return Note(
        id=int(row.id),
        user_id=int(row.user_id),
        nct_id=str(row.nct_id),
        field=str(row.field),
        quote=TextQuote(exact=str(row.quote), prefix=str(row.prefix or ""), suffix=str(row.suffix or "")),
        position=position,
        body=str(row.body),
        created_at=unstamp(row.created_at) or datetime.min,
        updated_at=unstamp(row.updated_at) or datetime.min,
    )


def insert_note(
    connection: Connection,
    user_id: int,
    nct_id: str,
    field: str,
    quote: TextQuote,
    position: Span | None,
    body: str,
    now: datetime,
) -> Note:
    values = {
        "user_id": user_id,
        "nct_id": nct_id,
        "field": field,
        "quote": quote.exact,
        "prefix": quote.prefix,
        "suffix": quote.suffix,
        "position_start": position.start if position else None,
        "position_end": position.end if position else None,
        "body": body,
        "created_at": stamp(now),
        "updated_at": stamp(now),
    }
    note_id = connection.execute(insert(notes).values(**values).returning(notes.c.id)).scalar_one()
    return Note(note_id, user_id, nct_id, field, quote, position, body, now, now)


def note_of(connection: Connection, user_id: int, note_id: int) -> Note | None:
    """The note when it exists and is this user's; None either way, so callers cannot tell which."""
    row = connection.execute(select(notes).where(notes.c.id == note_id, notes.c.user_id == user_id)).first()
    return _note(row) if row is not None else None


def notes_of(connection: Connection, user_id: int, nct_id: str | None = None) -> list[Note]:
    """The user's notes, on one trial or on all, oldest first."""
    query = select(notes).where(notes.c.user_id == user_id)
    if nct_id is not None:
        query = query.where(notes.c.nct_id == nct_id)
    return [_note(row) for row in connection.execute(query.order_by(notes.c.nct_id, notes.c.id))]


def count_notes(connection: Connection, user_id: int, nct_id: str) -> int:
    query = select(func.count()).select_from(notes).where(notes.c.user_id == user_id, notes.c.nct_id == nct_id)
    return int(connection.scalar(query) or 0)


def set_body(connection: Connection, user_id: int, note_id: int, body: str, now: datetime) -> bool:
    result = connection.execute(
        update(notes).where(notes.c.id == note_id, notes.c.user_id == user_id).values(body=body, updated_at=stamp(now))
    )
    return result.rowcount == 1


def delete_note(connection: Connection, user_id: int, note_id: int) -> bool:
    """Delete the note and the links that share only it (explicitly: cascades may be off)."""
    if note_of(connection, user_id, note_id) is None:
        return False
    # Replies go first: to the note itself, and through the links that shared only it.
    only_this = select(share_links.c.id).where(share_links.c.note_id == note_id, share_links.c.user_id == user_id)
    connection.execute(
        delete(note_replies).where(or_(note_replies.c.note_id == note_id, note_replies.c.share_id.in_(only_this)))
    )
    connection.execute(delete(share_links).where(share_links.c.note_id == note_id, share_links.c.user_id == user_id))
    connection.execute(delete(notes).where(notes.c.id == note_id, notes.c.user_id == user_id))
    return True


def insert_reply(connection: Connection, note_id: int, share_id: int, name: str, body: str, now: datetime) -> int:
    values = {"note_id": note_id, "share_id": share_id, "name": name, "body": body, "created_at": stamp(now)}
    return int(connection.execute(insert(note_replies).values(**values).returning(note_replies.c.id)).scalar_one())


def replies_to(connection: Connection, note_ids: list[int]) -> dict[int, list[NoteReply]]:
    """The replies to these notes, oldest first, by note id."""
    found: dict[int, list[NoteReply]] = {}
    if not note_ids:
        return found
    rows = connection.execute(
        select(note_replies).where(note_replies.c.note_id.in_(note_ids)).order_by(note_replies.c.id)
    )
    for row in rows:
        found.setdefault(int(row.note_id), []).append(
            NoteReply(
                id=int(row.id),
                note_id=int(row.note_id),
                name=str(row.name),
                body=str(row.body),
                created_at=unstamp(row.created_at) or datetime.min,
            )
        )
    return found


# -- share links ------------------------------------------------------------------------------------

_SHARE_COLUMNS = [column for column in share_links.columns if column.name not in ("token_hash", "passcode_hash")]


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
        select(*_SHARE_COLUMNS, share_links.c.token_hash, share_links.c.passcode_hash).where(
            share_links.c.token_hash == token_hash
        )
    ).first()
    return (_share(row), str(row.token_hash), str(row.passcode_hash)) if row is not None else None


def share_of(connection: Connection, user_id: int, share_id: int) -> ShareLink | None:
    row = connection.execute(
        select(*_SHARE_COLUMNS).where(share_links.c.id == share_id, share_links.c.user_id == user_id)
    ).first()
    return _share(row) if row is not None else None


def shares_of(connection: Connection, user_id: int, nct_id: str | None = None) -> list[ShareLink]:
    """The user's links, newest first."""
    query = select(*_SHARE_COLUMNS).where(share_links.c.user_id == user_id)
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
