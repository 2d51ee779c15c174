"""Writing studies: deciding imported / updated / unchanged / older, and replacing a study's rows in one go."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql

from eligo.store.finishing import Finisher
from eligo.store.outcomes import UpsertOutcome
from eligo.store.rows import (
    age_columns,
    fts_rowid,
    phases_text,
    search_text,
    site_rows,
)
from eligo.store.tables import FTS_COLUMNS, criteria, sites, trials
from eligo.trials.model import Trial

_FTS_INSERT_SQLITE = f"INSERT INTO trials_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})"
_FTS_DELETE = text("DELETE FROM trials_fts WHERE rowid IN :rowids").bindparams(bindparam("rowids", expanding=True))
# Weighted as the search ranks them: title A, conditions/keywords/MeSH B, interventions C, summary D.
_TSVECTOR_UPDATE = text(
    "UPDATE trials SET search_vector = "
    "setweight(to_tsvector('english', CAST(:title AS text)), 'A') || "
    "setweight(to_tsvector('english', CAST(:subjects AS text)), 'B') || "
    "setweight(to_tsvector('english', CAST(:interventions AS text)), 'C') || "
    "setweight(to_tsvector('english', CAST(:summary AS text)), 'D') "
    "WHERE nct_id = :nct_id"
)


@dataclass(frozen=True)
class StoredState:
    last_update_date: str | None
    content_hash: str


@dataclass(frozen=True)
class PreparedStudy:
    """Everything one study writes, computed before any row is touched."""

    trial: Trial
    outcome: UpsertOutcome
    row: dict[str, Any]
    sites: list[dict[str, Any]]
    criteria: tuple[str, str] | None


def load_states(connection: Connection, nct_ids: Sequence[str]) -> dict[str, StoredState]:
    rows = connection.execute(
        select(trials.c.nct_id, trials.c.last_update_date, trials.c.content_hash).where(trials.c.nct_id.in_(nct_ids))
    )
    return {row.nct_id: StoredState(row.last_update_date, row.content_hash) for row in rows}


def decide(incoming: Trial, incoming_hash: str, stored: StoredState | None) -> UpsertOutcome:
    if stored is None:
        return UpsertOutcome.IMPORTED
    if stored.content_hash == incoming_hash:
        return UpsertOutcome.UNCHANGED
    # Partial ISO dates ("2018", "2018-03", "2018-03-15") compare correctly as text.
    if incoming.last_update_date and stored.last_update_date and incoming.last_update_date < stored.last_update_date:
        return UpsertOutcome.SKIPPED_OLDER
    return UpsertOutcome.UPDATED


def prepare(
    base: Trial,
    stored: StoredState | None,
    patches: Sequence[str],
    now: datetime,
    finisher: Finisher,
    *,
    criteria_tree: tuple[str, str] | None = None,
) -> tuple[UpsertOutcome, PreparedStudy | None]:
    """The outcome for one incoming study and, when it is to be written, its rows (None for unchanged / older).

    The finisher applies the stored overlay patches, places the sites and (unless `criteria_tree` is given)
    parses the criteria; the store only writes.
    """
    effective = finisher.apply_overlays(base, patches)
    # One serialisation serves both the hash (which leaves provenance out) and the stored record.
    bare = effective.model_dump_json(exclude={"provenance"})
    digest = hashlib.sha256(bare.encode()).hexdigest()
    outcome = decide(effective, digest, stored)
    if outcome in (UpsertOutcome.UNCHANGED, UpsertOutcome.SKIPPED_OLDER):
        return outcome, None
    if criteria_tree is None:
        criteria_tree = finisher.parse_criteria(effective)
    provenance = "null"
    if effective.provenance is not None:
        provenance = effective.provenance.model_copy(update={"imported_at": now}).model_dump_json()
    # provenance is Trial's last field, so this is exactly what model_dump_json() would give.
    record = f'{bare[:-1]},"provenance":{provenance}}}'
    eligibility = effective.eligibility
    youngest, oldest = age_columns(effective)
    row = {
        "nct_id": effective.nct_id,
        "record": record,
        "base_record": base.model_dump_json() if patches else None,
        "title": effective.title,
        "last_update_date": effective.last_update_date,
        "overall_status": effective.overall_status,
        "study_type": effective.study_type,
        "phases": phases_text(effective.phases),
        "min_age_months": youngest,
        "max_age_months": oldest,
        "sex": eligibility.sex.upper() if eligibility.sex else None,
        "conditions": "; ".join(effective.conditions),
        "source_format": effective.provenance.source_format.value if effective.provenance else None,
        "imported_at": now.isoformat(),
        "content_hash": digest,
    }
    return outcome, PreparedStudy(
        effective, outcome, row, site_rows(effective, finisher.place_sites(effective)), criteria_tree
    )


def write_studies(connection: Connection, studies: Sequence[PreparedStudy], now: datetime) -> None:
    """Insert new studies and replace existing ones (trial row, sites, full-text entry, criteria) in bulk."""
    if not studies:
        return
    if connection.dialect.name == "postgresql":
        _upsert_postgresql(connection, studies)
    else:
        _write_trial_rows(connection, studies)
    site_params = [site for s in studies for site in s.sites]
    if site_params:
        _insert_many(connection, sites, site_params)
    criteria_params = [
        {"nct_id": s.trial.nct_id, "parser_version": s.criteria[0], "tree": s.criteria[1], "parsed_at": now.isoformat()}
        for s in studies
        if s.criteria is not None
    ]
    if criteria_params:
        connection.execute(insert(criteria), criteria_params)
    _index_text(connection, (s.trial for s in studies))


def _upsert_postgresql(connection: Connection, studies: Sequence[PreparedStudy]) -> None:
    """Trial rows inserted or, when present, replaced, so a concurrent import of the same records is no error.

    Under READ COMMITTED an INSERT that meets another transaction's uncommitted row waits for it and then
    takes the ON CONFLICT branch; the DELETEs after it are new statements, so they see (and replace) the
    sites and criteria the other import committed. Rows go in NCT id order, so two imports never deadlock.
    """
    rows = sorted((s.row for s in studies), key=lambda row: str(row["nct_id"]))
    statement = postgresql.insert(trials)
    names = [name for name in rows[0] if name != "nct_id"]
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[trials.c.nct_id], set_={name: statement.excluded[name] for name in names}
        ),
        rows,
    )
    ids = [str(row["nct_id"]) for row in rows]
    connection.execute(delete(sites).where(sites.c.nct_id.in_(ids)))
    connection.execute(delete(criteria).where(criteria.c.nct_id.in_(ids)))


def _write_trial_rows(connection: Connection, studies: Sequence[PreparedStudy]) -> None:
    """SQLite: the importer holds the write lock (BEGIN IMMEDIATE) and decided each outcome under it."""
    replaced = [s.trial.nct_id for s in studies if s.outcome is UpsertOutcome.UPDATED]
    if replaced:
        connection.execute(delete(sites).where(sites.c.nct_id.in_(replaced)))
        connection.execute(delete(criteria).where(criteria.c.nct_id.in_(replaced)))
        if connection.dialect.name == "sqlite":
            connection.execute(_FTS_DELETE, {"rowids": [fts_rowid(nct_id) for nct_id in replaced]})
        updates = [{**s.row, "key": s.trial.nct_id} for s in studies if s.outcome is UpsertOutcome.UPDATED]
        connection.execute(update(trials).where(trials.c.nct_id == bindparam("key")), updates)
    new_rows = [s.row for s in studies if s.outcome is UpsertOutcome.IMPORTED]
    if new_rows:
        _insert_many(connection, trials, new_rows)


def _index_text(connection: Connection, studies: Iterable[Trial]) -> None:
    params = []
    for trial in studies:
        words = search_text(trial)
        params.append({"nct_id": trial.nct_id, **words.__dict__})
    if connection.dialect.name == "postgresql":
        pg_params = [
            {
                "nct_id": p["nct_id"],
                "title": p["title"],
                "subjects": " ".join((p["conditions"], p["keywords"], p["mesh"])),
                "interventions": p["interventions"],
                "summary": p["summary"],
            }
            for p in params
        ]
        connection.execute(_TSVECTOR_UPDATE, pg_params)
    else:
        connection.exec_driver_sql(
            _FTS_INSERT_SQLITE,
            [(fts_rowid(p["nct_id"]), *(p[name] for name in FTS_COLUMNS)) for p in params],
        )


def _insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all with the same keys) in one executemany."""
    if connection.dialect.name != "sqlite":
        # psycopg's insertmanyvalues batching already folds the rows into multi-row VALUES.
        connection.execute(insert(table), rows)
        return
    # SQLAlchemy builds a parameter dict per row (a third of the store's import time); the driver takes tuples.
    names = list(rows[0])
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    connection.exec_driver_sql(sql, [tuple(row[name] for name in names) for row in rows])


def delete_study(connection: Connection, nct_id: str) -> bool:
    if connection.dialect.name == "sqlite":
        connection.execute(_FTS_DELETE, {"rowids": [fts_rowid(nct_id)]})
    return connection.execute(delete(trials).where(trials.c.nct_id == nct_id)).rowcount > 0
