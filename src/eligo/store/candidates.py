"""What matching reads about a page of candidate trials besides the search hits: a stamp saying which
version of each stored criteria tree is current, the trees themselves, and records with their hashes.

Matching keeps parsed trees in memory between requests; the stamps let it tell, in one narrow query,
which of its copies are still the stored ones without reading the (large) trees again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from eligo.store.repository import TrialStore
from eligo.store.search import status_filter
from eligo.store.tables import criteria, trials
from eligo.trials.model import Trial


@dataclass(frozen=True)
class CriteriaStamp:
    """Which stored criteria tree a trial has: the parser version and when it was written.

    Every write of a tree (import, re-import, `eligo criteria --reparse`) sets a new `parsed_at`,
    so (nct_id, parser_version, parsed_at) names one stored tree.
    """

    parser_version: str
    parsed_at: str


@dataclass(frozen=True)
class StoredTree:
    stamp: CriteriaStamp
    tree_json: str


def _wanted(nct_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(nct_ids))


def criteria_stamps(store: TrialStore, nct_ids: Iterable[str]) -> dict[str, CriteriaStamp]:
    """{nct_id: stamp} for the trials among `nct_ids` that have stored criteria, in one query."""
    wanted = _wanted(nct_ids)
    if not wanted:
        return {}
    query = select(criteria.c.nct_id, criteria.c.parser_version, criteria.c.parsed_at).where(
        criteria.c.nct_id.in_(wanted)
    )
    with store.engine.connect() as connection:
        return {row.nct_id: CriteriaStamp(row.parser_version, row.parsed_at) for row in connection.execute(query)}


def criteria_trees(store: TrialStore, nct_ids: Iterable[str]) -> dict[str, StoredTree]:
    """{nct_id: tree with its stamp}, read together so the stamp always describes the tree."""
    wanted = _wanted(nct_ids)
    if not wanted:
        return {}
    query = select(criteria.c.nct_id, criteria.c.parser_version, criteria.c.parsed_at, criteria.c.tree).where(
        criteria.c.nct_id.in_(wanted)
    )
    with store.engine.connect() as connection:
        return {
            row.nct_id: StoredTree(CriteriaStamp(row.parser_version, row.parsed_at), row.tree)
            for row in connection.execute(query)
        }


def trials_with_criteria(store: TrialStore, statuses: Iterable[str], limit: int) -> list[str]:
    """Up to `limit` ids of trials in one of `statuses` that have stored criteria, most recently updated first."""
    query = (
        select(trials.c.nct_id)
        .join(criteria, criteria.c.nct_id == trials.c.nct_id)
        .where(status_filter(list(statuses)))
        .order_by(trials.c.last_update_date.desc().nulls_last(), trials.c.nct_id)
        .limit(limit)
    )
    with store.engine.connect() as connection:
        return [row.nct_id for row in connection.execute(query)]


def content_hashes(store: TrialStore, nct_ids: Iterable[str]) -> dict[str, str]:
    """{nct_id: content hash of the stored record} for the stored trials among `nct_ids`."""
    wanted = _wanted(nct_ids)
    if not wanted:
        return {}
    query = select(trials.c.nct_id, trials.c.content_hash).where(trials.c.nct_id.in_(wanted))
    with store.engine.connect() as connection:
        return {row.nct_id: row.content_hash for row in connection.execute(query)}


def records_with_hashes(store: TrialStore, nct_ids: Iterable[str]) -> dict[str, tuple[str, Trial]]:
    """{nct_id: (content hash, trial)}, read together so the hash always describes the record."""
    wanted = _wanted(nct_ids)
    if not wanted:
        return {}
    query = select(trials.c.nct_id, trials.c.content_hash, trials.c.record).where(trials.c.nct_id.in_(wanted))
    with store.engine.connect() as connection:
        return {
            row.nct_id: (row.content_hash, Trial.model_validate_json(row.record)) for row in connection.execute(query)
        }
