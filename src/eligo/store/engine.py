"""Where the database is, how to connect to it, and bringing its schema to the latest migration."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL

DATABASE_URL_ENV = "ELIGO_DATABASE_URL"
_PACKAGE_DIR = Path(__file__).resolve().parent
# Any number works; it only has to be the same for every process migrating the same database.
_MIGRATION_LOCK_KEY = 0x456C69676F


def default_sqlite_path() -> Path:
    from platformdirs import user_data_dir

    directory = Path(user_data_dir("eligo"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory / "eligo.db"


def resolve_url(url: str | None = None) -> URL:
    """The URL to use: the argument, else $ELIGO_DATABASE_URL, else a SQLite file in the user data directory.

    A plain ``postgresql://`` URL is given the psycopg 3 driver.
    """
    raw = url or os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{default_sqlite_path()}"
    parsed = make_url(raw)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy so SAVEPOINTs nest inside a real BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of page cache: a batch of full-text inserts touches many index pages.
        cursor.execute("PRAGMA cache_size=-65536")
    finally:
        cursor.close()


# Execution options of a connection that writes: on SQLite its transactions BEGIN IMMEDIATE, taking the
# write lock first (waiting up to the busy timeout). A deferred BEGIN that reads and then writes fails at
# once with "database is locked" when another connection wrote in between, however long the busy timeout.
WRITE_OPTIONS: dict[str, Any] = {"eligo_write": True}


def _sqlite_on_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get("eligo_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        database = url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    config = Config(str(_PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(_PACKAGE_DIR / "migrations"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration; a no-op on an up-to-date database."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two processes opening a fresh database at once must not both create the tables.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
