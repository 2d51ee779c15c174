"""Storage of trials: tables, migrations, idempotent import, full-text and filtered search (SQLite or PostgreSQL)."""

from eligo.store.outcomes import ImportSummary, UpsertOutcome
from eligo.store.repository import TrialStore, open_store
from eligo.store.search import SearchHit, SearchQuery, SiteHit
from eligo.trials.statuses import OPEN_STATUSES

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
