"""TrialStore: the one object callers use to put trials in, get them out, and search them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from eligo.store import sessions
from eligo.store.engine import WRITE_OPTIONS, create_store_engine, resolve_url, upgrade_to_head
from eligo.store.finishing import BareFinisher, DeriveCriteria, Finisher
from eligo.store.importer import BatchImporter
from eligo.store.outcomes import ImportSummary, UpsertOutcome
from eligo.store.overlays import load_patches
from eligo.store.search import (
    SearchHit,
    SearchQuery,
    TrialSketch,
    open_site_points,
    run_search,
    similar_candidates,
    sketches,
)
from eligo.store.tables import criteria, sync_state, trials
from eligo.store.writer import delete_study, load_states, prepare, write_studies
from eligo.trials.model import Trial


class TrialStore:
    """Trials, their parsed criteria, overlays and sync state in one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -------------------------------------------------------------------------------

    def upsert(
        self, trial: Trial, *, criteria: tuple[str, str] | None = None, finisher: Finisher | None = None
    ) -> UpsertOutcome:
        """Store one study; `criteria` is (parser_version, tree_json) for it, written with it.

        `finisher` applies stored overlays and places the sites (`eligo.ingest.upsert` passes the import
        pipeline's); the default takes coordinates as the record gives them and refuses (ValueError) a study
        with stored overlays rather than write it without them.
        """
        now = datetime.now(UTC)
        # It reads, then writes: on SQLite the transaction must take the write lock first (see WRITE_OPTIONS).
        with self.engine.connect().execution_options(**WRITE_OPTIONS) as connection, connection.begin():
            states = load_states(connection, [trial.nct_id])
            patches = load_patches(connection, [trial.nct_id]).get(trial.nct_id, ())
            outcome, study = prepare(
                trial, states.get(trial.nct_id), patches, now, finisher or BareFinisher(), criteria_tree=criteria
            )
            if study is not None:
                write_studies(connection, [study], now)
                _bump_data_version(connection)
        return outcome

    def import_records(
        self,
        items: Iterable[Any],
        *,
        finisher: Finisher | None = None,
        derive_criteria: DeriveCriteria | None = None,
        on_progress: Callable[[ImportSummary], None] | None = None,
        batch_size: int = 500,
    ) -> ImportSummary:
        """Import Trials, overlay patches (those the finisher recognises) and ImportProblems as a reader yields them.

        Each study is atomic: one that fails (including `derive_criteria` raising) is counted and named
        in `problems`, and leaves no trace; the others go on. Committed every `batch_size` studies, after
        which `on_progress` gets a snapshot of the counts. `finisher` applies overlays, places sites and
        parses criteria (the import pipeline, `eligo.ingest`, passes its own); without one the store takes
        coordinates as given, stores the criteria `derive_criteria` gives, if any, and fails (names) a study
        with stored overlays.
        """
        if finisher is not None and derive_criteria is not None:
            raise ValueError("pass a finisher or derive_criteria, not both")

        def committed(summary: ImportSummary) -> None:
            self._bump_data_version()
            if on_progress is not None:
                on_progress(summary)

        importer = BatchImporter(
            self.engine,
            finisher=finisher or BareFinisher(derive_criteria),
            on_progress=committed,
            batch_size=batch_size,
        )
        try:
            return importer.run(items)
        finally:
            self._bump_data_version()

    def delete(self, nct_id: str) -> bool:
        """Remove a study with its sites and criteria; True when it was there. Its overlays stay."""
        with self.engine.begin() as connection:
            deleted = delete_study(connection, nct_id)
            # Last, as every writer does: the version row is locked only after the data rows (no deadlock).
            _bump_data_version(connection)
            return deleted

    def save_criteria(self, nct_id: str, version: str, tree_json: str) -> None:
        values = {"parser_version": version, "tree": tree_json, "parsed_at": datetime.now(UTC).isoformat()}
        with self.engine.begin() as connection:
            upsert = _insert_for(self.dialect)(criteria).values(nct_id=nct_id, **values)
            connection.execute(upsert.on_conflict_do_update(index_elements=[criteria.c.nct_id], set_=values))
            _bump_data_version(connection)

    def _bump_data_version(self) -> None:
        with self.engine.begin() as connection:
            _bump_data_version(connection)

    def data_version(self) -> str:
        """A token that changes whenever trials or their criteria are written: caches of derived data key on it.

        Random, so no two stores share one; a store from before versions existed is given one here.
        """
        with self.engine.connect() as connection:
            value = connection.scalar(select(sync_state.c.value).where(sync_state.c.key == DATA_VERSION_KEY))
        if value is None:
            with self.engine.begin() as connection:
                first = _insert_for(self.dialect)(sync_state).values(key=DATA_VERSION_KEY, value=_new_version())
                connection.execute(first.on_conflict_do_nothing(index_elements=[sync_state.c.key]))
                value = connection.scalar(select(sync_state.c.value).where(sync_state.c.key == DATA_VERSION_KEY))
        return str(json.loads(str(value)))

    def set_sync_state(self, key: str, value: Any) -> None:
        """Keep a JSON-serialisable value (the live-sync cursor) under `key`."""
        encoded = json.dumps(value, sort_keys=True)
        with self.engine.begin() as connection:
            upsert = _insert_for(self.dialect)(sync_state).values(key=key, value=encoded)
            connection.execute(upsert.on_conflict_do_update(index_elements=[sync_state.c.key], set_={"value": encoded}))

    # -- reading -------------------------------------------------------------------------------

    def get(self, nct_id: str) -> Trial | None:
        with self.engine.connect() as connection:
            record = connection.scalar(select(trials.c.record).where(trials.c.nct_id == nct_id.strip().upper()))
        return Trial.model_validate_json(record) if record is not None else None

    def get_many(self, nct_ids: Iterable[str]) -> dict[str, Trial]:
        """The stored trials among `nct_ids`, in one query (absent ids are simply missing)."""
        wanted = list(dict.fromkeys(nct_id.strip().upper() for nct_id in nct_ids))
        if not wanted:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(select(trials.c.nct_id, trials.c.record).where(trials.c.nct_id.in_(wanted)))
            return {row.nct_id: Trial.model_validate_json(row.record) for row in rows}

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(trials)) or 0)

    def iter_trials(self, batch: int = 500) -> Iterator[Trial]:
        """Every stored trial in id order, read a page at a time so memory stays flat and writes may interleave."""
        after = ""
        while True:
            with self.engine.connect() as connection:
                records = connection.execute(
                    select(trials.c.nct_id, trials.c.record)
                    .where(trials.c.nct_id > after)
                    .order_by(trials.c.nct_id)
                    .limit(batch)
                ).all()
            if not records:
                return
            for row in records:
                yield Trial.model_validate_json(row.record)
            after = records[-1].nct_id

    def get_criteria(self, nct_id: str) -> tuple[str, str] | None:
        """(parser_version, tree_json) stored for the trial, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(criteria.c.parser_version, criteria.c.tree).where(criteria.c.nct_id == nct_id)
            ).one_or_none()
        return (row.parser_version, row.tree) if row is not None else None

    def get_criteria_many(self, nct_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """{nct_id: (parser_version, tree_json)} for the stored trees among `nct_ids`, in one query."""
        wanted = list(dict.fromkeys(nct_ids))
        if not wanted:
            return {}
        query = select(criteria.c.nct_id, criteria.c.parser_version, criteria.c.tree).where(
            criteria.c.nct_id.in_(wanted)
        )
        with self.engine.connect() as connection:
            return {row.nct_id: (row.parser_version, row.tree) for row in connection.execute(query)}

    def iter_criteria(self, version: str | None = None, batch: int = 500) -> Iterator[tuple[str, str]]:
        """(nct_id, tree_json) for every stored criteria tree, optionally only those of one parser version."""
        after = ""
        while True:
            query = select(criteria.c.nct_id, criteria.c.tree).where(criteria.c.nct_id > after)
            if version is not None:
                query = query.where(criteria.c.parser_version == version)
            with self.engine.connect() as connection:
                rows = connection.execute(query.order_by(criteria.c.nct_id).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield row.nct_id, row.tree
            after = rows[-1].nct_id

    def stale_criteria_count(self, version: str) -> int:
        """Trials whose criteria were parsed by another parser version, or never parsed."""
        query = (
            select(func.count())
            .select_from(trials.outerjoin(criteria, criteria.c.nct_id == trials.c.nct_id))
            .where(or_(criteria.c.nct_id.is_(None), criteria.c.parser_version != version))
        )
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def get_sync_state(self, key: str) -> Any | None:
        with self.engine.connect() as connection:
            value = connection.scalar(select(sync_state.c.value).where(sync_state.c.key == key))
        return json.loads(value) if value is not None else None

    def search(self, query: SearchQuery) -> list[SearchHit]:
        with self.engine.connect() as connection:
            return run_search(connection, query)

    def similar_candidates(self, probes: Sequence[str], exclude: str, limit: int) -> list[TrialSketch]:
        """The trials that best match any of `probes`, best first, as sketches: one search, one read."""
        with self.engine.connect() as connection:
            ids = similar_candidates(connection, probes, exclude, limit)
            found = sketches(connection, ids)
        return [found[nct_id] for nct_id in ids if nct_id in found]

    def sketches(self, nct_ids: Iterable[str]) -> dict[str, TrialSketch]:
        """What similarity scoring reads of each stored trial among `nct_ids`, in one query, no Trial validation."""
        with self.engine.connect() as connection:
            return sketches(connection, nct_ids)

    def open_site_points(self, nct_ids: Iterable[str]) -> dict[str, list[tuple[float, float]]]:
        """(lat, lon) of each trial's open sites among `nct_ids`, in one query."""
        with self.engine.connect() as connection:
            return open_site_points(connection, nct_ids)

    # -- web sessions (the web layer's SessionBackend) ------------------------------------------

    def load_session(self, session_id: str, now: datetime) -> dict[str, Any] | None:
        return sessions.load_session(self.engine, session_id, now)

    def update_session(
        self, session_id: str, change: Callable[[dict[str, Any]], None], expires_at: datetime, now: datetime
    ) -> dict[str, Any]:
        return sessions.update_session(self.engine, session_id, change, expires_at, now)

    def delete_session(self, session_id: str) -> None:
        sessions.delete_session(self.engine, session_id)

    def purge_expired_sessions(self, now: datetime) -> int:
        return sessions.purge_expired(self.engine, now)

    def count_sessions(self, now: datetime) -> int:
        return sessions.count_live(self.engine, now)


DATA_VERSION_KEY = "store.data_version"


def _new_version() -> str:
    return json.dumps(uuid.uuid4().hex)


def _bump_data_version(connection: Connection) -> None:
    upsert = _insert_for(connection.dialect.name)(sync_state).values(key=DATA_VERSION_KEY, value=_new_version())
    connection.execute(
        upsert.on_conflict_do_update(index_elements=[sync_state.c.key], set_={"value": upsert.excluded.value})
    )


def _insert_for(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def open_store(url: str | None = None) -> TrialStore:
    """Open (creating and migrating as needed) the store at `url`, $ELIGO_DATABASE_URL, or the user's data directory."""
    engine = create_store_engine(resolve_url(url))
    upgrade_to_head(engine)
    return TrialStore(engine)
