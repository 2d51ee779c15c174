"""A serve worker's warm-up: the open trials' parsed criteria are loaded before the first request,
and matching then reads no tree from the store and gives the same results as a cold worker."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from eligo.criteria.units import registry
from eligo.matching.match import OPEN_STATUSES, RELAXED_GC_THRESHOLDS, match_profile, reset_caches
from eligo.matching.parsed_cache import PARSED_CACHE
from eligo.patients.load import load_profile
from eligo.store import SearchQuery, TrialStore
from eligo.web.app import create_app, warm_worker
from eligo.web.settings import WebSettings

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "child-relapsed.json"
ON = date(2026, 11, 20)


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    thresholds = gc.get_threshold()
    reset_caches()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    reset_caches()


def _open_ids(store: TrialStore) -> set[str]:
    hits = store.search(SearchQuery(statuses=OPEN_STATUSES, limit=100))
    return {hit.nct_id for hit in hits}


def test_warm_up_loads_open_trials_and_freezes_them(loaded_store: TrialStore, fresh_caches: None) -> None:
    profile = load_profile(EXAMPLE)
    cold = [(m.hit.nct_id, m.result.verdict, m.score) for m in match_profile(loaded_store, profile, ON)]
    reset_caches()

    app = create_app(WebSettings(environment="test"), store=loaded_store)
    warm_worker(app)

    # The first requests find the unit registry built and every page template compiled.
    assert registry.cache_info().currsize == 1
    environment = app.state.templates.env
    assert environment.cache is not None
    compiled = {key[1] for key in environment.cache}
    assert {"trial.html", "match_results.html", "search.html"} <= compiled
    open_ids = _open_ids(loaded_store)
    assert open_ids
    assert len(PARSED_CACHE) == len(open_ids)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == RELAXED_GC_THRESHOLDS
    misses = PARSED_CACHE.misses
    warm = [(m.hit.nct_id, m.result.verdict, m.score) for m in match_profile(loaded_store, profile, ON)]
    assert warm == cold
    matched_open = {nct_id for nct_id, _, _ in warm} & open_ids
    assert matched_open
    # Only the closed trials among the candidates were read now.
    assert PARSED_CACHE.misses - misses == len({nct_id for nct_id, _, _ in warm} - open_ids)


def test_warm_up_respects_the_limit(loaded_store: TrialStore, fresh_caches: None) -> None:
    assert PARSED_CACHE.warm(loaded_store, OPEN_STATUSES, limit=1) == 1
    assert len(PARSED_CACHE) == 1
