"""Regenerates docs/screenshots/ when asked: ELIGO_SCREENSHOTS=1 pytest tests/browser/test_screenshots.py."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser

from tests.browser.take_screenshots import OUT, take

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("ELIGO_SCREENSHOTS") != "1", reason="set ELIGO_SCREENSHOTS=1 to regenerate"),
]


def test_take_screenshots(browser: Browser, live_url: str) -> None:
    written = take(browser, live_url)
    assert len(written) == 16 and all(path.parent == OUT and path.stat().st_size > 0 for path in written)
