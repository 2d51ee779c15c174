"""Development mode signs with a secret of its own, never a public constant (item 17); behind a trusted proxy
rate limits key on the real client, and X-Forwarded-For from anyone else is ignored (item 18). Issue #11."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eligo.accounts.ratelimit import RULES
from eligo.alerts.subscriptions import unsubscribe_token
from eligo.cli.main import app as cli
from eligo.cli.main import startup_notes
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.settings import DEV_SECRET, SECRET_FILE_ENV, InsecureSettings, WebSettings, installation_secret
from tests.web.conftest import csrf_of

PROXY = "10.0.0.5"


@pytest.fixture
def secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "secret_key"
    monkeypatch.setenv(SECRET_FILE_ENV, str(path))
    monkeypatch.delenv("ELIGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("ELIGO_ENV", raising=False)
    return path


def test_development_mode_makes_and_keeps_a_secret_of_its_own(secret_file: Path) -> None:
    settings = WebSettings.from_env()
    assert settings.secret_key != DEV_SECRET and len(settings.secret_key) >= 32
    assert settings.secret_file == secret_file
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert WebSettings.from_env().secret_key == settings.secret_key  # kept: links stay valid across restarts
    # Unsubscribe links signed with the public constant no longer match this installation's.
    assert unsubscribe_token(settings.secret_key, 1) != unsubscribe_token(DEV_SECRET, 1)
    assert any(str(secret_file) in line for line in startup_notes(settings))


def test_another_installation_has_another_secret(secret_file: Path, tmp_path: Path) -> None:
    assert installation_secret(secret_file) != installation_secret(tmp_path / "elsewhere" / "secret_key")


def test_a_secret_given_in_the_environment_is_used_and_nothing_is_written(
    secret_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELIGO_SECRET_KEY", "s" * 40)
    settings = WebSettings.from_env()
    assert settings.secret_key == "s" * 40 and settings.secret_file is None
    assert not secret_file.exists()


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address(
    secret_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELIGO_TRUSTED_PROXIES", "127.0.0.1")  # serve sets it from the option; restored after
    result = CliRunner().invoke(cli, ["serve", "--trusted-proxy", "proxy.example.org"])
    assert result.exit_code == 2 and "not an IP address or network" in result.stderr


def test_trusted_proxies_from_the_environment_are_checked(secret_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELIGO_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.2")
    assert WebSettings.from_env().trusted_proxies == ("10.0.0.0/8", "192.168.1.2")
    monkeypatch.setenv("ELIGO_TRUSTED_PROXIES", "10.0.0.0/8,nonsense")
    with pytest.raises(InsecureSettings, match="'nonsense' is not an IP address"):
        WebSettings.from_env()


def signup_attempt(client: TestClient, forwarded_for: str | None) -> int:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    token = csrf_of(client.get("/account/signup", headers=headers).text)
    data = {"csrf_token": token, "email": "not an address", "password": "x", "role": "family"}
    return client.post("/account/signup", data=data, headers=headers).status_code


def client_from(store: TrialStore, peer: str) -> TestClient:
    settings = WebSettings(environment="test", trusted_proxies=(PROXY,))
    return TestClient(create_app(settings, store=store), client=(peer, 40000))


def test_behind_a_trusted_proxy_each_real_client_has_its_own_rate_limit(store: TrialStore) -> None:
    limit = RULES["signup:ip"].limit
    with client_from(store, PROXY) as proxy:
        assert [signup_attempt(proxy, "203.0.113.1") for _ in range(limit)] == [422] * limit
        assert signup_attempt(proxy, "203.0.113.1") == 429
        # Another family behind the same proxy is not locked out by the first.
        assert signup_attempt(proxy, "203.0.113.2") == 422


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(store: TrialStore) -> None:
    limit = RULES["signup:ip"].limit
    with client_from(store, "198.51.100.7") as direct:
        # A client that names a new address on every request is still counted as itself.
        answers = [signup_attempt(direct, f"203.0.113.{index}") for index in range(limit + 1)]
        assert answers == [422] * limit + [429]
