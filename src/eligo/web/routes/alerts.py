"""Trial alerts: subscribe to a search or a saved child profile, double opt-in, unsubscribe (issue 5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from eligo.accounts.records import User

router = APIRouter(include_in_schema=False)


def trial_context(request: Request, nct_id: str) -> dict[str, Any]:
    """What the trial page needs from this feature, merged into its template context."""
    return {}


def account_context(request: Request, user: User) -> dict[str, Any]:
    """What the account page needs from this feature, merged into its template context."""
    return {}
