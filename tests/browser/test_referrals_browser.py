"""A family sends a referral from a trial page and a coordinator moves it along, in a real browser (issue 5).

Also axe-core on the referral form, the dashboard and the detail page, and the 360 px phone width.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from eligo.accounts import users
from tests.browser.conftest import MailSite
from tests.browser.live import PHONE

pytestmark = pytest.mark.browser

TRIAL = "NCT99000001"
LEEDS = "Leeds General Infirmary"
BLOCKING = {"serious", "critical"}


def _no_serious_problems(page: Page, axe: Axe, where: str) -> None:
    violations = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_family_refers_and_coordinator_updates(page: Page, phone_visitor: Page, referral_site: MailSite) -> None:
    axe = Axe()
    referral_site.sign_up_confirmed(page, "browser-parent@family.example")
    page.goto(f"{referral_site.url}/trials/{TRIAL}")
    expect(page.get_by_role("heading", name="Connect with a study center")).to_be_visible()
    page.get_by_role("link", name="Contact a study team").click()
    expect(page.get_by_role("heading", name="Contact a study team")).to_be_visible()
    _no_serious_problems(page, axe, "referral form")
    page.get_by_role("radio", name=LEEDS).check()
    page.get_by_label("Your name").fill("Browser Parent")
    page.get_by_label("Your message (optional)").fill("Please call after 5pm.")
    page.get_by_label("Include my pre-screener answers and Eligo's summary").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Your request is on its way")).to_be_visible()

    coordinator = phone_visitor
    referral_site.sign_up_confirmed(coordinator, "browser-coord@site.example")
    users.link_coordinator(referral_site.store, "browser-coord@site.example", TRIAL, LEEDS)
    coordinator.goto(f"{referral_site.url}/")
    coordinator.get_by_role("link", name="Referrals", exact=True).click()
    expect(coordinator.get_by_role("heading", name="Referrals", exact=True)).to_be_visible()
    _no_serious_problems(coordinator, axe, "dashboard")
    width = coordinator.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the dashboard is {width} px wide on a phone"
    coordinator.get_by_role("link", name="Browser Parent").click()
    expect(coordinator.get_by_text("Please call after 5pm.")).to_be_visible()
    _no_serious_problems(coordinator, axe, "referral detail")
    coordinator.get_by_role("radio", name="Contacted").check()
    coordinator.get_by_role("button", name="Save the status").click()
    expect(coordinator.get_by_role("status")).to_contain_text("The family will get an email")

    page.goto(f"{referral_site.url}/account")
    expect(page.locator(".referral-list")).to_contain_text("Contacted")
    referral_site.deliver()
    family_mail = referral_site.smtp.inbox.to("browser-parent@family.example")
    subjects = [" ".join(str(m["Subject"]).split()) for m in family_mail]
    assert f"The study team at {LEEDS} updated your request: contacted" in subjects
    assert referral_site.smtp.inbox.to("leeds-team@site.example")
