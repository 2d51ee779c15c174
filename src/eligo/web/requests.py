"""What every route module reads off a request: the store, the settings, the client, a form field; and the time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from eligo.store.repository import TrialStore
from eligo.web.settings import WebSettings


def utc_now() -> datetime:
    return datetime.now(UTC)


def store_of(request: Request) -> TrialStore:
    store: TrialStore = request.app.state.store
    return store


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def client_of(request: Request) -> str:
    """The client's address, for rate limits only: behind a trusted proxy (`eligo serve --trusted-proxy`), the
    one its X-Forwarded-For names."""
    return request.client.host if request.client else "unknown"


def form_text(form: Any, name: str) -> str:
    """A form field as text; a missing field or a file upload is ""."""
    value = form.get(name)
    return value if isinstance(value, str) else ""
