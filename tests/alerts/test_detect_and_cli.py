"""The import hook costs one query when nobody has an alert; `eligo alerts send` queues the emails."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from typer.testing import CliRunner

from eligo.alerts import subscriptions
from eligo.alerts.detect import ImportWatch
from eligo.cli.main import app
from eligo.store import TrialStore
from eligo.web.settings import DEV_SECRET
from eligo.web.views import search_query_from_form
from tests.accounts.conftest import PUBLIC_URL
from tests.alerts.helpers import LEEDS, NEUROBLASTOMA_NEAR_LEEDS, alert_rows, import_studies, site, study


class _Statements:
    def __init__(self, store: TrialStore) -> None:
        self.count = 0
        self.engine = store.engine

    def __enter__(self) -> _Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's explicit BEGIN (see eligo.store.engine) is not a query
            self.count += 1


def _subscribe(store: TrialStore, email: str, confirm: bool) -> None:
    now = datetime.now(UTC)
    form = dict(NEUROBLASTOMA_NEAR_LEEDS)
    query, place = search_query_from_form(form)
    search = subscriptions.search_alert(form, query, place)
    subscriptions.subscribe(
        store,
        email=email,
        frequency="immediate",
        label=subscriptions.describe(search),
        search=search,
        user=None,
        base_url=PUBLIC_URL,
        secret=DEV_SECRET,
        now=now,
    )
    if confirm:
        from sqlalchemy import select

        from eligo.store.tables import outbox

        with store.engine.connect() as connection:
            body = connection.scalars(select(outbox.c.body).order_by(outbox.c.id.desc())).first()
        assert body is not None
        token = body.split("/alerts/confirm/")[1].split()[0]
        assert subscriptions.confirm(store, token, now) is not None


def test_with_no_confirmed_alert_the_hook_is_one_query(store: TrialStore) -> None:
    _subscribe(store, "unconfirmed@example.org", confirm=False)
    items = [object(), object()]
    with _Statements(store) as seen:
        watch = ImportWatch.start(store)
        assert list(watch.observe(iter(items))) == items
        assert watch.record_alerts() == 0
    assert seen.count == 1


def test_an_overlay_or_a_second_copy_in_one_import_sees_the_state_before_it(store: TrialStore, tmp_path: Path) -> None:
    _subscribe(store, "twice@example.org", confirm=True)
    first = study("NCT92000001", sites=(site(LEEDS),))
    second = study("NCT92000001", sites=(site(LEEDS),), updated="2026-02-01")
    import_studies(store, tmp_path, first, second)
    assert [(nct, reason) for _, nct, reason, _ in alert_rows(store)] == [("NCT92000001", "new")]


def test_cli_send_queues_the_emails(store: TrialStore, database_url: str, tmp_path: Path) -> None:
    _subscribe(store, "cli@example.org", confirm=True)
    import_studies(store, tmp_path, study("NCT92000002", sites=(site(LEEDS),)))
    runner = CliRunner()
    bad = runner.invoke(app, ["alerts", "send", "--db", database_url, "--now", "yesterday"])
    assert bad.exit_code == 2 and "--now" in bad.output
    result = runner.invoke(
        app, ["alerts", "send", "--db", database_url, "--now", datetime.now(UTC).isoformat(), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"emails": 1, "alerts": 1, "waiting": 0, "expired": 0}
    again = runner.invoke(app, ["alerts", "send", "--db", database_url])
    assert again.exit_code == 0 and again.output.startswith("queued 0 email(s)")


def test_an_alert_is_described_in_the_units_the_visitor_searched_in() -> None:
    described = {}
    for units, within in (("miles", "50"), ("km", "80"), ("", "80")):
        form = {**NEUROBLASTOMA_NEAR_LEEDS, "within": within, "within_units": units}
        query, place = search_query_from_form(form)
        described[units] = subscriptions.describe(subscriptions.search_alert(form, query, place))
    assert "within 50 miles of Leeds" in described["miles"] and " km" not in described["miles"]
    assert "within 80 km of Leeds" in described["km"]
    assert "within 80 km of Leeds" in described[""]  # a link from before the units field meant kilometres
