"""A serve worker's warm-up: the open trials' parsed criteria are loaded before the first request,
and matching then reads no tree from the store and gives the same results as a cold worker."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from eligo.matching.match import OPEN_STATUSES, match_profile
from eligo.patients.load import load_profile
from eligo.process import RELAXED_GC_THRESHOLDS, Caches
from eligo.store import SearchQuery, TrialStore
from eligo.units import registry
from eligo.web.app import create_app, warm_worker
from eligo.web.settings import WebSettings

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "child-relapsed.json"
ON = date(2026, 11, 20)


@pytest.fixture
def fresh_caches() -> Iterator[Caches]:
    """A worker's own caches (issue #10: nothing process-wide to reset), and the GC settings put back."""
    thresholds = gc.get_threshold()
    yield Caches()
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def _open_ids(store: TrialStore) -> set[str]:
    hits = store.search(SearchQuery(statuses=OPEN_STATUSES, limit=100))
    return {hit.nct_id for hit in hits}


def test_warm_up_loads_open_trials_and_freezes_them(loaded_store: TrialStore, fresh_caches: Caches) -> None:
    profile = load_profile(EXAMPLE)
    cold = [(m.hit.nct_id, m.result.verdict, m.score) for m in match_profile(loaded_store, profile, ON)]

    app = create_app(WebSettings(environment="test"), store=loaded_store, caches=fresh_caches)
    warm_worker(app)
    parsed = fresh_caches.parsed

    # The first requests find the unit registry built and every page template compiled.
    assert registry.cache_info().currsize == 1
    environment = app.state.templates.env
    assert environment.cache is not None
    compiled = {key[1] for key in environment.cache}
    assert {"trial.html", "match_results.html", "search.html"} <= compiled
    open_ids = _open_ids(loaded_store)
    assert open_ids
    assert len(parsed) == len(open_ids)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == RELAXED_GC_THRESHOLDS
    misses = parsed.misses
    warm = [(m.hit.nct_id, m.result.verdict, m.score) for m in match_profile(loaded_store, profile, ON, cache=parsed)]
    assert warm == cold
    matched_open = {nct_id for nct_id, _, _ in warm} & open_ids
    assert matched_open
    # Only the closed trials among the candidates were read now.
    assert parsed.misses - misses == len({nct_id for nct_id, _, _ in warm} - open_ids)


def test_warm_up_respects_the_limit(loaded_store: TrialStore, fresh_caches: Caches) -> None:
    assert fresh_caches.parsed.warm(loaded_store, OPEN_STATUSES, limit=1) == 1
    assert len(fresh_caches.parsed) == 1
