"""Password hashing and database work never hold up the event loop: a static file is served while sign-ins are
hashing in parallel (issue #11, item 10). Ordering is asserted, not timings: each sign-in's hash waits until the
static request has been answered, which can only happen if the hash runs off the event loop."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import httpx
import pytest

from eligo.accounts import passwords, users
from eligo.store import TrialStore
from eligo.web.settings import WebSettings
from tests.accounts.conftest import PASSWORD
from tests.browser.live import serve

SIGN_INS = 4
# How long a sign-in's hash waits for the static request before giving up; reached only when the hash
# blocks the event loop (the static request cannot be answered), which is the failure this test catches.
GATE_SECONDS = 15


class Gate:
    """Stands in for argon2 verification: a hash that takes until the static request has been answered."""

    def __init__(self) -> None:
        self.hashing = threading.Event()
        self.static_answered = threading.Event()
        self.released: list[bool] = []
        self.lock = threading.Lock()
        self.real = passwords.verify_password

    def verify(self, stored_hash: str, password: str) -> bool:
        self.hashing.set()
        released = self.static_answered.wait(GATE_SECONDS)
        with self.lock:
            self.released.append(released)
        return self.real(stored_hash, password)


def sign_in(base_url: str, email: str, outcomes: list[int]) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        page = client.get("/account/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        data = {"csrf_token": token.group(1), "email": email, "password": "not the password"}
        outcomes.append(client.post("/account/login", data=data).status_code)


def test_a_static_file_is_served_while_sign_ins_are_hashing(store: TrialStore, monkeypatch: pytest.MonkeyPatch) -> None:
    users.create_admin(store, "known@example.org", PASSWORD, datetime.now(UTC))
    gate = Gate()
    monkeypatch.setattr(passwords, "verify_password", gate.verify)
    outcomes: list[int] = []
    with serve(store, WebSettings(environment="test")) as base_url:
        emails = ["known@example.org"] + [f"nobody{index}@example.org" for index in range(SIGN_INS - 1)]
        threads = [threading.Thread(target=sign_in, args=(base_url, email, outcomes)) for email in emails]
        for thread in threads:
            thread.start()
        assert gate.hashing.wait(GATE_SECONDS), "no sign-in reached the password check"
        static = httpx.get(f"{base_url}/static/eligo.css", timeout=60)
        gate.static_answered.set()
        for thread in threads:
            thread.join(timeout=60)
    assert static.status_code == 200
    assert outcomes == [401] * SIGN_INS
    # Every hash was still running when the static request was answered: none gave up waiting for it.
    assert gate.released == [True] * SIGN_INS
