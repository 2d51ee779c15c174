"""Bulk import: studies in batches, each study atomic, bad ones named and skipped, overlays stored and applied.

Finishing a study (overlays, sites, criteria) is the finisher's the caller passes; the importer writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import OperationalError

from eligo.store.engine import WRITE_OPTIONS
from eligo.store.finishing import Finisher, StoredPatch
from eligo.store.outcomes import ImportSummary, UpsertOutcome
from eligo.store.overlays import load_patches, save_patch
from eligo.store.tables import trials
from eligo.store.writer import PreparedStudy, StoredState, load_states, prepare, write_studies
from eligo.trials.model import ImportNote, ImportProblem, Trial

ProgressCallback = Callable[[ImportSummary], None]
# What preparing one study came to: its outcome and rows, or why it failed.
_Prepared = tuple[UpsertOutcome, PreparedStudy | None] | str


# A batch that meets a locked database (SQLite past its busy timeout) or a deadlock (PostgreSQL) is tried
# again this many times, waiting longer each time, before its studies are reported as failed.
MAX_WRITE_ATTEMPTS = 5
_RETRY_BASE_SECONDS = 0.5
# SQLite's "database is locked" / "database is busy"; PostgreSQL's deadlock_detected and serialization_failure.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def _retryable(error: OperationalError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _RETRYABLE_SQLSTATES
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text


class BatchImporter:
    """Imports studies in batches beside a live site.

    Each batch is read (stored states, overlay patches) in a short read, finished (overlays applied, sites
    placed, criteria parsed) with no transaction open, then written in one short write transaction (`BEGIN
    IMMEDIATE` on SQLite, so it waits its turn instead of failing) that first checks nothing changed since the
    read, and finishes again, under the lock, the studies whose stored state or patches did. So the write lock is held
    only while rows are written, and two imports at once take turns batch by batch.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        finisher: Finisher,
        on_progress: ProgressCallback | None,
        batch_size: int,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.engine = engine
        self.finisher = finisher
        self.on_progress = on_progress
        self.batch_size = batch_size
        self.summary = ImportSummary()
        self._sleep = sleep

    def run(self, items: Iterable[Any]) -> ImportSummary:
        pending: dict[str, Trial] = {}
        with self.engine.connect() as reader, self.engine.connect().execution_options(**WRITE_OPTIONS) as writer:
            for item in items:
                if isinstance(item, Trial):
                    # A second copy of a study in the same batch must see the first one written.
                    if item.nct_id in pending:
                        self._flush(reader, writer, pending)
                    pending[item.nct_id] = item
                    if len(pending) >= self.batch_size:
                        self._flush(reader, writer, pending)
                elif isinstance(item, ImportProblem):
                    self.summary.fail(str(item))
                elif isinstance(item, ImportNote):
                    self.summary.warn(str(item))
                elif (patch := self.finisher.overlay_patch(item)) is not None:
                    self._flush(reader, writer, pending)
                    self._overlay(writer, patch)
                else:
                    self.summary.fail(f"cannot import a {type(item).__name__}: expected a Trial or an overlay patch")
            self._flush(reader, writer, pending)
            if writer.dialect.name == "sqlite":
                # Fresh statistics let the planner choose, e.g., the sites(lat, lon) index for a near-me search.
                writer.exec_driver_sql("PRAGMA optimize")
                writer.commit()
        return self.summary

    def _flush(self, reader: Connection, writer: Connection, pending: dict[str, Trial]) -> None:
        if not pending:
            return
        batch = sorted(pending.values(), key=lambda trial: trial.nct_id)  # one lock order for every importer
        pending.clear()
        now = datetime.now(UTC)
        ids = [trial.nct_id for trial in batch]
        with reader.begin():
            states = load_states(reader, ids)
            patches = load_patches(reader, ids)
        prepared = self._prepare(batch, states, patches, now)
        for attempt in range(MAX_WRITE_ATTEMPTS):
            try:
                with writer.begin():
                    written = self._write(
                        writer, self._recheck(writer, batch, ids, states, patches, prepared, now), now
                    )
            except OperationalError as error:
                if not _retryable(error) or attempt == MAX_WRITE_ATTEMPTS - 1:
                    for trial in batch:
                        self.summary.fail(f"{trial.nct_id}: database busy, not written: {_first_line(error)}")
                    break
                self._sleep(_RETRY_BASE_SECONDS * 2**attempt)
            else:
                self._tally(written)
                break
        if self.on_progress is not None:
            self.on_progress(self.summary.snapshot())

    def _prepare(
        self,
        batch: Iterable[Trial],
        states: dict[str, StoredState],
        patches: dict[str, list[str]],
        now: datetime,
    ) -> dict[str, _Prepared]:
        prepared: dict[str, _Prepared] = {}
        for trial in batch:
            try:
                prepared[trial.nct_id] = prepare(
                    trial,
                    states.get(trial.nct_id),
                    patches.get(trial.nct_id, ()),
                    now,
                    self.finisher,
                )
            # One bad study (a parser bug, an overlay that no longer fits) must not stop the rest.
            except Exception as error:
                prepared[trial.nct_id] = f"{trial.nct_id}: {type(error).__name__}: {error}"
        return prepared

    def _recheck(
        self,
        writer: Connection,
        batch: list[Trial],
        ids: list[str],
        states: dict[str, StoredState],
        patches: dict[str, list[str]],
        prepared: dict[str, _Prepared],
        now: datetime,
    ) -> dict[str, _Prepared]:
        """The prepared batch, with the studies that another writer changed since the read prepared again."""
        fresh_states = load_states(writer, ids)
        fresh_patches = load_patches(writer, ids)
        changed = [
            trial
            for trial in batch
            if fresh_states.get(trial.nct_id) != states.get(trial.nct_id)
            or list(fresh_patches.get(trial.nct_id, ())) != list(patches.get(trial.nct_id, ()))
        ]
        if not changed:
            return prepared
        return {**prepared, **self._prepare(changed, fresh_states, fresh_patches, now)}

    def _write(
        self, connection: Connection, prepared: dict[str, _Prepared], now: datetime
    ) -> list[tuple[UpsertOutcome | None, str | None]]:
        """Write the batch; what each study came to (an outcome, or a failure message), counted once committed."""
        results: list[tuple[UpsertOutcome | None, str | None]] = []
        studies: list[PreparedStudy] = []
        for value in prepared.values():
            if isinstance(value, str):
                results.append((None, value))
            elif value[1] is None:
                results.append((value[0], None))
            else:
                studies.append(value[1])
        # Fast path: the whole batch under one savepoint. If the database refuses any of it, roll that
        # back and redo the batch one savepoint per study, so only the offending study is lost.
        try:
            with connection.begin_nested():
                write_studies(connection, studies, now)
        except OperationalError as error:
            if _retryable(error):
                raise
            results.extend(self._write_one_by_one(connection, studies, now))
        except Exception:
            results.extend(self._write_one_by_one(connection, studies, now))
        else:
            results.extend((study.outcome, None) for study in studies)
        return results

    def _write_one_by_one(
        self, connection: Connection, studies: list[PreparedStudy], now: datetime
    ) -> list[tuple[UpsertOutcome | None, str | None]]:
        results: list[tuple[UpsertOutcome | None, str | None]] = []
        for study in studies:
            try:
                with connection.begin_nested():
                    write_studies(connection, [study], now)
            except OperationalError as error:
                if _retryable(error):
                    raise
                results.append((None, f"{study.trial.nct_id}: {type(error).__name__}: {_first_line(error)}"))
            except Exception as error:
                results.append((None, f"{study.trial.nct_id}: {type(error).__name__}: {_first_line(error)}"))
            else:
                results.append((study.outcome, None))
        return results

    def _tally(self, written: list[tuple[UpsertOutcome | None, str | None]]) -> None:
        for outcome, failure in written:
            if failure is not None:
                self.summary.fail(failure)
            elif outcome is not None:
                self.summary.count(outcome)

    def _overlay(self, connection: Connection, patch: StoredPatch) -> None:
        now = datetime.now(UTC)
        with connection.begin():
            try:
                with connection.begin_nested():
                    save_patch(connection, patch)
                    reapply_overlays(connection, patch.nct_id, now, self.finisher)
            except Exception as error:
                self.summary.fail(
                    f"{patch.nct_id} (overlay {patch.source!r}): {type(error).__name__}: {_first_line(error)}"
                )
            else:
                self.summary.overlays += 1


def reapply_overlays(connection: Connection, nct_id: str, now: datetime, finisher: Finisher) -> None:
    """Rebuild a stored trial from its registry record and every patch stored for it; no-op if it is not stored."""
    row = connection.execute(
        select(trials.c.record, trials.c.base_record).where(trials.c.nct_id == nct_id)
    ).one_or_none()
    if row is None:
        return
    base = Trial.model_validate_json(row.base_record or row.record)
    states = load_states(connection, [nct_id])
    _, study = prepare(
        base,
        states.get(nct_id),
        load_patches(connection, [nct_id]).get(nct_id, ()),
        now,
        finisher,
    )
    if study is not None:
        write_studies(connection, [study], now)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""
