"""What the app logs while people use it holds no email address, note, child's detail, passcode or token."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

from eligo.web.sessions import COOKIE
from tests.accounts.helpers import csrf, open_emailed_link, post
from tests.alerts.helpers import subscribe
from tests.notes.helpers import add_note, make_share, share_link
from tests.referrals.conftest import LEEDS, TRIAL, Site, refer, sent_id
from tests.security.conftest import QUOTE

# Loggers of the test's own machinery (its HTTP client, its SMTP server), not of Eligo.
HARNESS = ("httpx", "httpcore", "mail.log")
# Words from the child's profile and answers that no log line may carry.
HEALTH = ("ganglioneuroblastoma", "amplification", "0.73", "123456")


def _flows(site: Site) -> list[str]:
    """Use every feature as a family would; the secrets that passed through the app."""
    email = "erin.parent@family.example"
    client = site.family(email)
    assert add_note(client, QUOTE, "Erin-note: ask about the MIBG scan", trial=TRIAL).status_code == 303
    share_path, passcode = share_link(make_share(client, trial=TRIAL))
    profile = {
        "age_years": "7",
        "diagnosis": "ganglioneuroblastoma",
        "alk": "amplification",
        "lab_anc": "0.73",
        "labs_date": "2026-01-02",
    }
    assert post(client, "/match", profile, "/match").status_code == 303
    assert client.get("/match/results").status_code == 200
    saved = post(client, "/alerts/profiles", {"name": "ErinKid", "frequency": "daily", "alert": "1"}, "/match/results")
    assert saved.status_code == 303
    assert subscribe(client, email).status_code == 200
    with TestClient(site.app) as visitor:  # signed out: confirmed from the email
        assert subscribe(visitor, "frank.visitor@family.example").status_code == 200
        site.deliver()
        link = site.smtp.inbox.link("frank.visitor@family.example", "/alerts/confirm/")
        assert open_emailed_link(visitor, link).status_code == 200
    page = client.get(f"/trials/{TRIAL}").text
    question = re.search(r'name="(a:[^"]+)" value="no"', page)
    assert question
    data = {"csrf_token": csrf(client, f"/trials/{TRIAL}"), question.group(1): "no"}
    assert client.post(f"/trials/{TRIAL}/answers", data=data, follow_redirects=False).status_code == 303
    message = "Erin-message: she relapsed in March, phone 123456"
    referral = refer(client, LEEDS, include_answers="yes", contact_email=email, message=message, phone="123456")
    sent_id(referral)
    with TestClient(site.app) as doctor:
        assert post(doctor, share_path, {"passcode": "wrong-passcode-1"}, share_path).status_code == 401
        assert post(doctor, share_path, {"passcode": passcode}, share_path).status_code == 303
    site.deliver()
    cookie = client.cookies.get(COOKIE) or ""
    return [email, "Erin-note", "ErinKid", "Erin-message", passcode, share_path.rsplit("/", 1)[1], cookie]


def test_nothing_private_is_logged(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = _flows(site)
    lines = [
        f"{record.name}: {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith(HARNESS)
    ]
    assert lines, "nothing was logged: is the capture working?"
    for secret in (*secrets, *HEALTH):
        assert not [line for line in lines if secret in line], secret
    assert not [line for line in lines if re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", line)]


def test_an_unexpected_error_logs_the_route_not_the_path_or_the_message(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(token: str) -> None:
        raise RuntimeError(f"failed for someone@family.example with {token}")

    site.app.router.add_api_route("/broken/{token}", fail)
    caplog.set_level(logging.DEBUG)
    with TestClient(site.app, raise_server_exceptions=False) as client:
        response = client.get("/broken/Secret-Token-123")
    assert response.status_code == 500 and "Secret-Token-123" not in response.text
    logged = [record.getMessage() for record in caplog.records if record.name.startswith("eligo")]
    assert "unhandled RuntimeError on GET /broken/{token}" in logged
    assert not [line for line in logged if "Secret-Token-123" in line or "@" in line]
