"""Visitor sessions kept on the server: a random id in a signed, HttpOnly cookie, data in the store.

The pre-screener answers and the child's profile a visitor enters live here and nowhere else.

Storage is bounded (issue #11): each session's data, the number of stored sessions, and the anonymous ones
a client may start per hour; an anonymous session expires after a few idle days, a signed-in one later.

A session is written only when a request changed it, and then as a merge, not an overwrite: the request's
changes (answers per criterion, the keys it set) are applied to the data as stored *now*, atomically, so two
requests of one visitor running at once (two tabs, or a script and a form) never undo each other's answers.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.concurrency import run_in_threadpool

from eligo.web.errors import EligoHTTPError
from eligo.web.requests import client_of

COOKIE = "eligo_session"
PURGE_EVERY = timedelta(hours=1)
ANSWERS = "answers"
# (trial, criterion, answer): criterion None clears the trial's answers; answer None removes one.
AnswerChange = tuple[str, str | None, str | None]


class SessionBackend(Protocol):
    def load_session(self, session_id: str, now: datetime) -> dict[str, Any] | None: ...

    def update_session(
        self, session_id: str, change: Callable[[dict[str, Any]], None], expires_at: datetime, now: datetime
    ) -> dict[str, Any]:
        """Apply `change` to the stored data (empty when none) atomically; return the data written."""
        ...

    def delete_session(self, session_id: str) -> None: ...

    def purge_expired_sessions(self, now: datetime) -> int: ...

    def count_sessions(self, now: datetime) -> int:
        """Sessions stored and not yet expired."""
        ...


@dataclass(frozen=True)
class SessionLimits:
    """What one visitor's session may hold, and how many anonymous visitors' sessions are kept."""

    # A profile within its limits and answers to dozens of trials take a few tens of KB.
    max_bytes: int = 128_000
    # All stored sessions together (each at most max_bytes); beyond it no new anonymous session is kept.
    max_sessions: int = 20_000
    # An anonymous session nobody has changed for this long is deleted (a signed-in one lasts `days`).
    anonymous_days: int = 3


class SessionRefused(EligoHTTPError):
    """A session that cannot be stored: too large, too many started by one client, or no room left."""


SESSION_TOO_LARGE = "What you have saved here is too large to keep. Clear some answers or the profile, then try again."
TOO_MANY_SESSIONS = "Too many visitors from your network have started saving answers this hour. Please try later."
SESSIONS_FULL = "Eligo is keeping as many visitors' answers as it can just now. Please try again later."


class Session:
    """One visitor's server-side data, and what this request changed in it."""

    def __init__(
        self, session_id: str, data: dict[str, Any], *, is_new: bool, csrf_token: str, stored: bool = False
    ) -> None:
        self.id = session_id
        self.data = data
        self.is_new = is_new
        # Whether the store holds it: the first write of an anonymous session is what the limits count.
        self.stored = stored
        self.client = "unknown"
        # Derived from the session id, so a visitor who only reads pages costs no database write.
        self.csrf_token = csrf_token
        self._loaded_keys = set(data)
        self._touched: set[str] = set()
        self._answer_changes: list[AnswerChange] = []
        self._replace = False

    @property
    def changed(self) -> bool:
        return bool(self._touched or self._answer_changes or self._replace)

    @changed.setter
    def changed(self, value: bool) -> None:
        """`changed = True` after editing `data` directly: every key but the answers is written as it is now."""
        if value:
            self._touched |= (self._loaded_keys | set(self.data)) - {ANSWERS}
        else:
            self._touched.clear()
            self._answer_changes.clear()
            self._replace = False

    def answered_trials(self) -> list[str]:
        """The ids of the trials this visitor has answered questions on."""
        return [nct_id for nct_id, answers in self._all_answers().items() if isinstance(answers, dict) and answers]

    def answers_for(self, nct_id: str) -> dict[str, str]:
        answers = self._all_answers().get(nct_id, {})
        return dict(answers) if isinstance(answers, dict) else {}

    def update_answers(self, nct_id: str, changes: Mapping[str, str | None]) -> dict[str, str]:
        """Set (or, with None, remove) answers one criterion at a time; returns the trial's answers now."""
        current = self.answers_for(nct_id)
        for criterion_id, value in changes.items():
            if current.get(criterion_id) == value:
                continue
            if value is None:
                current.pop(criterion_id)
            else:
                current[criterion_id] = value
            self._answer_changes.append((nct_id, criterion_id, value))
        self._apply_local(nct_id, current)
        return current

    def set_answers(self, nct_id: str, answers: Mapping[str, str]) -> None:
        """Replace the trial's answers (empty: clear them)."""
        if self.answers_for(nct_id) == dict(answers):
            return
        self._answer_changes.append((nct_id, None, None))
        self._answer_changes.extend((nct_id, key, value) for key, value in answers.items())
        self._apply_local(nct_id, dict(answers))

    def _all_answers(self) -> dict[str, Any]:
        answers = self.data.get(ANSWERS)
        return answers if isinstance(answers, dict) else {}

    def _apply_local(self, nct_id: str, answers: dict[str, str]) -> None:
        all_answers = dict(self._all_answers())
        if answers:
            all_answers[nct_id] = answers
        else:
            all_answers.pop(nct_id, None)
        self.data[ANSWERS] = all_answers

    @property
    def user_id(self) -> int | None:
        """The signed-in user's id as the session claims it; eligo.web.routes.account checks the claim."""
        value = self.data.get("user_id")
        return value if isinstance(value, int) else None

    @property
    def profile(self) -> dict[str, Any] | None:
        profile = self.data.get("profile")
        return profile if isinstance(profile, dict) else None

    def set_profile(self, profile: dict[str, Any] | None, form: dict[str, str] | None = None) -> None:
        form = form or {}
        if self.data.get("profile") == profile and self.data.get("profile_form") == form:
            return
        self.data["profile"] = profile
        self.data["profile_form"] = form
        self._touched |= {"profile", "profile_form"}

    def write_whole(self) -> None:
        """Write all of `data` next time, replacing what is stored: for a new id, which has nothing stored yet."""
        self._replace = True

    def merge_into(self, stored: dict[str, Any]) -> None:
        """Apply this request's changes to the data as stored now (the backend calls this, maybe more than once)."""
        if self._replace:
            stored.clear()
            stored.update(copy.deepcopy(self.data))
            return
        for key in self._touched:
            if key in self.data:
                stored[key] = copy.deepcopy(self.data[key])
            else:
                stored.pop(key, None)
        if not self._answer_changes:
            return
        raw = stored.get(ANSWERS)
        all_answers: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
        for nct_id, criterion_id, value in self._answer_changes:
            trial = all_answers.get(nct_id)
            answers: dict[str, str] = dict(trial) if isinstance(trial, dict) else {}
            if criterion_id is None:
                answers = {}
            elif value is None:
                answers.pop(criterion_id, None)
            else:
                answers[criterion_id] = value
            if answers:
                all_answers[nct_id] = answers
            else:
                all_answers.pop(nct_id, None)
        stored[ANSWERS] = all_answers

    def written(self, stored: dict[str, Any]) -> None:
        """The backend wrote `stored`: it is now this session's data, with nothing left to write."""
        self.data = stored
        self._loaded_keys = set(stored)
        self.changed = False


class SessionManager:
    def __init__(
        self,
        backend: SessionBackend,
        secret_key: str,
        *,
        days: int,
        secure: bool,
        limits: SessionLimits | None = None,
        admit: Callable[[str], bool] | None = None,
    ) -> None:
        """`admit(client)` counts a new anonymous session of that client and says whether it may be stored."""
        self.backend = backend
        self.limits = limits or SessionLimits()
        self.admit = admit
        self.signer = URLSafeSerializer(secret_key, salt="eligo-session")
        self.key = hashlib.sha256(b"eligo-csrf:" + secret_key.encode()).digest()
        self.days = days
        self.secure = secure
        # Expired sessions (a child's profile, answers) are deleted at most this often, by whichever
        # request comes first; the time is per worker process.
        self._next_purge = datetime.min.replace(tzinfo=UTC)
        self._purge_lock = threading.Lock()

    def purge_if_due(self, now: datetime) -> int:
        """Delete expired sessions if the last purge in this process is over PURGE_EVERY old."""
        with self._purge_lock:
            if now < self._next_purge:
                return 0
            self._next_purge = now + PURGE_EVERY
        return self.backend.purge_expired_sessions(now)

    def _session_id(self, request: Request) -> str | None:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return None
        try:
            return str(self.signer.loads(cookie)) or None
        except BadSignature:
            return None

    def load(self, request: Request) -> Session:
        session_id = self._session_id(request)
        if session_id is not None:
            now = datetime.now(UTC)
            self.purge_if_due(now)
            data = self.backend.load_session(session_id, now)
            session = Session(
                session_id, data or {}, is_new=False, csrf_token=self.csrf_for(session_id), stored=data is not None
            )
        else:
            session = self._new_session()
        session.client = client_of(request)
        return session

    def _new_session(self) -> Session:
        session_id = secrets.token_urlsafe(32)
        return Session(session_id, {}, is_new=True, csrf_token=self.csrf_for(session_id))

    async def open(self, request: Request) -> Session:
        """`load` for the async middleware: the database is read in the thread pool, never on the event loop."""
        if self._session_id(request) is None:
            session = self._new_session()
            session.client = client_of(request)
            return session
        return await run_in_threadpool(self.load, request)

    def csrf_for(self, session_id: str) -> str:
        return hmac.new(self.key, session_id.encode(), hashlib.sha256).hexdigest()

    def flush(self, session: Session) -> None:
        """Write this request's changes now (merged into the stored data); a no-op when there are none."""
        if not session.changed:
            return
        now = datetime.now(UTC)
        anonymous = session.user_id is None
        if anonymous and not session.stored:
            self._admit(session, now)
        days = min(self.days, self.limits.anonymous_days) if anonymous else self.days

        def change(stored: dict[str, Any]) -> None:
            session.merge_into(stored)
            encoded = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            if len(encoded) > self.limits.max_bytes:
                raise SessionRefused(413, "session_too_large", SESSION_TOO_LARGE)

        stored = self.backend.update_session(session.id, change, now + timedelta(days=days), now)
        session.written(stored)
        session.stored = True

    def _admit(self, session: Session, now: datetime) -> None:
        """Refuse to store one more anonymous session when its client started too many, or there is no room."""
        if self.admit is not None and not self.admit(session.client):
            raise SessionRefused(429, "too_many_sessions", TOO_MANY_SESSIONS)
        if self.backend.count_sessions(now) >= self.limits.max_sessions:
            self.backend.purge_expired_sessions(now)  # room made by the idle ones first
            if self.backend.count_sessions(now) >= self.limits.max_sessions:
                raise SessionRefused(503, "sessions_full", SESSIONS_FULL)

    def save(self, session: Session, response: Response) -> None:
        self.flush(session)
        self._set_cookie(session, response)

    async def close(self, session: Session, response: Response) -> None:
        """`save` for the async middleware."""
        if session.changed:
            await run_in_threadpool(self.flush, session)
        self._set_cookie(session, response)

    def _set_cookie(self, session: Session, response: Response) -> None:
        if session.is_new:
            response.set_cookie(
                COOKIE,
                self.signer.dumps(session.id),
                max_age=self.days * 86400,
                httponly=True,
                samesite="lax",
                secure=self.secure,
                path="/",
            )

    def rotate(self, session: Session) -> None:
        """Give the session a new id (keeping its data) and forget the old one: done at sign-in, so an id
        planted in a visitor's browser before they sign in is worthless after."""
        self.backend.delete_session(session.id)
        session.id = secrets.token_urlsafe(32)
        session.csrf_token = self.csrf_for(session.id)
        session.is_new = True
        session.stored = False
        session.write_whole()

    def destroy(self, session: Session, response: Response) -> None:
        self.backend.delete_session(session.id)
        # Nothing of it may be written back after the response, nor its cookie set again.
        session.data = {}
        session.changed = False
        session.is_new = False
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure)
