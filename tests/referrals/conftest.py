"""Referral fixtures: the account fixtures (real SMTP, both databases) plus test trials whose sites have emails.

The bundled trials list no site email, so trials.json holds two made-up trials: NCT99000001 with a site that
has its own address, one that falls back to the trial's central contact, and a closed one; NCT99000002 whose
sites can only be phoned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from eligo.accounts import users
from eligo.ingest import import_paths
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.settings import WebSettings
from tests.accounts.conftest import *  # noqa: F403
from tests.accounts.conftest import SmtpServer
from tests.accounts.helpers import log_in, sign_up_confirmed

TRIALS = Path(__file__).with_name("trials.json")
TRIAL = "NCT99000001"
PHONE_ONLY_TRIAL = "NCT99000002"
LEEDS = "Leeds General Infirmary"
LEEDS_EMAIL = "leeds-team@site.example"
GOSH = "Great Ormond Street Hospital"
CENTRAL_EMAIL = "central@trial.example"
MANCHESTER = "Royal Manchester Children's Hospital"


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def site_key_of(html: str, facility: str) -> str:
    """The value of the radio button for `facility` on the referral form."""
    for match in re.finditer(
        r'<input type="radio" name="site" value="([0-9a-f]+)"[^>]*>\s*<span><strong>([^<]+)', html
    ):
        if match.group(2).replace("&#39;", "'") == facility:
            return match.group(1)
    raise AssertionError(f"{facility} is not a choice on the referral form")


@dataclass
class Site:
    """A live Eligo with the test trials, several browsers' worth of clients, and the site's mail server."""

    app: FastAPI
    store: TrialStore
    smtp: SmtpServer
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=True)
        client.__enter__()
        self.clients.append(client)
        return client

    def deliver(self) -> None:
        from eligo.accounts.mail import deliver_outbox

        report = deliver_outbox(self.store, self.smtp.settings, datetime.now(UTC))
        assert report.retrying == 0 and report.failed == 0, report

    def family(self, email: str) -> TestClient:
        """A browser signed in as a new, confirmed family account."""
        client = self.client()
        sign_up_confirmed(client, self.smtp.inbox, self.deliver, email)
        assert log_in(client, email).status_code == 303
        return client

    def coordinator(self, email: str, nct_id: str = TRIAL, facility: str = LEEDS) -> TestClient:
        """A browser signed in as a coordinator linked (as `eligo users link-coordinator` does) to one site."""
        client = self.family(email)
        users.link_coordinator(self.store, email, nct_id, facility)
        return client

    def body(self, address: str, index: int = -1) -> str:
        messages = self.smtp.inbox.to(address)
        assert messages, f"no email reached {address}"
        payload = messages[index].get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode("utf-8")

    def subjects(self, address: str) -> list[str]:
        # Long subjects arrive folded over lines.
        return [" ".join(str(message["Subject"]).split()) for message in self.smtp.inbox.to(address)]


@pytest.fixture
def site(store: TrialStore, smtp: SmtpServer) -> Iterator[Site]:
    summary = import_paths(store, [TRIALS])
    assert summary.failed == 0, summary.problems
    settings = WebSettings(environment="test", public_url="http://eligo.test", smtp=smtp.settings)
    live = Site(app=create_app(settings, store=store), store=store, smtp=smtp)
    yield live
    for client in live.clients:
        client.__exit__(None, None, None)


def refer(client: TestClient, facility: str = LEEDS, nct_id: str = TRIAL, csrf: bool = True, **fields: str) -> Response:
    """Fill in and send the referral form as a browser does."""
    page = client.get(f"/trials/{nct_id}/refer")
    assert page.status_code == 200, page.text
    data = {
        "site": site_key_of(page.text, facility),
        "name": "Sam Parent",
        "contact_email": "sam.contact@family.example",
        "phone": "+44 7700 900123",
        "preferred_contact": "email",
        "message": "My son is 7 and relapsed in March. We live in Leeds.",
        **fields,
    }
    if csrf:
        data["csrf_token"] = token_of(page.text)
    response: Response = client.post(f"/trials/{nct_id}/refer", data=data, follow_redirects=False)
    return response


def sent_id(response: Response) -> int:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/referrals/(\d+)/sent", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))
