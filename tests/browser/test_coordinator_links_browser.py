"""Coordinators linked through the admin page, and the study team's emailed link, in a real browser (issue #15).

An administrator links a nurse to the site a family wrote to, picking it from the trial's listed sites; the
nurse, signed out, opens the link in the study team's email, is asked to sign in, and comes back to that request.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from eligo.accounts import users
from tests.browser.conftest import MailSite
from tests.browser.live import PHONE

pytestmark = pytest.mark.browser

TRIAL = "NCT99000001"
LEEDS = "Leeds General Infirmary"
SITE_EMAIL = "leeds-team@site.example"
NURSE = "links-nurse@site.example"
ADMIN = "links-admin@eligo.example"
PASSWORD = "correct horse battery"
BLOCKING = {"serious", "critical"}


def _no_serious_problems(page: Page, where: str) -> None:
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, f"{where}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_admin_links_the_nurse_who_signs_in_from_the_emailed_link(
    page: Page, phone_visitor: Page, referral_site: MailSite
) -> None:
    family = page
    referral_site.sign_up_confirmed(family, "links-parent@family.example", PASSWORD)
    family.goto(f"{referral_site.url}/trials/{TRIAL}/refer")
    family.get_by_role("radio", name=LEEDS).check()
    family.get_by_label("Your name").fill("Robin Parent")
    family.get_by_role("button", name="Send my request").click()
    expect(family.get_by_role("heading", name="Your request is on its way")).to_be_visible()
    referral_site.sign_up_confirmed(family, NURSE, PASSWORD)  # the nurse's account, made in this browser
    family.goto(f"{referral_site.url}/account")
    family.get_by_role("button", name="Sign out").click()

    # The administrator, on a phone, picks the site from the trial's listed sites.
    admin = phone_visitor
    users.create_admin(referral_site.store, ADMIN, PASSWORD, datetime.now(UTC))
    admin.goto(f"{referral_site.url}/account/login")
    _sign_in(admin, ADMIN)
    admin.goto(f"{referral_site.url}/account")
    admin.get_by_role("link", name="Link coordinators to study sites").click()
    expect(admin.get_by_role("heading", name="Coordinator links", exact=True)).to_be_visible()
    admin.get_by_label("Trial (NCT number)").fill(TRIAL.lower())
    admin.get_by_role("button", name="Show its sites").click()
    admin.get_by_label("Coordinator's email address").fill(NURSE)
    picker = admin.get_by_label("Site", exact=True)
    value = picker.locator("option", has_text=LEEDS).get_attribute("value")
    assert value and re.fullmatch(r"[0-9a-f]{16}", value)
    picker.select_option(value)
    _no_serious_problems(admin, "admin page with the link form")
    admin.get_by_role("button", name="Link", exact=True).click()
    expect(admin.get_by_role("status")).to_contain_text("Linked.")
    expect(admin.locator("table.admin-links")).to_contain_text(NURSE)
    expect(admin.locator("table.admin-links")).to_contain_text(LEEDS)
    width = admin.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the admin page is {width} px wide on a phone"
    admin.get_by_role("button", name=re.compile(f"^Unlink {NURSE}")).click()
    expect(admin.get_by_role("heading", name=f"Unlink {NURSE} from {TRIAL}, {LEEDS}?")).to_be_visible()
    _no_serious_problems(admin, "admin page asking to unlink")
    admin.get_by_role("link", name="Cancel").click()
    expect(admin.locator("table.admin-links")).to_contain_text(NURSE)

    # The nurse, signed out, opens the link in the study team's email and is brought back to it.
    nurse = family
    referral_site.deliver()
    link = referral_site.link(SITE_EMAIL, "/referrals/")
    nurse.goto(link)
    expect(nurse.get_by_role("heading", name="Please sign in to see this request")).to_be_visible()
    nurse.get_by_role("link", name="Sign in", exact=True).last.click()
    _sign_in(nurse, NURSE)
    nurse.wait_for_url(link)
    expect(nurse.get_by_role("heading", name="Request from Robin Parent")).to_be_visible()
    expect(nurse.locator(".referral-facts")).to_contain_text(LEEDS)
