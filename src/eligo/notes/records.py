"""The plain records of private notes and share links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from eligo.notes.anchor import Span, TextQuote

ShareStatus = Literal["active", "locked", "expired", "revoked"]


@dataclass(frozen=True)
class Note:
    id: int
    user_id: int
    nct_id: str
    field: str
    quote: TextQuote
    # Where the quote was when the note was written: a hint for re-anchoring, not a promise.
    position: Span | None
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PlacedNote:
    """A note as anchored in the trial's current text; `span` None means its text is gone (orphaned)."""

    note: Note
    span: Span | None

    @property
    def orphaned(self) -> bool:
        return self.span is None


@dataclass(frozen=True)
class ShareLink:
    id: int
    user_id: int
    nct_id: str
    # One note, or None for every note of the user on the trial.
    note_id: int | None
    # The pre-screener answers and verdict as they were when the link was made, when the user shared them.
    answers: dict[str, Any] | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    failed_attempts: int
    locked_until: datetime | None
    last_opened_at: datetime | None

    def status(self, now: datetime) -> ShareStatus:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if self.locked_until is not None and self.locked_until > now:
            return "locked"
        return "active"


@dataclass(frozen=True)
class NoteReply:
    """A reply to a note from whoever opened the family's share link with its passcode (usually a doctor)."""

    id: int
    note_id: int
    name: str
    body: str
    created_at: datetime
