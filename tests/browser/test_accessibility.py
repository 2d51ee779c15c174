"""axe-core on every page at phone and desktop width, and no sideways scrolling on a 360 px phone."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.flows import PAGES, TRIAL, answer, fill_match_form
from tests.browser.live import DESKTOP, PHONE

pytestmark = pytest.mark.browser

ALL_PAGES = [*PAGES, "match-results", "clinic-summary"]
# The trial page again once answers have ruled the child out: the red "rules out" styling must pass too.
AUDITED_PAGES = [*ALL_PAGES, "trial-answered"]
BLOCKING = {"serious", "critical"}


def visit(page: Page, live_url: str, name: str) -> None:
    if name == "match-results":
        fill_match_form(page, live_url)
        return
    if name == "clinic-summary":
        fill_match_form(page, live_url)
        page.goto(f"{live_url}/match/summary")
        return
    if name == "trial-answered":
        page.goto(f"{live_url}/trials/{TRIAL}")
        answer(page, "inc-1", "yes")
        answer(page, "exc-4", "yes")
        expect(page.locator("#verdict")).to_contain_text("Probably does not qualify")
        return
    response = page.goto(live_url + PAGES[name])
    assert response is not None
    assert response.status == (404 if name == "not-found" else 200), f"{name}: HTTP {response.status}"


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
            lines.append(f"       {node['html'][:200]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", AUDITED_PAGES)
def test_no_serious_accessibility_violations(
    browser: Browser, live_url: str, axe: Axe, name: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        visit(page, live_url, name)
        violations = axe.run(page).response["violations"]
    finally:
        context.close()
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert not blocking, f"axe found serious problems on {name} at {viewport['width']} px:\n{describe(blocking)}"


def test_no_horizontal_scroll_on_a_360px_phone(phone_page: Page, live_url: str) -> None:
    too_wide = {}
    for name in ALL_PAGES:
        visit(phone_page, live_url, name)
        # Opened disclosures must fit too.
        phone_page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            too_wide[name] = width
    assert not too_wide, f"pages wider than {PHONE['width']} px (scrollWidth): {too_wide}"


def test_the_audit_catches_a_real_problem(page: Page, live_url: str, axe: Axe) -> None:
    """Guards the harness itself: axe must run under the page's CSP and report what it finds."""
    page.goto(live_url + "/about")
    page.evaluate(
        """() => {
      const unlabelled = document.createElement("input");
      const faint = document.createElement("p");
      faint.textContent = "faint words";
      faint.style.color = "#dddddd";
      document.querySelector("main").append(unlabelled, faint);
    }"""
    )
    found = {violation["id"] for violation in axe.run(page).response["violations"]}
    assert {"label", "color-contrast"} <= found, found
