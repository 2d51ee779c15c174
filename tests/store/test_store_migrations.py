"""Migrations: an empty database reaches head on open, and opening again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from store_builders import make_trial

from eligo.store import SearchQuery, open_store
from eligo.store.engine import alembic_config, resolve_url

TABLES = {"trials", "sites", "criteria", "overlays", "sync_state", "alembic_version"}


def test_open_migrates_an_empty_database_and_is_idempotent(empty_database_url: str) -> None:
    store = open_store(empty_database_url)
    try:
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with store.engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head
        store.upsert(make_trial(brief_title="Naxitamab"))
    finally:
        store.close()

    again = open_store(empty_database_url)
    try:
        assert again.count() == 1
        assert [hit.nct_id for hit in again.search(SearchQuery(text="naxitamab"))] == ["NCT00000001"]
    finally:
        again.close()


def test_downgrade_to_nothing_and_back(empty_database_url: str) -> None:
    open_store(empty_database_url).close()
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", resolve_url(empty_database_url).render_as_string(hide_password=False))
    command.downgrade(config, "base")
    store = open_store(empty_database_url)
    try:
        assert store.count() == 0
    finally:
        store.close()


def test_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    assert resolve_url("postgresql://u@h/db?host=/var/run/postgresql").drivername == "postgresql+psycopg"
    assert resolve_url("sqlite:///x.db").drivername == "sqlite"


def test_default_url_is_a_file_in_the_user_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ELIGO_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = resolve_url(None)
    assert url.database is not None and url.database.endswith("eligo.db")
    assert (tmp_path / "data").exists()
    monkeypatch.setenv("ELIGO_DATABASE_URL", "sqlite:///from-env.db")
    assert resolve_url(None).database == "from-env.db"


def test_age_columns_are_reread_with_the_age_rule_semantics(empty_database_url: str) -> None:
    """Revision 0006 (issue #10): a store written when "21 Years" was kept as 252 months finds 21y4m children."""
    store = open_store(empty_database_url)
    try:
        store.upsert(make_trial())  # "1 Year" to "21 Years"
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE trials SET max_age_months = 252"))
    finally:
        store.close()
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", resolve_url(empty_database_url).render_as_string(hide_password=False))
    command.downgrade(config, "0005")
    command.upgrade(config, "head")
    again = open_store(empty_database_url)
    try:
        assert [hit.nct_id for hit in again.search(SearchQuery(age_months=256))] == ["NCT00000001"]
        with again.engine.connect() as connection:
            assert connection.execute(text("SELECT min_age_months, max_age_months FROM trials")).one() == (12, 263)
    finally:
        again.close()
