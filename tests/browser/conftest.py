"""Browser fixtures: one headless Chromium per test session and a live Eligo server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from eligo.accounts.mail import deliver_outbox
from eligo.store import TrialStore, open_store
from eligo.web.settings import WebSettings
from tests.accounts.conftest import SmtpServer, free_port
from tests.browser.live import DESKTOP, PHONE, ChromiumMissing, chromium_path, launch_chromium, load_bundled, serve
from tests.browser.live import sqlite_server as _sqlite_server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        chromium_path()
    except ChromiumMissing as error:
        pytest.fail(str(error), pytrace=False)
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Eligo on SQLite with the bundled trials, shared by the browser tests of one session."""
    with _sqlite_server(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture
def postgres_live_url(store: TrialStore) -> Iterator[str]:
    """Eligo on the test's own store: use with `database_url` parametrized to "postgresql"."""
    with serve(load_bundled(store)) as url:
        yield url


@dataclass
class MailSite:
    """A live Eligo that sends real email to an in-process SMTP server (accounts, shares, alerts, referrals)."""

    url: str
    store: TrialStore
    smtp: SmtpServer

    def deliver(self) -> None:
        """Send what waits in the outbox, as `eligo mail deliver` would."""
        report = deliver_outbox(self.store, self.smtp.settings, datetime.now(UTC))
        assert report.retrying == 0 and report.failed == 0, report

    def link(self, address: str, path: str) -> str:
        """The absolute URL of the last emailed link to `path` for `address`."""
        return self.url + self.smtp.inbox.link(address, path, base=self.url)

    def sign_up_confirmed(self, page: Page, email: str, password: str = "correct horse battery") -> None:
        """Sign up through the pages, open the confirmation email's link, and sign in."""
        page.goto(f"{self.url}/account/signup")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Create account").click()
        self.deliver()
        page.goto(self.link(email, "/account/confirm/"))
        page.get_by_role("button", name="Confirm my email address").click()
        expect(page.get_by_role("heading", name="Your email address is confirmed")).to_be_visible()
        page.goto(f"{self.url}/account/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def mail_site(tmp_path: Path) -> Iterator[MailSite]:
    """A fresh SQLite store with the bundled trials, served with SMTP settings; one per test."""
    smtp = SmtpServer(free_port())
    smtp.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = load_bundled(open_store(f"sqlite:///{tmp_path / 'eligo-mail.db'}"))
    settings = WebSettings(environment="test", public_url=url, smtp=smtp.settings)
    try:
        with serve(store, settings, port=port):
            yield MailSite(url=url, store=store, smtp=smtp)
    finally:
        store.close()
        smtp.stop()


@contextmanager
def _context(browser: Browser, **options: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh visitor (own cookies, so own session) at desktop width."""
    with _context(browser, viewport=DESKTOP) as context:
        yield context.new_page()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    with _context(browser, viewport=PHONE, is_mobile=True, has_touch=True) as context:
        yield context.new_page()


@pytest.fixture
def phone_visitor(browser: Browser) -> Iterator[Page]:
    """A second person (own cookies) on a phone-width screen, beside `page`: a coordinator, an admin."""
    with _context(browser, viewport=PHONE) as context:
        yield context.new_page()


REFERRAL_TRIALS = Path(__file__).resolve().parents[1] / "referrals" / "trials.json"


@pytest.fixture
def referral_site(mail_site: MailSite) -> MailSite:
    """The mail site with the referral tests' trials (sites with study-team emails) imported."""
    from eligo.ingest import import_paths

    summary = import_paths(mail_site.store, [REFERRAL_TRIALS])
    assert summary.failed == 0, summary.problems
    return mail_site


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    with _context(browser, viewport=DESKTOP, java_script_enabled=False) as context:
        yield context.new_page()
