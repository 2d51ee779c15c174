"""Alerts and saved profiles: 404 for other people's, CSRF, inert XSS, length limits, no enumeration, throttling."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from eligo.store import TrialStore
from eligo.store.tables import alert_matches, alert_subscriptions, child_profiles, outbox
from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import PASSWORD, csrf, log_in, open_emailed_link, post, sign_up_confirmed
from tests.alerts.helpers import outbox_count, subscribe, subscription_count
from tests.alerts.test_profiles import save_profile, signed_in_with_child

XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
CHECK_EMAIL = "If the address is right, an email is on its way"


def _ids(client: TestClient) -> tuple[str, str]:
    page = client.get("/account").text
    subscription = re.search(r'action="/alerts/(\d+)/cancel"', page)
    profile = re.search(r'action="/alerts/profiles/(\d+)/', page)
    assert subscription and profile
    return subscription.group(1), profile.group(1)


def test_other_peoples_alerts_and_profiles_are_404(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    signed_in_with_child(app_client, smtp, deliver, "owner@example.org")
    save_profile(app_client, "Sam")
    subscription_id, profile_id = _ids(app_client)
    owner_csrf = csrf(app_client, "/account")
    paths = [
        f"/alerts/{subscription_id}/cancel",
        f"/alerts/profiles/{profile_id}/use",
        f"/alerts/profiles/{profile_id}/watch",
        f"/alerts/profiles/{profile_id}/delete",
        "/alerts/999999/cancel",
        "/alerts/abc/cancel",
        "/alerts/profiles/1e3/delete",
    ]
    with TestClient(app_client.app) as other:
        sign_up_confirmed(other, smtp.inbox, deliver, "other@example.org")
        assert log_in(other, "other@example.org").status_code == 303
        for path in paths:
            assert post(other, path, {}, "/account").status_code == 404, path
    with TestClient(app_client.app) as nobody:
        for path in paths:
            assert post(nobody, path, {}).status_code == 404, path
    assert subscription_count(store) == 1
    assert "Sam" in app_client.get("/account").text
    assert app_client.post(f"/alerts/{subscription_id}/cancel", data={"csrf_token": owner_csrf}).status_code == 200


def test_every_alert_post_needs_the_csrf_token(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    signed_in_with_child(app_client, smtp, deliver)
    save_profile(app_client, "Sam")
    subscription_id, profile_id = _ids(app_client)
    for path in (
        "/alerts/subscribe",
        "/alerts/profiles",
        f"/alerts/{subscription_id}/cancel",
        f"/alerts/profiles/{profile_id}/use",
        f"/alerts/profiles/{profile_id}/watch",
        f"/alerts/profiles/{profile_id}/delete",
        "/alerts/unsubscribe/some-token",
        "/alerts/confirm/some-token",
    ):
        response = app_client.post(path, data={"email": "a@example.org", "name": "x"}, follow_redirects=False)
        assert response.status_code == 403, path
    assert "Sam" in app_client.get("/account").text


def test_xss_in_searches_and_profile_names_is_inert(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    for payload in XSS:
        page = app_client.get("/alerts/new", params={"q": payload})
        assert page.status_code == 200 and payload not in page.text
    signed_in_with_child(app_client, smtp, deliver)
    for payload in XSS:
        fields = {"q": payload, "status": "open", "phase": "", "age": "", "near": "", "within": ""}
        assert subscribe(app_client, "sam.parent@example.org", fields).status_code == 200
        assert save_profile(app_client, payload).status_code == 303
    account = app_client.get("/account").text
    for payload in XSS:
        assert payload not in account
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in account
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in account or "&quot;&gt;&lt;img" in account


def test_bad_input_gets_a_clear_message(app_client: TestClient) -> None:
    long_search = {"q": "n" * 201, "status": "", "phase": "", "age": "", "near": "", "within": ""}
    response = subscribe(app_client, "a@example.org", long_search)
    assert response.status_code == 422 and "too long (q)" in response.text
    bad_place = {"q": "neuroblastoma", "status": "", "phase": "", "age": "", "near": "Nowhereville Zzz", "within": ""}
    response = subscribe(app_client, "a@example.org", bad_place)
    assert response.status_code == 422 and "Near:" in response.text
    response = subscribe(app_client, "not an address")
    assert response.status_code == 422 and "Enter an email address like name@example.org." in response.text
    response = subscribe(app_client, "a@example.org", frequency="hourly")
    assert response.status_code == 422 and "how often" in response.text
    assert open_emailed_link(app_client, "/alerts/confirm/" + "x" * 300).status_code == 400
    assert app_client.get("/alerts/unsubscribe/nope").status_code == 404


def test_the_answer_does_not_tell_whether_an_address_is_known(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    sign_up_confirmed(app_client, smtp.inbox, deliver, "known@example.org")
    first = subscribe(app_client, "known@example.org")
    deliver()
    open_emailed_link(app_client, smtp.inbox.link("known@example.org", "/alerts/confirm/"))
    again = subscribe(app_client, "known@example.org")
    fresh = subscribe(app_client, "fresh@example.org")
    for response in (first, again, fresh):
        assert response.status_code == 200 and CHECK_EMAIL in response.text
    assert again.text.replace("known", "") == fresh.text.replace("fresh", "")
    deliver()
    assert smtp.inbox.to("known@example.org")[-1]["Subject"] == "Your Eligo trial alert"  # "already on"


def test_subscribing_is_throttled(app_client: TestClient, store: TrialStore) -> None:
    for _ in range(6):
        assert subscribe(app_client, "target@example.org").status_code == 200
    with store.engine.connect() as connection:
        sent = connection.execute(select(outbox.c.id).where(outbox.c.recipient == "target@example.org")).all()
    assert len(sent) == 5  # the sixth is answered the same but mails nothing
    codes = [subscribe(app_client, f"person{n}@example.org").status_code for n in range(16)]
    assert codes[-1] == 429 and codes.count(429) == 2
    assert "Too many requests" in subscribe(app_client, "late@example.org").text


def test_export_includes_and_deletion_removes_alerts_and_profiles(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    email = "leaving.parent@example.org"
    with TestClient(app_client.app) as visitor:  # signed out, same address: one confirmed, one not
        subscribe(visitor, email)
        deliver()
        open_emailed_link(visitor, smtp.inbox.link(email, "/alerts/confirm/"))
        subscribe(visitor, email, {"q": "osteosarcoma", "status": "", "phase": "", "age": "", "near": "", "within": ""})
    with store.engine.begin() as connection:
        connection.execute(
            alert_matches.insert().values(subscription_id=1, nct_id="NCT1", reason="new", created_at="x")
        )
    signed_in_with_child(app_client, smtp, deliver, email)
    save_profile(app_client, "Robin")
    assert "within 300 km of Leeds" in app_client.get("/account").text  # the confirmed one joined the account

    data = json.loads(app_client.get("/account/export.json").text)
    labels = sorted(row["label"] for row in data["alert_subscriptions"])
    assert labels == ["neuroblastoma, open to new patients, within 300 km of Leeds, United Kingdom, age 7",
                      "trials that may suit Robin"]  # fmt: skip
    assert [row["name"] for row in data["child_profiles"]] == ["Robin"]
    assert [row["nct_id"] for row in data["alert_matches"]] == ["NCT1"]
    assert "unsubscribe_token_hash" not in json.dumps(data) and "List-Unsubscribe" not in json.dumps(data)

    assert post(app_client, "/account/delete", {"password": PASSWORD}, "/account").status_code == 200
    with store.engine.connect() as connection:
        for table in (alert_subscriptions, alert_matches, child_profiles):
            assert connection.execute(select(table)).all() == [], table.name
    assert outbox_count(store) == 0
