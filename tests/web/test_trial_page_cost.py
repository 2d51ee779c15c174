"""The trial and search pages: a fixed number of queries, and never stale after an import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from eligo.store import TrialStore

TRIALS = ("NCT04751383", "NCT01711554", "NCT03363373", "NCT01370330")


@contextmanager
def _queries(store: TrialStore) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_trial_page_makes_the_same_few_queries_for_every_trial(client: TestClient, loaded_store: TrialStore) -> None:
    for nct_id in TRIALS:  # the first view of each trial ranks its similar trials
        assert client.get(f"/trials/{nct_id}").status_code == 200
    counts = []
    for nct_id in TRIALS:
        with _queries(loaded_store) as seen:
            assert client.get(f"/trials/{nct_id}").status_code == 200
        counts.append(len(seen))
    # Session, trial, criteria, data version: nothing per site, criterion or similar trial.
    assert set(counts) == {counts[0]}, counts
    assert counts[0] <= 5, counts


def test_search_page_queries_do_not_grow_with_results(client: TestClient, loaded_store: TrialStore) -> None:
    client.get("/")
    with _queries(loaded_store) as few:
        one = client.get("/search", params={"q": "NCT04751383"})
    with _queries(loaded_store) as many:
        several = client.get("/search", params={"q": "neuroblastoma"})
    assert one.text.count('class="card"') == 1
    assert several.text.count('class="card"') >= 3
    assert len(many) <= len(few) + 2, (few, many)  # full-text counting, not one query per card


def test_a_reimport_changes_the_trial_page(client: TestClient, loaded_store: TrialStore) -> None:
    before = client.get("/trials/NCT04751383").text
    assert "NCT99999901" not in before
    original = loaded_store.get("NCT04751383")
    assert original is not None
    twin = original.model_copy(update={"nct_id": "NCT99999901", "brief_title": "A twin of this trial"})
    loaded_store.import_records([twin])
    after = client.get("/trials/NCT04751383").text
    assert "NCT99999901" in after
    assert "A twin of this trial" in after
    renamed = twin.model_copy(update={"brief_title": "The twin, renamed"})
    loaded_store.import_records([renamed])
    again = client.get("/trials/NCT04751383").text
    assert "The twin, renamed" in again
    assert "A twin of this trial" not in again
