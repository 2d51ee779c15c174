"""Note rows (SQLAlchemy Core): every read and write is scoped to the note's author."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from eligo.notes.anchor import Span, TextQuote
from eligo.notes.records import Note, NoteReply
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
