"""Private notes: write one on a trial's text, edit, delete, and place each in the trial's current text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eligo.criteria.parse import ParsedCriteria
from eligo.notes import rows
from eligo.notes.anchor import Span, TextQuote, anchor, quote_at
from eligo.notes.fields import FIELDS, field_texts
from eligo.notes.records import Note, PlacedNote
from eligo.store.repository import TrialStore
from eligo.trials.model import Trial

MAX_BODY_CHARS = 4000
MAX_QUOTE_CHARS = 1000
# Far more than anyone writes on one trial; it keeps one account from filling the store.
MAX_NOTES_PER_TRIAL = 300


class NoteError(ValueError):
    """What was wrong with a note, in words safe to show; `field` names the form field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class NoteDraft:
    """A note as the form sends it: the quoted words, and where the page says they were (when it knows)."""

    quote: str
    body: str
    field: str = ""
    position: Span | None = None
    prefix: str = ""
    suffix: str = ""


def check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise NoteError("Please write your note.", "body")
    if len(body) > MAX_BODY_CHARS:
        raise NoteError(
            f"Your note is {len(body):,} characters long; the most is {MAX_BODY_CHARS:,}. Please shorten it.", "body"
        )
    return body


def _check_quote(quote: str) -> str:
    if not quote.strip():
        raise NoteError("Please select or paste the text of the trial page you are commenting on.", "quote")
    if len(quote) > MAX_QUOTE_CHARS:
        raise NoteError(
            f"The text you are commenting on is {len(quote):,} characters long; the most is {MAX_QUOTE_CHARS:,}. "
            "Please choose a shorter passage.",
            "quote",
        )
    return quote


def locate(trial: Trial, parsed: ParsedCriteria | None, draft: NoteDraft) -> tuple[str, TextQuote, Span]:
    """The field, the selector (exact words and context taken from the trial itself) and the span of the draft's
    quote; NoteError when the words are not on the page."""
    quote = _check_quote(draft.quote)
    if draft.field and draft.field not in FIELDS:
        raise NoteError("Please choose a part of the page from the list.", "field")
    texts = field_texts(trial, parsed)
    searched = [draft.field] if draft.field else list(FIELDS)
    wanted = TextQuote(quote, draft.prefix, draft.suffix)
    for name in searched:
        text = texts[name].text
        span = anchor(text, wanted, draft.position if name == draft.field else None)
        if span is not None:
            return name, quote_at(text, span), span
    where = f" in “{FIELDS[draft.field]}”" if draft.field else ""
    raise NoteError(
        f"We could not find that text{where} on this trial's page. Copy the words exactly as the page shows them, "
        "or select them on the page.",
        "quote",
    )


def create_note(
    store: TrialStore, user_id: int, trial: Trial, parsed: ParsedCriteria | None, draft: NoteDraft, now: datetime
) -> Note:
    body = check_body(draft.body)
    field, quote, span = locate(trial, parsed, draft)
    with store.engine.begin() as connection:
        if rows.count_notes(connection, user_id, trial.nct_id) >= MAX_NOTES_PER_TRIAL:
            raise NoteError(
                f"You already have {MAX_NOTES_PER_TRIAL} notes on this trial, the most Eligo keeps. "
                "Please delete some first.",
                "body",
            )
        return rows.insert_note(connection, user_id, trial.nct_id, field, quote, span, body, now)


def note_of(store: TrialStore, user_id: int, note_id: int) -> Note | None:
    with store.engine.connect() as connection:
        return rows.note_of(connection, user_id, note_id)


def notes_of(store: TrialStore, user_id: int, nct_id: str | None = None) -> list[Note]:
    with store.engine.connect() as connection:
        return rows.notes_of(connection, user_id, nct_id)


def edit_note(store: TrialStore, user_id: int, note_id: int, body: str, now: datetime) -> Note | None:
    """The note with its new words; None when there is no such note of this user."""
    checked = check_body(body)
    with store.engine.begin() as connection:
        if not rows.set_body(connection, user_id, note_id, checked, now):
            return None
        return rows.note_of(connection, user_id, note_id)


def delete_note(store: TrialStore, user_id: int, note_id: int) -> bool:
    with store.engine.begin() as connection:
        return rows.delete_note(connection, user_id, note_id)


def place_notes(trial: Trial, parsed: ParsedCriteria | None, notes: list[Note]) -> list[PlacedNote]:
    """Each note anchored in the trial's current text, in page order; orphaned notes (text gone) last."""
    texts = {name: field.text for name, field in field_texts(trial, parsed).items()}
    placed = []
    for note in notes:
        text = texts.get(note.field)
        span = anchor(text, note.quote, note.position) if text is not None else None
        placed.append(PlacedNote(note, span))
    order = {name: index for index, name in enumerate(FIELDS)}
    return sorted(
        placed,
        key=lambda item: (
            item.orphaned,
            order.get(item.note.field, len(order)),
            item.span.start if item.span else 0,
            item.note.id,
        ),
    )
