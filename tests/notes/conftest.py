"""Notes and share-link fixtures: the account fixtures (real SMTP, the app on SQLite and PostgreSQL) plus the
bundled trials, and a family signed in."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from eligo.ingest import import_paths
from eligo.store import TrialStore
from eligo.trials.bundled import bundled_paths
from tests.accounts.conftest import *  # noqa: F403
from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import log_in, sign_up_confirmed


@pytest.fixture
def trials(store: TrialStore) -> TrialStore:
    summary = import_paths(store, bundled_paths())
    assert not summary.failed, summary.problems
    return store


@pytest.fixture
def family(trials: TrialStore, app_client: TestClient, smtp: SmtpServer, deliver: Any) -> TestClient:
    """The app client, signed in as a confirmed family account."""
    sign_up_confirmed(app_client, smtp.inbox, deliver, "family@example.org")
    assert log_in(app_client, "family@example.org").status_code == 303
    return app_client
