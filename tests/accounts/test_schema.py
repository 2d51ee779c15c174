"""Migrations 0004 and 0005 create the account and user-content tables exactly as eligo.store.tables declares them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eligo.store import TrialStore
from eligo.store.tables import metadata

ACCOUNT_TABLES = {
    "users",
    "coordinator_sites",
    "account_tokens",
    "user_sessions",
    "outbox",
    "rate_limits",
    "child_profiles",
    "notes",
    "share_links",
    "alert_subscriptions",
    "alert_matches",
    "referrals",
}


def _table_of(diff: object) -> str | None:
    item = diff[-1] if isinstance(diff, list) else diff
    for part in item if isinstance(item, tuple) else (item,):
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None) in ACCOUNT_TABLES:
            return str(table.name)
        if name in ACCOUNT_TABLES:
            return str(name)
        if isinstance(part, str) and part in ACCOUNT_TABLES:
            return part
    return None


def test_migration_matches_the_declared_account_tables(store: TrialStore) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_server_default": False})
        differences = [diff for diff in compare_metadata(context, metadata) if _table_of(diff) is not None]
    assert differences == []
