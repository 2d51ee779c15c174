"""Full-page screenshots of every Eligo page at phone and desktop width, into docs/screenshots/.

Run by hand from the repository root: `.venv/bin/python -m tests.browser.take_screenshots`
(or `ELIGO_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py`).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.browser.flows import PAGES, TRIAL, answer, fill_match_form
from tests.browser.live import launch_chromium, sqlite_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def take(browser: Browser, base_url: str, out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(base_url + path)
            if name == "trial":
                # Show the pre-screener part-answered, as a parent would leave it.
                for criterion, value in (("inc-1", "yes"), ("inc-4", "yes"), ("inc-7", "not_sure"), ("exc-4", "no")):
                    answer(page, criterion, value)
                page.get_by_role("button", name="Save my answers").click()
                page.wait_for_url(f"**/trials/{TRIAL}*")
            target = out / f"{name}-{kind}.png"
            page.screenshot(path=target, full_page=True)
            written.append(target)
        fill_match_form(page, base_url)
        target = out / f"match-results-{kind}.png"
        page.screenshot(path=target, full_page=True)
        written.append(target)
        context.close()
    return written


def main() -> int:
    with tempfile.TemporaryDirectory() as directory, sqlite_server(Path(directory)) as base_url, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for path in take(browser, base_url):
                print(path)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
