"""Browser fixtures: one headless Chromium per test session and a live Eligo server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from eligo.store import TrialStore
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
def no_js_page(browser: Browser) -> Iterator[Page]:
    with _context(browser, viewport=DESKTOP, java_script_enabled=False) as context:
        yield context.new_page()
