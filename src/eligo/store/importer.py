"""Bulk import: studies in batches, each study atomic, bad ones named and skipped, overlays stored and applied."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from eligo.store.outcomes import ImportSummary
from eligo.store.overlays import load_patches, overlay_patch_type, save_patch
from eligo.store.tables import trials
from eligo.store.writer import DeriveCriteria, PreparedStudy, load_states, prepare, write_studies
from eligo.trials.model import ImportNote, ImportProblem, Trial

ProgressCallback = Callable[[ImportSummary], None]


class BatchImporter:
    def __init__(
        self,
        engine: Engine,
        *,
        derive_criteria: DeriveCriteria | None,
        on_progress: ProgressCallback | None,
        batch_size: int,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.engine = engine
        self.derive_criteria = derive_criteria
        self.on_progress = on_progress
        self.batch_size = batch_size
        self.summary = ImportSummary()

    def run(self, items: Iterable[Any]) -> ImportSummary:
        patch_type = overlay_patch_type()
        pending: dict[str, Trial] = {}
        with self.engine.connect() as connection:
            for item in items:
                if isinstance(item, Trial):
                    # A second copy of a study in the same batch must see the first one written.
                    if item.nct_id in pending:
                        self._flush(connection, pending)
                    pending[item.nct_id] = item
                    if len(pending) >= self.batch_size:
                        self._flush(connection, pending)
                elif isinstance(item, ImportProblem):
                    self.summary.fail(str(item))
                elif isinstance(item, ImportNote):
                    self.summary.warn(str(item))
                elif patch_type is not None and isinstance(item, patch_type):
                    self._flush(connection, pending)
                    self._overlay(connection, item)
                else:
                    self.summary.fail(f"cannot import a {type(item).__name__}: expected a Trial or an overlay patch")
            self._flush(connection, pending)
            if connection.dialect.name == "sqlite":
                # Fresh statistics let the planner choose, e.g., the sites(lat, lon) index for a near-me search.
                connection.exec_driver_sql("PRAGMA optimize")
                connection.commit()
        return self.summary

    def _flush(self, connection: Connection, pending: dict[str, Trial]) -> None:
        if not pending:
            return
        batch = list(pending.values())
        pending.clear()
        now = datetime.now(UTC)
        with connection.begin():
            ids = [trial.nct_id for trial in batch]
            states = load_states(connection, ids)
            patches = load_patches(connection, ids)
            prepared: list[PreparedStudy] = []
            for trial in batch:
                try:
                    outcome, study = prepare(
                        trial,
                        states.get(trial.nct_id),
                        patches.get(trial.nct_id, ()),
                        now,
                        derive_criteria=self.derive_criteria,
                    )
                # One bad study (a parser bug, an overlay that no longer fits) must not stop the rest.
                except Exception as error:
                    self.summary.fail(f"{trial.nct_id}: {type(error).__name__}: {error}")
                    continue
                if study is None:
                    self.summary.count(outcome)
                else:
                    prepared.append(study)
            self._write(connection, prepared, now)
        if self.on_progress is not None:
            self.on_progress(self.summary.snapshot())

    def _write(self, connection: Connection, prepared: list[PreparedStudy], now: datetime) -> None:
        # Fast path: the whole batch under one savepoint. If the database refuses any of it, roll that
        # back and redo the batch one savepoint per study, so only the offending study is lost.
        try:
            with connection.begin_nested():
                write_studies(connection, prepared, now)
        except Exception:
            for study in prepared:
                try:
                    with connection.begin_nested():
                        write_studies(connection, [study], now)
                except Exception as error:
                    self.summary.fail(f"{study.trial.nct_id}: {type(error).__name__}: {_first_line(error)}")
                else:
                    self.summary.count(study.outcome)
        else:
            for study in prepared:
                self.summary.count(study.outcome)

    def _overlay(self, connection: Connection, patch: Any) -> None:
        now = datetime.now(UTC)
        with connection.begin():
            try:
                with connection.begin_nested():
                    save_patch(connection, patch)
                    reapply_overlays(connection, patch.nct_id, now, self.derive_criteria)
            except Exception as error:
                self.summary.fail(
                    f"{patch.nct_id} (overlay {patch.source!r}): {type(error).__name__}: {_first_line(error)}"
                )
            else:
                self.summary.overlays += 1


def reapply_overlays(
    connection: Connection, nct_id: str, now: datetime, derive_criteria: DeriveCriteria | None
) -> None:
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
        derive_criteria=derive_criteria,
    )
    if study is not None:
        write_studies(connection, [study], now)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""
