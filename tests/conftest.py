"""Shared fixtures: the same store tests run on SQLite and on a real PostgreSQL server, one fresh database each."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import OperationalError

from eligo.cache_dir import CACHE_DIR_ENV
from eligo.store import TrialStore, open_store
from eligo.store.engine import resolve_url
from tests.support.data import data_dir

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Unique per process: xdist workers, and other people's test runs on the same server, never share a name.
_PREFIX = f"eligo_test_{os.getpid()}"
_counter = itertools.count()


_test_cache_dirs: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Rebuildable caches (the city index, Pint's parsed definitions) go to a fresh directory, never the user's.

    xdist workers share their controller's, so the city index is built once per run.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get(CACHE_DIR_ENV):
        return
    _test_cache_dirs.append(tempfile.mkdtemp(prefix="eligo-test-cache-"))
    os.environ[CACHE_DIR_ENV] = _test_cache_dirs[-1]
    # Settings read from the environment make a development secret: never in the user's data directory.
    os.environ.setdefault("ELIGO_SECRET_FILE", os.path.join(_test_cache_dirs[-1], "secret_key"))


def pytest_unconfigure(config: pytest.Config) -> None:
    for directory in _test_cache_dirs:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def test_data() -> Path:
    """tests/data: the registry samples the repository carries (see tests/data/README.md)."""
    return data_dir()


def _postgres_required() -> bool:
    return os.environ.get("ELIGO_REQUIRE_POSTGRES") == "1" or bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An autocommit engine on the server's maintenance database, for CREATE / DROP DATABASE."""
    raw = os.environ.get("ELIGO_TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
    url = resolve_url(raw)
    engine = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        message = f"no PostgreSQL server answers at {url.render_as_string()}: {str(error).strip().splitlines()[0]}"
        if _postgres_required():
            pytest.fail(f"{message} (ELIGO_REQUIRE_POSTGRES=1 or CI is set, so PostgreSQL tests must run)")
        pytest.skip(f"{message}; set ELIGO_TEST_DATABASE_URL to run the PostgreSQL half of the suite")
    yield engine
    engine.dispose()


def _database_url(admin: Engine, name: str) -> URL:
    return admin.url.set(database=name)


def _drop(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_finished(postgres_admin: Engine) -> Iterator[list[str]]:
    """Test databases to drop when the worker is done.

    Each DROP DATABASE waits for a checkpoint, which costs up to seconds while another worker writes;
    drops waiting at the same time share one checkpoint, so they run together at the end.
    """
    finished: list[str] = []
    yield finished
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="drop-test-db") as pool:
        list(pool.map(lambda name: _drop(postgres_admin, name), finished))


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine, postgres_finished: list[str]) -> Iterator[str]:
    """A database with every migration applied, built once per worker and copied for each test."""
    name = f"{_PREFIX}_template"
    _drop(postgres_admin, name)
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(_database_url(postgres_admin, name).render_as_string(hide_password=False))
    store.close()
    yield name
    _drop(postgres_admin, name)


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty, migrated-on-open database of each backend, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'eligo.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    template: str = request.getfixturevalue("postgres_template")
    finished: list[str] = request.getfixturevalue("postgres_finished")
    name = f"{_PREFIX}_{next(_counter)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _database_url(admin, name).render_as_string(hide_password=False)
    finally:
        finished.append(name)


@pytest.fixture
def store(database_url: str) -> Iterator[TrialStore]:
    opened = open_store(database_url)
    try:
        yield opened
    finally:
        opened.close()
