"""Regenerates docs/screenshots/ when asked: ELIGO_SCREENSHOTS=1 pytest tests/browser/test_screenshots.py."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import MailSite
from tests.browser.take_screenshots import (
    COMPARE_COUNT,
    EDITOR_COUNT,
    EDITOR_NAMES,
    OUT,
    PUBLIC_COUNT,
    SIGNED_IN_COUNT,
    SIGNED_IN_NAMES,
    take,
    take_clinic,
    take_compare,
    take_editor,
    take_hiv,
    take_signed_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("ELIGO_SCREENSHOTS") != "1", reason="set ELIGO_SCREENSHOTS=1 to regenerate"),
]

PNG = b"\x89PNG\r\n\x1a\n"


def test_take_screenshots(browser: Browser, live_url: str, mail_site: MailSite) -> None:
    written = take(browser, live_url)
    assert len(written) == PUBLIC_COUNT
    written += take_compare(browser, live_url)
    assert len(written) == PUBLIC_COUNT + COMPARE_COUNT
    editor = take_editor(browser, live_url)
    assert {path.stem.rsplit("-", 1)[0] for path in editor} == set(EDITOR_NAMES)
    written += editor
    signed_in = take_signed_in(browser, mail_site)
    assert {path.stem.rsplit("-", 1)[0] for path in signed_in} == set(SIGNED_IN_NAMES)
    written += signed_in
    assert len(written) == PUBLIC_COUNT + COMPARE_COUNT + EDITOR_COUNT + SIGNED_IN_COUNT
    assert len(set(written)) == len(written)
    for path in written:
        assert path.parent == OUT and path.read_bytes()[:8] == PNG, path


def test_take_the_hiv_answer_screenshot(browser: Browser, live_url: str) -> None:
    path = take_hiv(browser, live_url)
    assert path.parent == OUT and path.read_bytes()[:8] == PNG, path


def test_take_the_clinic_summary_screenshots(browser: Browser, live_url: str) -> None:
    paths = take_clinic(browser, live_url)
    assert [path.name for path in paths] == ["clinic-summary-phone.png", "clinic-summary-desktop.png"]
    for path in paths:
        assert path.parent == OUT and path.read_bytes()[:8] == PNG, path
