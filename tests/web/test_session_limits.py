"""Anonymous session storage is bounded: per session, per client, in total, and idle sessions expire early
(issue #11, item 11: before, anonymous uploads were kept 30 days with no limit)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from starlette.requests import Request

from eligo.accounts.ratelimit import RULES
from eligo.store import TrialStore
from eligo.store.tables import web_sessions
from eligo.web.app import create_app
from eligo.web.sessions import SessionLimits, SessionManager
from eligo.web.settings import WebSettings
from tests.web.conftest import csrf_of


def save_profile(client: TestClient, profile: dict[str, object]) -> int:
    token = csrf_of(client.get("/match").text)
    upload = {"profile_file": ("child.json", json.dumps(profile).encode(), "application/json")}
    return client.post("/match/upload", data={"csrf_token": token}, files=upload, follow_redirects=False).status_code


def stored_sessions(store: TrialStore) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(web_sessions)) or 0)


def app_client(store: TrialStore, **settings: int) -> TestClient:
    return TestClient(create_app(WebSettings(environment="test", **settings), store=store))


def test_a_session_over_its_size_limit_is_refused_and_not_kept(loaded_store: TrialStore) -> None:
    with app_client(loaded_store, max_session_bytes=4000) as client:
        assert save_profile(client, {"age_years": 6}) == 303
        large = {"age_years": 6, "conditions": [f"condition number {index}" for index in range(200)]}
        refused = client.post(
            "/match/upload",
            data={"csrf_token": csrf_of(client.get("/match").text)},
            files={"profile_file": ("child.json", json.dumps(large).encode(), "application/json")},
        )
        assert refused.status_code == 413 and "too large to keep" in refused.text
        # The session still holds what it held before, not the refused profile.
        assert "condition number 1" not in client.get("/match").text


def test_one_client_may_start_only_so_many_anonymous_sessions_an_hour(loaded_store: TrialStore) -> None:
    limit = RULES["session:ip"].limit
    with app_client(loaded_store) as client:
        answers = []
        for _ in range(limit + 1):
            client.cookies.clear()  # a new visitor, as a script starting sessions would be
            answers.append(save_profile(client, {"age_years": 6}))
    assert answers == [303] * limit + [429]
    assert stored_sessions(loaded_store) == limit


def test_no_more_sessions_are_kept_than_the_total_cap_and_expired_ones_make_room(loaded_store: TrialStore) -> None:
    with app_client(loaded_store, max_sessions=3) as client:
        visitors = []
        for _ in range(4):
            client.cookies.clear()
            visitors.append(save_profile(client, {"age_years": 6}))
        assert visitors == [303, 303, 303, 503]
        assert stored_sessions(loaded_store) == 3
        with loaded_store.engine.begin() as connection:
            oldest = connection.scalars(select(web_sessions.c.id).limit(1)).one()
            connection.execute(update(web_sessions).where(web_sessions.c.id == oldest).values(expires_at="2000-01-01"))
        client.cookies.clear()
        assert save_profile(client, {"age_years": 6}) == 303


def _request() -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []})


def _expires(store: TrialStore, session_id: str) -> datetime:
    with store.engine.connect() as connection:
        value = connection.scalar(select(web_sessions.c.expires_at).where(web_sessions.c.id == session_id))
    return datetime.fromisoformat(str(value))


def test_an_idle_anonymous_session_expires_long_before_a_signed_in_one(store: TrialStore) -> None:
    manager = SessionManager(store, "s" * 40, days=30, secure=False, limits=SessionLimits(anonymous_days=3))
    now = datetime.now(UTC)
    anonymous = manager.load(_request())
    anonymous.set_profile({"age_years": 6})
    manager.flush(anonymous)
    signed_in = manager.load(_request())
    signed_in.data["user_id"] = 1
    signed_in.changed = True
    manager.flush(signed_in)
    assert now + timedelta(days=2) < _expires(store, anonymous.id) <= now + timedelta(days=3, minutes=1)
    assert _expires(store, signed_in.id) > now + timedelta(days=29)
    # The idle anonymous one is gone at the next purge after its three days.
    assert store.purge_expired_sessions(now + timedelta(days=4)) == 1
    assert store.load_session(signed_in.id, now + timedelta(days=4)) is not None
