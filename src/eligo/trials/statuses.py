"""The registry recruitment statuses Eligo counts as open: one list for search, matching, alerts, web and CLI."""

from __future__ import annotations

# Site and study statuses (API v2 words) under which a family can still be referred.
OPEN_STATUSES: tuple[str, ...] = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")

__all__ = ["OPEN_STATUSES"]
