"""Share links for a doctor: make one (unguessable token, hashed passcode, expiry), open it, withdraw it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from eligo.accounts.passwords import guessable, hash_password, verify_password
from eligo.matching.results import TrialResult
from eligo.notes import rows
from eligo.notes.records import ShareLink
from eligo.store.repository import TrialStore
from eligo.store.timestamps import stamp

DEFAULT_DAYS = 7
MAX_DAYS = 90
EXPIRY_CHOICES = (1, 7, 30, 90)
MIN_PASSCODE_CHARS = 6
# Long enough for any passphrase, short enough that hashing it is never a denial of service.
MAX_PASSCODE_CHARS = 128
MAX_TOKEN_CHARS = 128
# Wrong passcodes one link takes before it locks, and for how long.
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
# How long a visitor who gave the right passcode may reload the page without giving it again.
ACCESS_FOR = timedelta(minutes=30)
# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand
# (no 0/o, 1/l/i); 31^8 codes, and a link locks after a few wrong tries.
PASSCODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PASSCODE_LENGTH = 8


class ShareError(ValueError):
    """What was wrong with a share request, in words safe to show; `field` names the form field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class NewShare:
    """A link just made. The token and passcode exist in clear only here: they are shown once, never stored."""

    link: ShareLink
    token: str
    passcode: str


Outcome = Literal["opened", "wrong", "locked", "expired", "revoked"]


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    # When the link opens again, for "locked".
    locked_until: datetime | None = None
    # Wrong passcodes counted against the link so far, for "wrong".
    failures: int = 0


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_passcode() -> str:
    return "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(PASSCODE_LENGTH))


def check_passcode(passcode: str) -> str:
    passcode = passcode.strip()
    if len(passcode) < MIN_PASSCODE_CHARS:
        raise ShareError(f"Please choose a passcode of at least {MIN_PASSCODE_CHARS} characters.", "passcode")
    if len(passcode) > MAX_PASSCODE_CHARS:
        raise ShareError(f"Please choose a passcode of at most {MAX_PASSCODE_CHARS} characters.", "passcode")
    if guessable(passcode):
        # A link locks after a few wrong tries, but "123456" or "password" would be among the first.
        raise ShareError(
            "That passcode is too easy to guess. Choose something less common, or let Eligo make one.", "passcode"
        )
    return passcode


def answers_snapshot(
    result: TrialResult, answers: dict[str, str], now: datetime, *, used_profile: bool
) -> dict[str, Any]:
    """The pre-screener answers with each criterion's words, and the verdict Eligo showed, as they are now."""
    answered = [
        {
            "id": item.id,
            "section": item.section,
            "text": item.text,
            "question": item.question,
            "answer": answers[item.id],
            "outcome": item.verdict.value,
        }
        for top in result.criteria
        for item in top.walk()
        if item.id in answers
    ]
    return {
        "taken_at": stamp(now),
        "verdict": result.verdict.value,
        "counts": result.counts(),
        "used_profile": used_profile,
        "answers": answered,
        "open_questions": [question.question for question in result.open_questions],
    }


def create_share(
    store: TrialStore,
    user_id: int,
    nct_id: str,
    *,
    note_id: int | None,
    answers: dict[str, Any] | None,
    passcode: str | None,
    days: int,
    now: datetime,
) -> NewShare:
    """A new link to one note (`note_id`) or to all of the user's notes on the trial, with `answers` copied in."""
    if not 1 <= days <= MAX_DAYS:
        raise ShareError(f"Please choose how long the link works: from 1 to {MAX_DAYS} days.", "days")
    chosen = check_passcode(passcode) if passcode is not None else generate_passcode()
    token = secrets.token_urlsafe(32)
    passcode_hash = hash_password(chosen)  # slow on purpose: hashed before the transaction opens
    with store.engine.begin() as connection:
        if note_id is not None:
            note = rows.note_of(connection, user_id, note_id)
            if note is None or note.nct_id != nct_id:
                raise ShareError("That note is not one of yours on this trial. Please choose again.", "what")
        elif not rows.notes_of(connection, user_id, nct_id) and answers is None:
            raise ShareError(
                "There is nothing to share yet: add a note to this trial, or include your answers.", "what"
            )
        link = rows.insert_share(
            connection,
            user_id=user_id,
            token_hash=digest(token),
            passcode_hash=passcode_hash,
            nct_id=nct_id,
            note_id=note_id,
            answers=answers,
            now=now,
            expires_at=now + timedelta(days=days),
        )
    return NewShare(link, token, chosen)


def find_share(store: TrialStore, token: str) -> tuple[ShareLink, str] | None:
    """The link a token opens, and its passcode hash; None for an unknown token."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    wanted = digest(token)
    with store.engine.connect() as connection:
        found = rows.share_by_token(connection, wanted)
    if found is None or not hmac.compare_digest(found[1], wanted):
        return None
    return found[0], found[2]


def try_passcode(store: TrialStore, link: ShareLink, passcode_hash: str, passcode: str, now: datetime) -> Attempt:
    """Check a passcode for the link; wrong ones are counted, and the link locks after LOCK_AFTER of them."""
    status = link.status(now)
    if status == "locked":
        return Attempt("locked", link.locked_until)
    if status != "active":
        return Attempt(status)
    if len(passcode) <= MAX_PASSCODE_CHARS and verify_password(passcode_hash, passcode.strip()):
        with store.engine.begin() as connection:
            rows.record_opened(connection, link.id, now)
        return Attempt("opened")
    until = now + LOCK_FOR
    with store.engine.begin() as connection:
        failed = rows.record_failure(connection, link.id, limit=LOCK_AFTER, lock_until=until)
    return Attempt("locked", until) if failed >= LOCK_AFTER else Attempt("wrong", failures=failed)


def shares_of(store: TrialStore, user_id: int, nct_id: str | None = None) -> list[ShareLink]:
    with store.engine.connect() as connection:
        return rows.shares_of(connection, user_id, nct_id)


def share_of(store: TrialStore, user_id: int, share_id: int) -> ShareLink | None:
    with store.engine.connect() as connection:
        return rows.share_of(connection, user_id, share_id)


def revoke(store: TrialStore, user_id: int, share_id: int, now: datetime) -> bool:
    """Withdraw one of the user's links; False when there is no such link of theirs."""
    with store.engine.begin() as connection:
        return rows.revoke(connection, user_id, share_id, now)
