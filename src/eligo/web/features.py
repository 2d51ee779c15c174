"""What the people features add to the shared app, registered at start-up: panels of the trial page and of the
account page, and hooks for deleting an account. The shared pages ask what is registered instead of importing
a feature (as datasette asks its plugins), so no route module imports another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response

from eligo.accounts.records import User
from eligo.store.user_data import ForgetEmail

# A panel returns what its template needs, merged into the page's context.
TrialPanel = Callable[[Request, str], dict[str, Any]]
AccountPanel = Callable[[Request, User], dict[str, Any]]


@dataclass
class Features:
    trial_panels: list[TrialPanel] = field(default_factory=list)
    account_panels: list[AccountPanel] = field(default_factory=list)
    # Account deletion asks each feature that keeps rows by email address to forget the address.
    forget_email: list[ForgetEmail] = field(default_factory=list)
    # The trial page itself, for a feature that answers a form posted from it with the page again.
    trial_page: Callable[[Request, str], Response] | None = None


def features_of(app: FastAPI) -> Features:
    features: Features = app.state.features
    return features


def trial_page(request: Request, nct_id: str) -> Response:
    page = features_of(request.app).trial_page
    if page is None:  # pragma: no cover - create_app registers it
        raise RuntimeError("the trial page is not registered")
    return page(request, nct_id)


def trial_panels(request: Request, nct_id: str) -> dict[str, Any]:
    """The registered panels' context for the trial page, in the order the features were registered."""
    context: dict[str, Any] = {}
    for panel in features_of(request.app).trial_panels:
        context.update(panel(request, nct_id))
    return context


def account_panels(request: Request, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in features_of(request.app).account_panels:
        context.update(panel(request, user))
    return context
