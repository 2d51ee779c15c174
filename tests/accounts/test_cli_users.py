"""`eligo users ...` and `eligo mail deliver` through Typer's runner, on both databases."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from eligo.cli.main import app
from eligo.ingest import import_paths
from eligo.trials.bundled import bundled_paths
from tests.accounts.conftest import PASSWORD, SmtpServer

runner = CliRunner()
MARSDEN = "The Royal Marsden Hospital"


def test_create_admin_link_coordinator_and_list(database_url: str) -> None:
    db = ["--db", database_url]
    result = runner.invoke(app, ["users", "create-admin", "Boss@Example.org", "--password-stdin", *db], input=PASSWORD)
    assert result.exit_code == 0, result.output
    weak = runner.invoke(app, ["users", "create-admin", "b@example.org", "--password-stdin", *db], input="123\n")
    assert weak.exit_code == 2 and "at least 10" in weak.output

    missing = runner.invoke(app, ["users", "link-coordinator", "nurse@example.org", "NCT03363373", *db])
    assert missing.exit_code == 2 and "no account" in missing.output
    bad_id = runner.invoke(app, ["users", "link-coordinator", "boss@example.org", "NCT123", *db])
    assert bad_id.exit_code == 2

    from eligo.accounts import users
    from eligo.store import open_store

    store = open_store(database_url)
    try:
        from datetime import UTC, datetime

        users.sign_up(store, "nurse@example.org", PASSWORD, "clinician", "http://x", datetime.now(UTC))
        # Coordinators are linked to listed sites of trials in the store (issue #15).
        import_paths(store, bundled_paths())
    finally:
        store.close()
    marsden = "the royal marsden hospital"
    args = ["users", "link-coordinator", "nurse@example.org", "nct03363373", "--facility", marsden, *db]
    linked = runner.invoke(app, args)
    assert linked.exit_code == 0 and "now coordinates NCT03363373" in linked.output, linked.output
    assert "already" in runner.invoke(app, args).output

    listed = runner.invoke(app, ["users", "list", "--format", "json", *db])
    assert listed.exit_code == 0, listed.output
    rows = {row["email"]: row for row in json.loads(listed.output)["users"]}
    assert rows["boss@example.org"]["role"] == "admin" and rows["boss@example.org"]["confirmed"] is True
    assert rows["nurse@example.org"]["role"] == "coordinator"
    assert rows["nurse@example.org"]["sites"] == [{"nct_id": "NCT03363373", "facility": MARSDEN}]
    assert "boss@example.org\tadmin\tconfirmed" in runner.invoke(app, ["users", "list", *db]).output


def test_mail_deliver(database_url: str, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELIGO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ELIGO_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("ELIGO_SMTP_STARTTLS", "0")
    runner.invoke(
        app, ["users", "create-admin", "a@example.org", "--password-stdin", "--db", database_url], input=PASSWORD
    )
    from datetime import UTC, datetime

    from eligo.accounts import users
    from eligo.store import open_store

    store = open_store(database_url)
    try:
        users.request_reset(store, "a@example.org", "http://x", datetime.now(UTC))
    finally:
        store.close()
    result = runner.invoke(app, ["mail", "deliver", "--db", database_url])
    assert result.exit_code == 0 and "sent 1" in result.output, result.output
    assert "sent 0" in runner.invoke(app, ["mail", "deliver", "--db", database_url]).output
    assert len(smtp.inbox.messages) == 1
