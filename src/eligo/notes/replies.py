"""Replies to shared notes: whoever opened a family's share link with its passcode answers one of its notes,
the reply is kept with the note, and the family is emailed; a withdrawn or expired link takes no more."""

from __future__ import annotations

import logging
from datetime import datetime

from eligo.accounts.mail import queue_email
from eligo.accounts.users import email_text, user_with_id
from eligo.notes import rows
from eligo.notes.records import NoteReply, ShareLink
from eligo.store.repository import TrialStore

log = logging.getLogger("eligo.notes")

MAX_NAME_CHARS = 200
MAX_REPLY_CHARS = 4000


class ReplyRefused(ValueError):
    """A reply that cannot be kept; `field` names the form field at fault and the message is safe to show."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_reply(name: str, body: str) -> tuple[str, str]:
    who = " ".join(name.split())
    text = body.replace("\r\n", "\n").strip()
    if not who:
        raise ReplyRefused("Please give your name, so the family knows who replied.", "name")
    if len(who) > MAX_NAME_CHARS:
        raise ReplyRefused(f"Please keep your name under {MAX_NAME_CHARS} characters.", "name")
    if not text:
        raise ReplyRefused("Please write your reply.", "body")
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyRefused(f"Please keep the reply under {MAX_REPLY_CHARS} characters.", "body")
    return who, text


def add_reply(
    store: TrialStore, link: ShareLink, note_id: int, name: str, body: str, base_url: str, now: datetime
) -> int:
    """Keep the reply with the note and queue the family's email, together; ReplyRefused for bad input or a
    link that no longer works. The caller has checked that this visitor gave the passcode."""
    if link.status(now) in ("revoked", "expired"):
        raise ReplyRefused("This link no longer works, so it takes no replies.", "")
    who, text = check_reply(name, body)
    with store.engine.begin() as connection:
        note = rows.note_of(connection, link.user_id, note_id)
        if note is None or note.nct_id != link.nct_id or (link.note_id is not None and link.note_id != note_id):
            raise ReplyRefused("That note is not part of this shared page.", "note")
        owner = user_with_id(connection, link.user_id)
        reply_id = rows.insert_reply(connection, note_id, link.id, who, text, now)
        if owner is not None:
            # The email names who replied and where to read it; the reply itself stays on the family's page.
            subject, mail = email_text(
                "note_reply", who=who, nct_id=link.nct_id, link=f"{base_url}/trials/{link.nct_id}#note-{note_id}"
            )
            queue_email(
                connection, owner.email, subject.format(who=who, nct_id=link.nct_id), mail, now=now, user_id=owner.id
            )
    log.info("share link %d: a reply to note %d", link.id, note_id)
    return reply_id


def replies_to(store: TrialStore, note_ids: list[int]) -> dict[int, list[NoteReply]]:
    with store.engine.connect() as connection:
        return rows.replies_to(connection, note_ids)
