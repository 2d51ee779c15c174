"""Bring records into the store: files and archives, and the live registry, with rules parsed once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from eligo.alerts.detect import ImportWatch
from eligo.criteria.parse import PARSER_VERSION, parse_trial
from eligo.store import ImportSummary, TrialStore
from eligo.trials.model import Trial
from eligo.trials.sync import SyncClient, SyncQuery, SyncReport, sync


def derive_criteria(trial: Trial) -> tuple[str, str]:
    """Parse a trial's criteria at import so that matching never re-parses them."""
    return PARSER_VERSION, parse_trial(trial).to_json()


def _records(paths: Sequence[Path]) -> Iterator[Any]:
    from eligo.trials.readers import read_path

    for path in paths:
        yield from read_path(path)


def import_paths(store: TrialStore, paths: Sequence[Path], *, progress: bool = False) -> ImportSummary:
    """Import every record under `paths`; bad records are counted and named, never fatal; then record alerts."""
    watch = ImportWatch.start(store)
    summary = _import(store, watch.observe(_records(paths)), progress=progress)
    watch.record_alerts()
    return summary


def _import(store: TrialStore, items: Iterable[Any], *, progress: bool) -> ImportSummary:
    if not progress:
        return store.import_records(items, derive_criteria=derive_criteria)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("importing", total=None)

        def report(summary: ImportSummary) -> None:
            done = summary.imported + summary.updated + summary.unchanged + summary.skipped + summary.failed
            bar.update(task, description=f"importing: {done:,} records read")

        return store.import_records(items, derive_criteria=derive_criteria, on_progress=report)


class _ParsingStore:
    """The store as sync sees it: every page's records are imported with their rules parsed."""

    def __init__(self, store: TrialStore) -> None:
        self.store = store

    def import_records(self, items: Iterable[Any]) -> ImportSummary:
        watch = ImportWatch.start(self.store)
        summary = self.store.import_records(watch.observe(items), derive_criteria=derive_criteria)
        watch.record_alerts()
        return summary

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
) -> SyncReport:
    """Pull studies from the ClinicalTrials.gov API v2 through the same importer."""
    query = SyncQuery(cond=condition, term=term, statuses=tuple(statuses))
    with SyncClient(base_url) as client:
        return sync(_ParsingStore(store), client, query, since=since, full=full)
