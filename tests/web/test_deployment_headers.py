"""What a deployed site sends: HSTS in production over HTTPS, and an API page that calls no other site (issue #11)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from eligo.accounts.mail import SmtpSettings
from eligo.store import TrialStore
from eligo.web.app import create_app
from eligo.web.security import CONTENT_SECURITY_POLICY
from eligo.web.settings import WebSettings

PRODUCTION = WebSettings(
    environment="production",
    secret_key="k" * 48,
    https=True,
    public_url="https://eligo.example.org",
    smtp=SmtpSettings(host="localhost", starttls=False, sender="Eligo <eligo@eligo.example.org>"),
)


def test_production_over_https_sends_strict_transport_security(loaded_store: TrialStore) -> None:
    with TestClient(create_app(PRODUCTION, store=loaded_store), base_url="https://testserver") as client:
        for path in ("/", "/api/search?q=neuroblastoma", "/static/eligo.css", "/no-such-page"):
            assert client.get(path).headers["strict-transport-security"] == "max-age=31536000", path


def test_development_sends_no_strict_transport_security(client: TestClient) -> None:
    # A developer's http://127.0.0.1 must not be pinned to HTTPS by their browser.
    assert "strict-transport-security" not in client.get("/").headers


def test_api_docs_load_swagger_ui_from_this_site_only(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources), sources
    assert "<script>" not in page.text  # the CSP allows no inline script
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and asset.content, source
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Eligo"
