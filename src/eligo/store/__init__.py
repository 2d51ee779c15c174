"""Storage of trials: tables, migrations, idempotent import, full-text and filtered search (SQLite or PostgreSQL)."""

# The open transaction a feature's service hands to its rows: the one SQLAlchemy name used outside
# store/ and the features' rows.py, re-exported so that only those import SQLAlchemy.
from sqlalchemy import Connection

from eligo.store.outcomes import ImportSummary, UpsertOutcome
from eligo.store.repository import TrialStore, open_store
from eligo.store.search import SearchHit, SearchQuery, SiteHit
from eligo.trials.statuses import OPEN_STATUSES

__all__ = [
    "OPEN_STATUSES",
    "Connection",
    "ImportSummary",
    "SearchHit",
    "SearchQuery",
    "SiteHit",
    "TrialStore",
    "UpsertOutcome",
    "open_store",
]
