"""Server-side sessions: written only when changed, and concurrent answer saves of one visitor never lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from starlette.requests import Request

from eligo.store import TrialStore
from eligo.web.sessions import COOKIE, Session, SessionManager
from tests.web.conftest import csrf_of

TRIAL = "NCT03363373"


def _manager(store: TrialStore) -> SessionManager:
    return SessionManager(store, "a-test-secret-that-is-long-enough", days=1, secure=False)


def _request(manager: SessionManager, session_id: str | None = None) -> Request:
    headers = []
    if session_id is not None:
        headers.append((b"cookie", f"{COOKIE}={manager.signer.dumps(session_id)}".encode()))
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": headers})


def _stored(store: TrialStore, session_id: str) -> dict[str, Any]:
    data = store.load_session(session_id, datetime.now(UTC))
    assert data is not None
    return data


def _started(store: TrialStore, manager: SessionManager) -> str:
    first = manager.load(_request(manager))
    first.update_answers(TRIAL, {"c0": "yes"})
    manager.flush(first)
    return first.id


def _all_at_once(count: int, manager: SessionManager, session_id: str, change: Any) -> None:
    """`count` requests of one visitor that all read the session before any of them writes it."""
    barrier = threading.Barrier(count)

    def one(index: int) -> None:
        session = manager.load(_request(manager, session_id))
        barrier.wait(timeout=30)
        change(index, session)
        manager.flush(session)

    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(one, range(count)))


def test_concurrent_answer_saves_all_survive(store: TrialStore) -> None:
    manager = _manager(store)
    session_id = _started(store, manager)

    def answer(index: int, session: Session) -> None:
        session.update_answers(TRIAL, {f"c{index + 1}": "no"})

    _all_at_once(8, manager, session_id, answer)
    expected = {"c0": "yes", **{f"c{index + 1}": "no" for index in range(8)}}
    assert _stored(store, session_id)["answers"][TRIAL] == expected


def test_answers_profile_and_direct_edits_at_once_all_survive(store: TrialStore) -> None:
    manager = _manager(store)
    session_id = _started(store, manager)

    def change(index: int, session: Session) -> None:
        if index == 0:
            session.set_profile({"age_years": 7}, {"age": "7"})
        elif index == 1:
            # As eligo.web.routes does for keys of its own: edit `data`, then mark it changed.
            session.data["shared_access"] = {"1": "later"}
            session.changed = True
        elif index == 2:
            session.update_answers(TRIAL, {"c0": None})
        else:
            session.update_answers("NCT01711554", {f"c{index}": "not_sure"})

    _all_at_once(6, manager, session_id, change)
    stored = _stored(store, session_id)
    assert stored["profile"] == {"age_years": 7}
    assert stored["shared_access"] == {"1": "later"}
    assert TRIAL not in stored["answers"], "the removed answer was the trial's last"
    assert stored["answers"]["NCT01711554"] == {f"c{index}": "not_sure" for index in range(3, 6)}


def test_a_write_returns_what_others_saved_meanwhile(store: TrialStore) -> None:
    manager = _manager(store)
    session_id = _started(store, manager)
    slow = manager.load(_request(manager, session_id))
    quick = manager.load(_request(manager, session_id))
    quick.update_answers(TRIAL, {"c1": "no"})
    manager.flush(quick)
    slow.update_answers(TRIAL, {"c2": "yes"})
    manager.flush(slow)
    assert slow.answers_for(TRIAL) == {"c0": "yes", "c1": "no", "c2": "yes"}
    assert not slow.changed


def test_clearing_answers_is_written(store: TrialStore) -> None:
    manager = _manager(store)
    session_id = _started(store, manager)
    session = manager.load(_request(manager, session_id))
    session.set_answers(TRIAL, {})
    manager.flush(session)
    assert TRIAL not in _stored(store, session_id).get("answers", {})


@contextmanager
def _session_writes(store: TrialStore) -> Iterator[list[str]]:
    writes: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "web_sessions" in statement and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            writes.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        yield writes
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)


def test_reading_pages_never_writes_the_session(client: TestClient, loaded_store: TrialStore) -> None:
    with _session_writes(loaded_store) as writes:
        page = client.get(f"/trials/{TRIAL}").text
        client.get("/search", params={"q": "neuroblastoma"})
        client.get("/")
        assert writes == []
        criteria = client.get(f"/api/trials/{TRIAL}/criteria").json()["criteria"]
        first = next(node for node in criteria if node["question"])
        headers = {"x-csrf-token": csrf_of(page)}
        saved = client.put(f"/api/trials/{TRIAL}/answers", json={"answers": {first["id"]: "no"}}, headers=headers)
        assert saved.status_code == 200
        assert len(writes) == 1, "one answer saved, one write (not a second one at the end of the request)"
        writes.clear()
        client.get(f"/trials/{TRIAL}")
        again = client.put(f"/api/trials/{TRIAL}/answers", json={"answers": {first["id"]: "no"}}, headers=headers)
        assert again.status_code == 200
        assert writes == [], "the same answer again changes nothing"
    assert f'name="a:{first["id"]}" value="no" checked' in client.get(f"/trials/{TRIAL}").text


def test_answers_saved_by_script_and_form_merge(client: TestClient) -> None:
    page = client.get(f"/trials/{TRIAL}").text
    token = csrf_of(page)
    criteria = client.get(f"/api/trials/{TRIAL}/criteria").json()["criteria"]
    first, second = [node for node in criteria if node["question"]][:2]
    client.put(f"/api/trials/{TRIAL}/answers", json={"answers": {first["id"]: "yes"}}, headers={"x-csrf-token": token})
    # The plain form sends only what it changes here: the script's answer stays.
    client.post(f"/trials/{TRIAL}/answers", data={"csrf_token": token, f"a:{second['id']}": "not_sure"})
    reloaded = client.get(f"/trials/{TRIAL}").text
    assert f'name="a:{first["id"]}" value="yes" checked' in reloaded
    assert f'name="a:{second["id"]}" value="not_sure" checked' in reloaded


def test_expired_sessions_and_their_sign_in_bindings_are_purged(store: TrialStore) -> None:
    from datetime import timedelta

    from sqlalchemy import insert, select

    from eligo.store.tables import user_sessions, users, web_sessions

    manager = _manager(store)
    now = datetime.now(UTC)
    with store.engine.begin() as connection:
        user_id = connection.execute(
            insert(users)
            .values(email="p@example.org", password_hash="x", role="family", created_at=now.isoformat())
            .returning(users.c.id)
        ).scalar_one()
        for session_id, expires in (("old", now - timedelta(days=1)), ("live", now + timedelta(days=1))):
            connection.execute(
                insert(web_sessions).values(
                    id=session_id, data='{"profile": {"age_years": 7}}', expires_at=expires.isoformat()
                )
            )
            connection.execute(
                insert(user_sessions).values(session_id=session_id, user_id=user_id, created_at=now.isoformat())
            )

    assert manager.purge_if_due(now) == 1
    assert manager.purge_if_due(now) == 0  # not again within the hour
    with store.engine.connect() as connection:
        assert set(connection.scalars(select(web_sessions.c.id))) == {"live"}
        assert set(connection.scalars(select(user_sessions.c.session_id))) == {"live"}
