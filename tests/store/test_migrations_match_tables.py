"""The migrations build exactly the schema that eligo.store.tables declares, on both databases.

The full-text index is the one deliberate difference: it is dialect-specific and lives outside the
metadata (FTS5 tables on SQLite, a tsvector column and GIN index on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eligo.store import TrialStore
from eligo.store.tables import FTS_TABLE, metadata


def _is_full_text_index(diff: Any) -> bool:
    kind, *rest = diff
    if kind == "remove_table":
        return str(rest[0].name).startswith(FTS_TABLE)
    if kind == "remove_index":
        return str(rest[0].name) == "ix_trials_search_vector"
    if kind == "remove_column":
        return rest[1] == "trials" and rest[2].name == "search_vector"
    return False


def test_upgraded_database_matches_the_declared_tables(store: TrialStore) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_server_default": False})
        differences = compare_metadata(context, metadata)
    unexpected = [diff for diff in differences if not (isinstance(diff, tuple) and _is_full_text_index(diff))]
    assert unexpected == []


def test_every_declared_table_exists_after_upgrade(store: TrialStore) -> None:
    from sqlalchemy import inspect

    present = set(inspect(store.engine).get_table_names())
    assert {table.name for table in metadata.sorted_tables} <= present
