"""What one Eligo process owns: the caches it keeps between requests or matches, and its GC settings.

The entry points make these (`eligo serve` workers in `web.app.app_factory`, the `eligo` CLI) and
pass them in; library code takes a cache as an argument and never keeps one of its own, so two
apps or two tests never share state and nothing has to be reset by hand. Data loaded once and
never changed (vocabularies, the gazetteer, compiled templates) is not a cache in this sense and
stays with the module that loads it.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import date

from eligo.browse.catalogue import Catalogue
from eligo.lru import BoundedCache
from eligo.matching.parsed_cache import ParsedCriteriaCache
from eligo.matching.results import TrialResult
from eligo.matching.similar import CACHE_SIZE as SIMILAR_RANKINGS
from eligo.matching.similar import RankingCache
from eligo.schedule import TrialSchedule, WeeksSummary
from eligo.store import SearchHit, SearchQuery
from eligo.store.search import TrialSketch
from eligo.trials.model import Trial

# A match allocates hundreds of thousands of short-lived objects, hundreds of collections at the
# default (700, 10, 10). Process-wide, so set by the entry points that match (serve workers, the
# CLI), never by library code. Measured in benchmarks/bench_match.py (passes "relaxed", "cold-relaxed").
RELAXED_GC_THRESHOLDS = (50_000, 20, 100)

# Validated Trial records of the trials viewed most recently (up to ~100 KB each).
VIEWED_TRIALS = 512
# A new visitor's view of a trial (no profile, no answers), the same for everyone on a given day.
BLANK_RESULTS = 1024
# The same searches come back all day ("neuroblastoma" above all).
SEARCH_PAGES = 256
# Rendered pages for visitors who brought nothing: about 30-60 KB each, at most ~30 MB per worker.
BLANK_PAGES = 512

PageKey = tuple[object, ...]
# A page of search hits with the card text of each.
SearchPage = tuple[tuple[SearchHit, ...], dict[str, TrialSketch]]


@dataclass
class Caches:
    """Every cache one process keeps; keys that depend on the store include its data version."""

    parsed: ParsedCriteriaCache = field(default_factory=ParsedCriteriaCache)
    similar: RankingCache = field(default_factory=lambda: BoundedCache(SIMILAR_RANKINGS))
    trials: BoundedCache[tuple[str, str], Trial] = field(default_factory=lambda: BoundedCache(VIEWED_TRIALS))
    blank_results: BoundedCache[tuple[str, str, date], TrialResult] = field(
        default_factory=lambda: BoundedCache(BLANK_RESULTS)
    )
    searches: BoundedCache[tuple[str, SearchQuery], SearchPage] = field(
        default_factory=lambda: BoundedCache(SEARCH_PAGES)
    )
    # Browsing (and the home page's counts) reads every open trial: once per store data version.
    catalogues: BoundedCache[str, Catalogue] = field(default_factory=lambda: BoundedCache(4))
    # Reading a schedule from registry text takes 5-80 ms a trial: once per trial and store data version.
    schedules: BoundedCache[tuple[str, str], tuple[TrialSchedule, WeeksSummary]] = field(
        default_factory=lambda: BoundedCache(VIEWED_TRIALS)
    )
    blank_pages: BoundedCache[PageKey, bytes] = field(default_factory=lambda: BoundedCache(BLANK_PAGES))


def relax_gc() -> None:
    """Collect less often: for a process that matches (see RELAXED_GC_THRESHOLDS)."""
    gc.set_threshold(*RELAXED_GC_THRESHOLDS)


__all__ = ["RELAXED_GC_THRESHOLDS", "Caches", "PageKey", "SearchPage", "relax_gc"]
