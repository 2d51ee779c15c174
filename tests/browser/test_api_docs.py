"""/api/docs works in a real browser under the site's Content-Security-Policy, from Eligo's own copy of
Swagger UI: no request leaves the site, nothing is blocked (issue #11, item 15)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser


def test_api_docs_render_with_no_request_to_another_site(browser: Browser, live_url: str) -> None:
    page = browser.new_page()
    elsewhere: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_url) else elsewhere.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Eligo")
    expect(page.locator(".opblock-summary-path", has_text="/api/match")).to_be_visible()
    page.close()
    assert elsewhere == []
    assert not [text for text in problems if "Content Security Policy" in text or "Refused" in text], problems
