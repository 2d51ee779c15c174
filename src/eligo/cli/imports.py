"""What the command line wraps around an import: the alerts watch (`OBSERVERS`, also passed to a sync), and a
progress line on a terminal."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from eligo import ingest
from eligo.alerts.detect import ImportWatch
from eligo.store import ImportSummary, TrialStore

# Every import the command line starts records the alerts it causes.
OBSERVERS: tuple[ingest.StartObserver, ...] = (ImportWatch.start,)


def import_paths(store: TrialStore, paths: Sequence[Path], *, progress: bool = False) -> ImportSummary:
    """Import every record under `paths`, then record the alerts the import caused."""
    if not progress:
        return ingest.import_paths(store, paths, observers=OBSERVERS)
    with _progress_bar() as report:
        return ingest.import_paths(store, paths, observers=OBSERVERS, on_progress=report)


@contextmanager
def _progress_bar() -> Iterator[ingest.Progress]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("importing", total=None)

        def report(summary: ImportSummary) -> None:
            done = summary.imported + summary.updated + summary.unchanged + summary.skipped + summary.failed
            bar.update(task, description=f"importing: {done:,} records read")

        yield report
