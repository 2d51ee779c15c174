"""Storage of trials: tables, migrations, idempotent import, full-text and filtered search (SQLite or PostgreSQL)."""

from eligo.store.outcomes import ImportSummary, UpsertOutcome
from eligo.store.repository import TrialStore, open_store
from eligo.store.search import OPEN_STATUSES, SearchHit, SearchQuery, SiteHit

__all__ = [
    "OPEN_STATUSES",
    "ImportSummary",
    "SearchHit",
    "SearchQuery",
    "SiteHit",
    "TrialStore",
    "UpsertOutcome",
    "open_store",
]
