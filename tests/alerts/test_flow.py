"""Subscribe, confirm by email, import, send, deliver: each alert exactly once, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from eligo.accounts.mail import deliver_outbox
from eligo.alerts.digest import send_pending
from eligo.store import TrialStore
from eligo.web.settings import DEV_SECRET
from tests.accounts.conftest import PUBLIC_URL, SmtpServer
from tests.accounts.helpers import open_emailed_link
from tests.alerts.helpers import (
    ABERDEEN,
    LEEDS,
    SHEFFIELD,
    alert_rows,
    import_studies,
    outbox_count,
    site,
    study,
    subscribe,
    unsubscribe_path,
)

EMAIL = "parent@example.org"
CHECK_EMAIL = "If the address is right, an email is on its way"


def _send(store: TrialStore, now: datetime | None = None) -> int:
    return send_pending(store, PUBLIC_URL, DEV_SECRET, now or datetime.now(UTC)).emails


def _confirmed(client: TestClient, smtp: SmtpServer, deliver: Callable[[], None], email: str = EMAIL) -> None:
    response = subscribe(client, email)
    assert response.status_code == 200 and CHECK_EMAIL in response.text
    deliver()
    [message] = smtp.inbox.to(email)
    assert message["Subject"] == "Confirm your Eligo trial alert"
    confirmed = open_emailed_link(client, smtp.inbox.link(email, "/alerts/confirm/"))
    assert confirmed.status_code == 200 and "Your alert is confirmed" in confirmed.text


def test_a_new_matching_trial_is_emailed_once_with_a_working_unsubscribe_link(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Callable[[], None], tmp_path: Path
) -> None:
    _confirmed(app_client, smtp, deliver)
    new_trial = study("NCT90000001", sites=(site(LEEDS),))
    import_studies(store, tmp_path, new_trial)
    assert [(nct, reason) for _, nct, reason, _ in alert_rows(store)] == [("NCT90000001", "new")]

    assert _send(store) == 1
    deliver()
    alerts = smtp.inbox.to(EMAIL)[1:]
    assert len(alerts) == 1
    body = alerts[0].get_payload(decode=True).decode("utf-8")
    assert "A test study NCT90000001 of neuroblastoma" in body and "NCT90000001: new in Eligo" in body
    assert f"{PUBLIC_URL}/trials/NCT90000001" in body
    assert "Eligo does not decide eligibility: the study team does." in body
    assert "Leeds General Infirmary" in body
    path = unsubscribe_path(body)
    assert alerts[0]["List-Unsubscribe"] == f"<{PUBLIC_URL}{path}>"
    assert alerts[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The same import again, and another send: nothing new.
    import_studies(store, tmp_path, new_trial)
    assert len(alert_rows(store)) == 1
    assert _send(store) == 0

    # RFC 8058 one-click: a mail client posts without cookies or CSRF token.
    page = app_client.get(path)
    assert page.status_code == 200 and "Stop these emails" in page.text
    one_click = TestClient(app_client.app).post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "You are unsubscribed" in one_click.text
    assert app_client.get(path).status_code == 404

    import_studies(store, tmp_path, study("NCT90000002", sites=(site(SHEFFIELD),)))
    assert len(alert_rows(store)) == 0  # the subscription and its alerts are gone
    assert _send(store) == 0
    deliver()
    assert len(smtp.inbox.to(EMAIL)) == 2


def test_smtp_outage_loses_nothing_and_sends_once(store: TrialStore, smtp_down: SmtpServer, tmp_path: Path) -> None:
    from eligo.alerts import subscriptions
    from eligo.alerts.subscriptions import search_alert
    from eligo.web.views import search_query_from_form
    from tests.alerts.helpers import NEUROBLASTOMA_NEAR_LEEDS

    now = datetime.now(UTC)
    query, place = search_query_from_form(dict(NEUROBLASTOMA_NEAR_LEEDS))
    search = search_alert(dict(NEUROBLASTOMA_NEAR_LEEDS), query, place)
    subscriptions.subscribe(
        store,
        email=EMAIL,
        frequency="immediate",
        label=subscriptions.describe(search),
        search=search,
        user=None,
        base_url=PUBLIC_URL,
        secret=DEV_SECRET,
        now=now,
    )
    report = deliver_outbox(store, smtp_down.settings, now)
    assert report.sent == 0 and report.retrying == 1
    # The confirmation waits in the outbox; the server comes up and it goes out.
    smtp_down.start()
    assert deliver_outbox(store, smtp_down.settings, now + timedelta(hours=2)).sent == 1
    token = smtp_down.inbox.link(EMAIL, "/alerts/confirm/").rsplit("/", 1)[1]
    assert subscriptions.confirm(store, token, now) is not None
    smtp_down.stop()

    import_studies(store, tmp_path, study("NCT90000003", sites=(site(SHEFFIELD),)))
    assert _send(store, now) == 1
    down = deliver_outbox(store, smtp_down.settings, now + timedelta(hours=3))
    assert down.sent == 0 and down.retrying == 1
    assert _send(store, now + timedelta(hours=3)) == 0  # already in the outbox: not queued twice

    smtp_down.start()
    assert deliver_outbox(store, smtp_down.settings, now + timedelta(hours=5)).sent == 1
    assert deliver_outbox(store, smtp_down.settings, now + timedelta(hours=9)).sent == 0
    alerts = [m for m in smtp_down.inbox.to(EMAIL) if "NCT90000003" in m.get_payload(decode=True).decode("utf-8")]
    assert len(alerts) == 1


def test_unconfirmed_subscriptions_get_nothing(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Callable[[], None], tmp_path: Path
) -> None:
    assert subscribe(app_client, EMAIL).status_code == 200
    import_studies(store, tmp_path, study("NCT90000004", sites=(site(LEEDS),)))
    assert alert_rows(store) == []
    assert _send(store) == 0
    deliver()
    assert [m["Subject"] for m in smtp.inbox.to(EMAIL)] == ["Confirm your Eligo trial alert"]


def test_a_trial_that_opens_and_a_site_that_opens_nearby_are_alerted(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Callable[[], None], tmp_path: Path
) -> None:
    closed = study("NCT90000005", status="COMPLETED", sites=(site(LEEDS, None),))
    far = study("NCT90000006", sites=(site(ABERDEEN), site(SHEFFIELD, "NOT_YET_RECRUITING")))
    import_studies(store, tmp_path, closed, far)
    _confirmed(app_client, smtp, deliver)
    import_studies(store, tmp_path, closed)
    assert alert_rows(store) == []

    opened = study("NCT90000005", status="RECRUITING", sites=(site(LEEDS, None),), updated="2026-02-01")
    # Sheffield's site was not yet recruiting (counted open) in the first record: make it closed, then open.
    import_studies(store, tmp_path, opened)
    assert [(nct, reason) for _, nct, reason, _ in alert_rows(store)] == [("NCT90000005", "opened")]

    closed_site = study("NCT90000006", sites=(site(ABERDEEN), site(SHEFFIELD, "WITHDRAWN")), updated="2026-02-01")
    import_studies(store, tmp_path, closed_site)
    opened_site = study("NCT90000006", sites=(site(ABERDEEN), site(SHEFFIELD)), updated="2026-03-01")
    import_studies(store, tmp_path, opened_site)
    found = [(nct, reason, detail) for _, nct, reason, detail in alert_rows(store)]
    assert found[1][:2] == ("NCT90000006", "site_opened")
    assert "km from Leeds" in found[1][2] and "Sheffield" in found[1][2]

    assert _send(store) == 1
    deliver()
    body = smtp.inbox.to(EMAIL)[-1].get_payload(decode=True).decode("utf-8")
    assert "NCT90000005: newly recruiting" in body
    assert "NCT90000006: a site opened" in body


def test_a_trial_that_does_not_match_alerts_nobody(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Callable[[], None], tmp_path: Path
) -> None:
    _confirmed(app_client, smtp, deliver)
    import_studies(
        store,
        tmp_path,
        study(
            "NCT90000007",
            condition="Osteosarcoma",
            criteria="Inclusion Criteria:\n* Osteosarcoma\n",
            sites=(site(LEEDS),),
        ),
        study("NCT90000008", sites=(site(ABERDEEN),)),  # neuroblastoma, but Aberdeen is over 300 km from Leeds
        study("NCT90000009", status="COMPLETED", sites=(site(LEEDS),)),  # closed
        study("NCT90000010", min_age="12 Years", sites=(site(LEEDS),)),  # the child is 7
    )
    assert alert_rows(store) == []


def test_daily_digests_wait_a_day(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Callable[[], None], tmp_path: Path
) -> None:
    response = subscribe(app_client, EMAIL, frequency="daily")
    assert response.status_code == 200
    deliver()
    open_emailed_link(app_client, smtp.inbox.link(EMAIL, "/alerts/confirm/"))
    now = datetime.now(UTC)
    import_studies(store, tmp_path, study("NCT90000011", sites=(site(LEEDS),)))
    assert _send(store, now) == 1
    import_studies(store, tmp_path, study("NCT90000012", sites=(site(SHEFFIELD),)))
    report = send_pending(store, PUBLIC_URL, DEV_SECRET, now + timedelta(hours=23))
    assert report.emails == 0 and report.waiting == 1
    assert _send(store, now + timedelta(hours=24)) == 1
    assert outbox_count(store) == 3  # the confirmation and two digests


def test_search_and_trial_pages_offer_an_alert(app_client: TestClient, store: TrialStore, tmp_path: Path) -> None:
    import_studies(store, tmp_path, study("NCT90000013", sites=(site(LEEDS),)))
    search = app_client.get("/search", params={"q": "neuroblastoma", "near": "Leeds", "within": "100"}).text
    assert "Email me when a trial like this opens" in search
    assert 'href="/alerts/new?q=neuroblastoma&amp;status=&amp;phase=&amp;age=&amp;near=Leeds&amp;within=100"' in search
    trial = app_client.get("/trials/NCT90000013").text
    assert 'href="/alerts/new?q=Neuroblastoma&amp;status=open"' in trial
    page = app_client.get("/alerts/new", params={"q": "Neuroblastoma", "status": "open"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Neuroblastoma, open to new patients" in page.text and 'name="email"' in page.text
