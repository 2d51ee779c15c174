"""Subscribe to an alert from the search page and confirm it from the captured email, in a real browser (issue 5)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import MailSite


def test_subscribe_from_search_and_confirm_from_the_email(page: Page, mail_site: MailSite) -> None:
    page.goto(f"{mail_site.url}/search?q=neuroblastoma&status=open&near=Leeds&within=300&age=7")
    page.get_by_role("link", name="Email me when a trial like this opens").click()
    expect(page.get_by_role("heading", name="Get an email when a matching trial opens")).to_be_visible()
    expect(page.get_by_text("neuroblastoma, open to new patients, within 300 km of Leeds")).to_be_visible()
    page.get_by_label("Email address").fill("browser-alerts@example.org")
    page.get_by_label("As soon as we find a trial").check()
    page.get_by_role("button", name="Email me about new trials").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    mail_site.deliver()
    page.goto(mail_site.link("browser-alerts@example.org", "/alerts/confirm/"))
    page.get_by_role("button", name="Confirm my alert").click()
    expect(page.get_by_role("heading", name="Your alert is confirmed")).to_be_visible()
    expect(page.get_by_text("as soon as we find one")).to_be_visible()
