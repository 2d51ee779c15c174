"""Timestamps as every table stores them: fixed-width UTC text, so that text order is time order on every database."""

from __future__ import annotations

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    """A UTC timestamp as fixed-width text, so that text order is time order on every database."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def unstamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
