"""The outbox against a real SMTP server: queued with the action, sent once, kept through an outage."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from eligo.accounts import users
from eligo.accounts.mail import deliver_outbox, retry_delay
from eligo.store import TrialStore, open_store
from eligo.store.tables import outbox
from tests.accounts.conftest import PASSWORD, PUBLIC_URL, SmtpServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _rows(store: TrialStore) -> list[dict[str, object]]:
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(outbox))]


def test_mail_survives_an_outage_and_is_sent_exactly_once(store: TrialStore, smtp_down: SmtpServer) -> None:
    users.sign_up(store, "outage@example.org", PASSWORD, "family", PUBLIC_URL, NOW)
    report = deliver_outbox(store, smtp_down.settings, NOW)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    (row,) = _rows(store)
    assert row["status"] == "pending" and row["attempts"] == 1 and row["body"]
    assert deliver_outbox(store, smtp_down.settings, NOW + timedelta(seconds=30)).retrying == 0  # not due yet

    later = NOW + retry_delay(1)
    assert deliver_outbox(store, smtp_down.settings, later).retrying == 1  # still down: backs off further
    assert str(_rows(store)[0]["next_attempt_at"]) > (later + retry_delay(1)).isoformat()

    smtp_down.start()
    much_later = NOW + timedelta(hours=2)
    assert deliver_outbox(store, smtp_down.settings, much_later).sent == 1
    assert deliver_outbox(store, smtp_down.settings, much_later + timedelta(hours=1)).sent == 0
    (message,) = smtp_down.inbox.messages
    assert message["To"] == "outage@example.org" and message["From"] == "Eligo <eligo@eligo.test>"
    (row,) = _rows(store)
    assert row["status"] == "sent" and row["body"] == ""  # the single-use link is not kept


def test_two_deliverers_never_send_one_message_twice(store: TrialStore, database_url: str, smtp: SmtpServer) -> None:
    for number in range(5):
        users.sign_up(store, f"p{number}@example.org", PASSWORD, "family", PUBLIC_URL, NOW)
    second_worker = open_store(database_url)
    try:
        first = deliver_outbox(store, smtp.settings, NOW, limit=3)
        second = deliver_outbox(second_worker, smtp.settings, NOW)
    finally:
        second_worker.close()
    assert first.sent + second.sent == 5
    assert sorted(message["To"] for message in smtp.inbox.messages) == [f"p{n}@example.org" for n in range(5)]


def test_retry_delay_grows_and_is_capped() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert retry_delay(50) == timedelta(hours=1)


def test_mail_is_written_in_the_same_transaction_as_the_action(store: TrialStore) -> None:
    users.sign_up(store, "tx@example.org", PASSWORD, "family", PUBLIC_URL, NOW)
    with contextlib.suppress(ValueError):
        users.sign_up(store, "tx@example.org", "short", "family", PUBLIC_URL, NOW)
    assert len(_rows(store)) == 1  # the refused sign-up queued nothing
