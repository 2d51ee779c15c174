"""What the command line wraps around an import: the alerts watch, and a progress line on a terminal."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from eligo import ingest
from eligo.alerts.detect import ImportWatch
from eligo.store import ImportSummary, TrialStore
from eligo.trials.sync import SyncReport

# Every import the command line starts records the alerts it causes.
OBSERVERS: tuple[ingest.StartObserver, ...] = (ImportWatch.start,)


def import_paths(store: TrialStore, paths: Sequence[Path], *, progress: bool = False) -> ImportSummary:
    """Import every record under `paths`, then record the alerts the import caused."""
    if not progress:
        return ingest.import_paths(store, paths, observers=OBSERVERS)
    with _progress_bar() as report:
        return ingest.import_paths(store, paths, observers=OBSERVERS, on_progress=report)


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
    return ingest.sync_registry(
        store,
        base_url,
        condition=condition,
        term=term,
        statuses=statuses,
        since=since,
        full=full,
        observers=OBSERVERS,
    )


@contextmanager
def _progress_bar() -> Iterator[ingest.Progress]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("importing", total=None)

        def report(summary: ImportSummary) -> None:
            done = summary.imported + summary.updated + summary.unchanged + summary.skipped + summary.failed
            bar.update(task, description=f"importing: {done:,} records read")

        yield report
