"""Web fixtures: the app on a real store (SQLite and PostgreSQL) holding the bundled trials."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from eligo.ingest import import_paths
from eligo.store import TrialStore
from eligo.trials.bundled import bundled_paths
from eligo.web.app import create_app
from eligo.web.settings import WebSettings


@pytest.fixture
def loaded_store(store: TrialStore) -> TrialStore:
    summary = import_paths(store, bundled_paths())
    assert summary.failed == 0, summary.problems
    return store


@pytest.fixture
def client(loaded_store: TrialStore) -> Iterator[TestClient]:
    app = create_app(WebSettings(environment="test", max_body_bytes=200_000), store=loaded_store)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)
