"""What every route module asks of a request: the store, the settings, the client, the time."""

from __future__ import annotations

from datetime import UTC, datetime

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
    """The peer address, for rate limits only; behind a proxy run uvicorn with --proxy-headers."""
    return request.client.host if request.client else "unknown"
