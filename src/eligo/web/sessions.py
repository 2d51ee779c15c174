"""Visitor sessions kept on the server: a random id in a signed, HttpOnly cookie, data in the store.

The pre-screener answers and the child's profile a visitor enters live here and nowhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "eligo_session"


class SessionBackend(Protocol):
    def load_session(self, session_id: str, now: datetime) -> dict[str, Any] | None: ...

    def save_session(self, session_id: str, data: dict[str, Any], expires_at: datetime) -> None: ...

    def delete_session(self, session_id: str) -> None: ...


class Session:
    """One visitor's server-side data; written back only when changed."""

    def __init__(self, session_id: str, data: dict[str, Any], *, is_new: bool, csrf_token: str) -> None:
        self.id = session_id
        self.data = data
        self.is_new = is_new
        self.changed = False
        # Derived from the session id, so a visitor who only reads pages costs no database write.
        self.csrf_token = csrf_token

    def answers_for(self, nct_id: str) -> dict[str, str]:
        answers = self.data.get("answers", {}).get(nct_id, {})
        return dict(answers) if isinstance(answers, dict) else {}

    def set_answers(self, nct_id: str, answers: dict[str, str]) -> None:
        all_answers = dict(self.data.get("answers", {}))
        if answers:
            all_answers[nct_id] = answers
        else:
            all_answers.pop(nct_id, None)
        self.data["answers"] = all_answers
        self.changed = True

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
        self.data["profile"] = profile
        self.data["profile_form"] = form or {}
        self.changed = True


class SessionManager:
    def __init__(self, backend: SessionBackend, secret_key: str, *, days: int, secure: bool) -> None:
        self.backend = backend
        self.signer = URLSafeSerializer(secret_key, salt="eligo-session")
        self.key = hashlib.sha256(b"eligo-csrf:" + secret_key.encode()).digest()
        self.days = days
        self.secure = secure

    def load(self, request: Request) -> Session:
        cookie = request.cookies.get(COOKIE)
        if cookie:
            try:
                session_id = str(self.signer.loads(cookie))
            except BadSignature:
                session_id = ""
            if session_id:
                data = self.backend.load_session(session_id, datetime.now(UTC))
                return Session(session_id, data or {}, is_new=False, csrf_token=self.csrf_for(session_id))
        session_id = secrets.token_urlsafe(32)
        return Session(session_id, {}, is_new=True, csrf_token=self.csrf_for(session_id))

    def csrf_for(self, session_id: str) -> str:
        return hmac.new(self.key, session_id.encode(), hashlib.sha256).hexdigest()

    def save(self, session: Session, response: Response) -> None:
        if session.changed:
            expires = datetime.now(UTC) + timedelta(days=self.days)
            self.backend.save_session(session.id, session.data, expires)
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
        session.changed = True

    def destroy(self, session: Session, response: Response) -> None:
        self.backend.delete_session(session.id)
        # Nothing of it may be written back after the response, nor its cookie set again.
        session.data = {}
        session.changed = False
        session.is_new = False
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure)
