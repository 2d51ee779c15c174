"""A signed-in family's shortlist lives in the account: it survives signing out and follows them to a new browser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from eligo.ingest import import_paths
from eligo.store import TrialStore
from eligo.store.tables import shortlist_items
from eligo.trials.bundled import bundled_paths
from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import csrf, log_in, sign_up_confirmed

EMAIL = "shortlist@family.example"


def _add(client: TestClient, nct_id: str) -> None:
    data = {"csrf_token": csrf(client, "/match"), "nct_id": nct_id, "next": "/compare"}
    assert client.post("/shortlist/add", data=data, follow_redirects=False).status_code == 303


def test_the_shortlist_moves_into_the_account_and_follows_the_family(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    assert import_paths(store, bundled_paths()).failed == 0
    # Shortlisted before signing in: kept in the session, then moved into the account at sign-in.
    _add(app_client, "NCT01711554")
    sign_up_confirmed(app_client, smtp.inbox, deliver, EMAIL)
    assert log_in(app_client, EMAIL).status_code == 303
    _add(app_client, "NCT03363373")
    html = app_client.get("/compare").text
    assert 'data-nct="NCT01711554"' in html and 'data-nct="NCT03363373"' in html
    with store.engine.connect() as connection:
        rows = connection.execute(select(shortlist_items.c.nct_id).order_by(shortlist_items.c.id)).scalars().all()
    assert rows == ["NCT01711554", "NCT03363373"]

    # Another browser, signed in as the same family, sees the same shortlist.
    with TestClient(app_client.app) as other:
        assert log_in(other, EMAIL).status_code == 303
        html = other.get("/compare").text
        assert 'data-nct="NCT01711554"' in html and 'data-nct="NCT03363373"' in html
        remove = {"csrf_token": csrf(other, "/match"), "nct_id": "NCT01711554", "next": "/compare"}
        assert other.post("/shortlist/remove", data=remove, follow_redirects=False).status_code == 303
    with store.engine.connect() as connection:
        assert connection.execute(select(shortlist_items.c.nct_id)).scalars().all() == ["NCT03363373"]
