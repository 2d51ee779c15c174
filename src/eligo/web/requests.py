"""What every route module asks of a request: the store, the settings, the client, the time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from eligo.store.repository import TrialStore
from eligo.web.settings import WebSettings

NO_STORE = {"cache-control": "no-store"}


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


def render_private(
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page about this visitor (account, notes, alerts, referrals): with the CSRF token, never cached."""
    context = {"csrf_token": request.state.session.csrf_token, **context}
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status, headers=headers or NO_STORE
    )
    return response


def message_page(
    request: Request, title: str, text: str, status: int = 200, link: tuple[str, str] | None = None
) -> HTMLResponse:
    """A short page that says one thing ("Check your email", "This link does not work any more")."""
    return render_private(request, "account/message.html", {"title": title, "text": text, "link": link}, status)
