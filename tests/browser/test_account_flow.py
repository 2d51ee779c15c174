"""Sign up, confirm from the captured email and sign in, in a real browser (issue 5)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import MailSite


def test_sign_up_confirm_and_sign_in(page: Page, mail_site: MailSite) -> None:
    mail_site.sign_up_confirmed(page, "browser-family@example.org")
    page.goto(f"{mail_site.url}/account")
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    expect(page.get_by_text("browser-family@example.org")).to_be_visible()
