"""The import pipeline: records are read (files, archives or the live registry), finished (stored overlays
applied, sites geocoded, rules parsed once, by `eligo.finish`) and handed to the store, which writes. The
store calls the finisher under its write lock again for a study whose overlays changed since it read them.

Whoever starts an import passes the observers that want to watch it (the command line passes the alerts
watch) and a progress callback; the pipeline itself knows no people feature and draws nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from eligo.finish import ImportFinisher, derive_criteria
from eligo.store import ImportSummary, TrialStore, UpsertOutcome
from eligo.trials.model import Trial
from eligo.trials.sync import SyncClient, SyncQuery, SyncReport, sync


class ImportObserver(Protocol):
    """Watches one import: sees every record before the store does, and is told when the import is over."""

    def observe(self, items: Iterable[Any]) -> Iterator[Any]: ...

    def after_import(self) -> object: ...


# Made afresh for each import (an observer notes what the store holds as the import begins).
StartObserver = Callable[[TrialStore], ImportObserver]
Progress = Callable[[ImportSummary], None]


__all__ = ["FINISHER", "derive_criteria", "import_paths", "import_records", "sync_registry", "upsert"]

# Overlays, geocoded sites and parsed criteria: what every import through the pipeline gets.
FINISHER = ImportFinisher(derive_criteria)


def upsert(store: TrialStore, trial: Trial) -> UpsertOutcome:
    """Store one study as an import would: stored overlays applied, sites placed, criteria parsed."""
    return store.upsert(trial, finisher=FINISHER)


def _records(paths: Sequence[Path]) -> Iterator[Any]:
    from eligo.trials.readers import read_path

    for path in paths:
        yield from read_path(path)


def import_records(
    store: TrialStore,
    items: Iterable[Any],
    *,
    observers: Sequence[StartObserver] = (),
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Import records as a reader yields them, rules parsed once; bad records are counted and named, never fatal."""
    watching = [start(store) for start in observers]
    for observer in watching:
        items = observer.observe(items)
    summary = store.import_records(items, finisher=FINISHER, on_progress=on_progress)
    for observer in watching:
        observer.after_import()
    return summary


def import_paths(
    store: TrialStore,
    paths: Sequence[Path],
    *,
    observers: Sequence[StartObserver] = (),
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Import every record under `paths` (files, directories, archives)."""
    return import_records(store, _records(paths), observers=observers, on_progress=on_progress)


class _ParsingStore:
    """The store as sync sees it: every page's records go through the same pipeline."""

    def __init__(self, store: TrialStore, observers: Sequence[StartObserver]) -> None:
        self.store = store
        self.observers = observers

    def import_records(self, items: Iterable[Any]) -> ImportSummary:
        return import_records(self.store, items, observers=self.observers)

    def get_sync_state(self, key: str) -> Any:
        return self.store.get_sync_state(key)

    def set_sync_state(self, key: str, value: Any) -> None:
        self.store.set_sync_state(key, value)


def sync_registry(
    store: TrialStore,
    base_url: str,
    *,
    condition: str | None = None,
    term: str | None = None,
    statuses: Sequence[str] = (),
    since: date | None = None,
    full: bool = False,
    observers: Sequence[StartObserver] = (),
) -> SyncReport:
    """Pull studies from the ClinicalTrials.gov API v2 through the same pipeline."""
    query = SyncQuery(cond=condition, term=term, statuses=tuple(statuses))
    with SyncClient(base_url) as client:
        return sync(_ParsingStore(store, observers), client, query, since=since, full=full)
