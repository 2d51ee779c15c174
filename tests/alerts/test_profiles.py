"""Saved child profiles: save from the match results, alert when the child newly qualifies, use and delete."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from eligo.alerts.digest import send_pending
from eligo.store import TrialStore
from eligo.web.settings import DEV_SECRET
from tests.accounts.conftest import PUBLIC_URL, SmtpServer
from tests.accounts.helpers import csrf, log_in, post, sign_up_confirmed
from tests.alerts.helpers import LEEDS, alert_rows, import_studies, site, study

EMAIL = "sam.parent@example.org"
TOO_OLD = "Inclusion Criteria:\n* Age 12 years or older\n* Relapsed or refractory neuroblastoma\n"
ANY_AGE = "Inclusion Criteria:\n* Relapsed or refractory neuroblastoma\n"


def signed_in_with_child(client: TestClient, smtp: SmtpServer, deliver: Any, email: str = EMAIL) -> None:
    sign_up_confirmed(client, smtp.inbox, deliver, email)
    assert log_in(client, email).status_code == 303
    assert post(client, "/match", {"age_years": "7", "diagnosis": "neuroblastoma"}, "/match").status_code == 303


def save_profile(client: TestClient, name: str = "Sam", alert: bool = True) -> Any:
    data = {"name": name, "frequency": "immediate", **({"alert": "1"} if alert else {})}
    return post(client, "/alerts/profiles", data, "/match/results")


def test_the_match_results_offer_to_save_the_profile(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    post(app_client, "/match", {"age_years": "7"}, "/match")
    page = app_client.get("/match/results").text
    assert "Save this profile" in page and 'href="/account/login"' in page
    signed_in_with_child(app_client, smtp, deliver)
    page = app_client.get("/match/results").text
    assert 'action="/alerts/profiles"' in page and 'name="name"' in page


def test_a_profile_alert_fires_when_the_child_newly_qualifies(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any, tmp_path: Path
) -> None:
    import_studies(store, tmp_path, study("NCT91000001", min_age="12 Years", criteria=TOO_OLD, sites=(site(LEEDS),)))
    signed_in_with_child(app_client, smtp, deliver)
    assert save_profile(app_client).headers["location"] == "/account#profiles"
    account = app_client.get("/account").text
    assert "Sam" in account and "Alerts on" in account

    # A new trial the child may join, and the old one relaxing its age limit.
    import_studies(
        store,
        tmp_path,
        study("NCT91000001", min_age="1 Year", criteria=ANY_AGE, sites=(site(LEEDS),), updated="2026-05-01"),
        study("NCT91000002", criteria=ANY_AGE, sites=(site(LEEDS),)),
        study("NCT91000003", min_age="12 Years", criteria=TOO_OLD, sites=(site(LEEDS),)),  # still too old
    )
    assert sorted((nct, reason) for _, nct, reason, _ in alert_rows(store)) == [
        ("NCT91000001", "qualifies"),
        ("NCT91000002", "new"),
    ]
    assert send_pending(store, PUBLIC_URL, DEV_SECRET, datetime.now(UTC)).emails == 1
    deliver()
    message = smtp.inbox.to(EMAIL)[-1]
    body = message.get_payload(decode=True).decode("utf-8")
    assert "trials that may suit Sam" in str(make_header(decode_header(message["Subject"])))
    assert "NCT91000001: your child may now qualify" in body and "NCT91000002: new in Eligo" in body
    # Nothing about the child but the name the parent chose.
    for detail in ("age", "years", "diagnos", "7 "):
        assert detail not in body.lower()


def test_use_and_delete_a_saved_profile(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any
) -> None:
    signed_in_with_child(app_client, smtp, deliver)
    save_profile(app_client, "Alex", alert=False)
    account = app_client.get("/account").text
    assert "Alex" in account and "No alerts" in account
    profile_id = account.split('action="/alerts/profiles/')[1].split("/")[0]
    post(app_client, "/match/forget", {}, "/match")
    used = post(app_client, f"/alerts/profiles/{profile_id}/use", {}, "/account")
    assert used.status_code == 303 and used.headers["location"] == "/match/results"
    assert app_client.get("/match/results").status_code == 200
    watched = post(app_client, f"/alerts/profiles/{profile_id}/watch", {"frequency": "daily"}, "/account")
    assert watched.status_code == 303 and "Alerts on (daily summary)" in app_client.get("/account").text
    deleted = post(app_client, f"/alerts/profiles/{profile_id}/delete", {}, "/account")
    assert deleted.status_code == 303
    account = app_client.get("/account").text
    assert "Alex" not in account and "No saved profiles" in account
    assert "You have no alerts" in account


def test_profile_names_are_checked(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    signed_in_with_child(app_client, smtp, deliver)
    empty = save_profile(app_client, "   ")
    assert empty.status_code == 422 and "give the profile a name" in empty.text
    long = save_profile(app_client, "x" * 101)
    assert long.status_code == 422 and "at most 100 characters" in long.text


def test_a_saved_profile_opens_filled_in_the_editor(app_client: TestClient, smtp: SmtpServer, deliver: Any) -> None:
    """Issue #15: "Change the details" of a saved profile is the filled form, never an empty one."""
    sign_up_confirmed(app_client, smtp.inbox, deliver, EMAIL)
    assert log_in(app_client, EMAIL).status_code == 303
    child = {
        "age_years": "7",
        "performance_0_scale": "lansky",
        "performance_0_score": "70",
        "lab_0_test": "creatinine",
        "lab_0_value": "40",
        "lab_0_unit": "umol/L",
        "lab_0_uln": "60",
    }
    assert post(app_client, "/match", child, "/match").status_code == 303
    save_profile(app_client, "Alex", alert=False)
    profile_id = app_client.get("/account").text.split('action="/alerts/profiles/')[1].split("/")[0]
    post(app_client, "/match/forget", {}, "/match")
    assert 'name="performance_0_score" value=""' in app_client.get("/match").text
    post(app_client, f"/alerts/profiles/{profile_id}/use", {}, "/account")
    page = app_client.get("/match").text
    assert 'name="age_years" value="7"' in page and 'name="performance_0_score" value="70"' in page
    assert 'name="lab_0_value" value="40"' in page and 'name="lab_0_uln" value="60"' in page


def test_a_saved_profile_keeps_the_fields_eligo_does_not_read(
    app_client: TestClient, store: TrialStore, smtp: SmtpServer, deliver: Any, tmp_path: Path
) -> None:
    """Issue #15: what an uploaded file holds beyond Eligo's fields survives saving to the account and using it
    again, and the saved profile's alert still reads the rest."""
    sign_up_confirmed(app_client, smtp.inbox, deliver, EMAIL)
    assert log_in(app_client, EMAIL).status_code == 303
    child = {"age_years": 7, "diagnosis": "neuroblastoma", "hospital_number": "RX-1234", "mibg_score": {"curie": 3}}
    token = csrf(app_client, "/match")
    uploaded = app_client.post(
        "/match/upload",
        data={"csrf_token": token},
        files={"profile_file": ("child.json", json.dumps(child).encode(), "application/json")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    assert save_profile(app_client, "Sam").headers["location"] == "/account#profiles"
    profile_id = app_client.get("/account").text.split('action="/alerts/profiles/')[1].split("/")[0]
    post(app_client, "/match/forget", {}, "/match")
    post(app_client, f"/alerts/profiles/{profile_id}/use", {}, "/account")
    assert app_client.get("/match/profile.json").json() == child
    assert "hospital_number" in app_client.get("/match").text  # listed on the form as kept

    import_studies(store, tmp_path, study("NCT91000002", criteria=ANY_AGE, sites=(site(LEEDS),)))
    assert [(nct, reason) for _, nct, reason, _ in alert_rows(store)] == [("NCT91000002", "new")]
