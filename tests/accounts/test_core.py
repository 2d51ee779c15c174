"""Accounts without the web: password policy and hashing, tokens, rate limits, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from eligo.accounts import passwords, ratelimit, tokens, users
from eligo.store import TrialStore, open_store
from eligo.store.tables import account_tokens, rate_limits
from eligo.store.tables import users as users_table
from eligo.web.settings import InsecureSettings, WebSettings
from tests.accounts.conftest import PASSWORD

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10"),
        ("12345678901", "more than digits"),
        ("ann@example.org", "email address"),
        ("ANN@example.org", "email address"),
        ("Qwertyuiop", "too common"),
        ("x" * 300, "at most"),
    ],
)
def test_password_policy_refuses(password: str, problem: str) -> None:
    with pytest.raises(passwords.WeakPassword, match=problem):
        passwords.check_policy(password, "ann@example.org")


def test_password_policy_accepts_a_passphrase() -> None:
    passwords.check_policy("correct horse battery", "ann@example.org")
    assert passwords.common_passwords()


def test_hash_is_argon2id_and_verifies() -> None:
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD + "!")
    assert not passwords.verify_password("not a hash", PASSWORD)


def test_sign_in_rehashes_when_parameters_changed(store: TrialStore) -> None:
    users.create_admin(store, "admin@example.org", PASSWORD, NOW)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with store.engine.begin() as connection:
        connection.execute(users_table.update().values(password_hash=weak))
    assert users.authenticate(store, "admin@example.org", PASSWORD, NOW).reason == "ok"
    with store.engine.connect() as connection:
        stored = connection.scalar(select(users_table.c.password_hash))
    assert stored != weak and not passwords.needs_rehash(str(stored))


def test_tokens_are_hashed_single_use_and_expire(store: TrialStore) -> None:
    user = users.create_admin(store, "t@example.org", PASSWORD, NOW)
    with store.engine.begin() as connection:
        token = tokens.issue(connection, user.id, "reset", NOW)
    with store.engine.connect() as connection:
        stored = list(connection.scalars(select(account_tokens.c.token_hash)))
    assert token not in stored and stored == [tokens.digest(token)]
    with store.engine.begin() as connection:
        assert tokens.peek(connection, token, "reset", NOW) == user.id  # peeking does not spend it
        assert tokens.redeem(connection, token, "confirm", NOW) is None  # another purpose
        assert tokens.redeem(connection, token, "reset", NOW + timedelta(hours=2)) is None  # expired
        assert tokens.redeem(connection, token, "reset", NOW) == user.id
        assert tokens.redeem(connection, token, "reset", NOW) is None  # spent
        newer = tokens.issue(connection, user.id, "reset", NOW)
        newest = tokens.issue(connection, user.id, "reset", NOW)
        assert tokens.peek(connection, newer, "reset", NOW) is None  # only the newest link works
        assert tokens.peek(connection, newest, "reset", NOW) == user.id


def test_rate_limit_is_shared_between_workers_and_lapses(store: TrialStore, database_url: str) -> None:
    other_worker = open_store(database_url)
    try:
        rule = ratelimit.RULES["login:account"]
        for number in range(rule.limit - 1):
            worker = store if number % 2 else other_worker
            assert not ratelimit.hit(worker, "login:account", "someone@example.org", NOW)
        assert ratelimit.blocked(store, [("login:account", "someone@example.org")], NOW) is None
        assert ratelimit.hit(other_worker, "login:account", "someone@example.org", NOW)
        assert ratelimit.blocked(store, [("login:account", "someone@example.org")], NOW) == NOW + rule.lock
        assert ratelimit.blocked(store, [("login:account", "someone@example.org")], NOW + rule.lock) is None
    finally:
        other_worker.close()
    with store.engine.connect() as connection:
        keys = list(connection.scalars(select(rate_limits.c.key)))
    assert keys and all("@" not in key for key in keys)  # hashed


def test_old_failures_fall_out_of_the_window(store: TrialStore) -> None:
    rule = ratelimit.RULES["login:account"]
    for _ in range(rule.limit - 1):
        ratelimit.hit(store, "login:account", "x@example.org", NOW)
    assert not ratelimit.hit(store, "login:account", "x@example.org", NOW + rule.window + timedelta(seconds=1))


def test_production_settings_refuse_unsafe_mail_settings() -> None:
    from eligo.accounts.mail import SmtpSettings

    good = WebSettings(
        environment="production",
        secret_key="k" * 40,
        https=True,
        public_url="https://eligo.example.org",
        smtp=SmtpSettings(host="smtp.example.org", user="eligo", password="pw", sender="Eligo <e@example.org>"),
    )
    good.check()
    for change in (
        {"public_url": "http://127.0.0.1:8000"},
        {"smtp": SmtpSettings()},
        {"smtp": SmtpSettings(host="smtp.example.org", starttls=False, sender="Eligo <e@example.org>")},
        {"smtp": SmtpSettings(host="smtp.example.org", user="eligo", sender="Eligo <e@example.org>")},
        {"smtp": SmtpSettings(host="smtp.example.org")},
    ):
        with pytest.raises(InsecureSettings):
            good.model_copy(update=change).check()


def test_settings_read_smtp_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELIGO_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("ELIGO_SMTP_PORT", "465")
    monkeypatch.setenv("ELIGO_SMTP_SSL", "1")
    monkeypatch.setenv("ELIGO_SMTP_PASSWORD", "secret-pw")
    monkeypatch.setenv("ELIGO_PUBLIC_URL", "https://eligo.example.org/")
    settings = WebSettings.from_env()
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.ssl) == ("mail.example.org", 465, True)
    assert settings.public_url == "https://eligo.example.org"
    assert "secret-pw" not in repr(settings)
