"""Notes and share links in a real browser (issue 5): select words of a criterion, add a note, see it
after a reload; share it with a passcode and open the link in a fresh browser as the doctor would."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import MailSite
from tests.browser.flows import TRIAL

pytestmark = pytest.mark.browser

WORDS = "histologically or cytologically confirmed NBL"
NOTE = "Ask Dr Patel whether the 2019 biopsy report is enough."
BLOCKING = {"serious", "critical"}


def select_words(page: Page, selector: str, words: str) -> None:
    """Select `words` inside the element, as a mouse drag would, and let the page hear the mouse go up."""
    page.evaluate(
        """([selector, words]) => {
            const element = document.querySelector(selector);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at === -1) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                const box = range.getBoundingClientRect();
                const where = {bubbles: true, clientX: box.right, clientY: box.bottom};
                document.dispatchEvent(new MouseEvent("mouseup", where));
                return;
            }
            throw new Error("words not found: " + words);
        }""",
        [selector, words],
    )


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    serious = [item for item in results.response["violations"] if item["impact"] in BLOCKING]
    assert not serious, [(item["id"], [node["target"] for node in item["nodes"]]) for item in serious]


def test_select_text_add_a_note_and_share_it(page: Page, browser: Browser, mail_site: MailSite) -> None:
    mail_site.sign_up_confirmed(page, "notes-family@example.org")
    page.goto(f"{mail_site.url}/trials/{TRIAL}")

    add = page.get_by_role("button", name="Add a note")
    expect(add).to_be_hidden()
    select_words(page, "#c-inc-1 .criterion-text", WORDS)
    expect(add).to_be_visible()
    add.click()
    expect(page.get_by_label("Text you are commenting on")).to_have_value(WORDS)
    body = page.get_by_label("Your note")
    expect(body).to_be_focused()
    body.fill(NOTE)
    page.get_by_role("button", name="Save note").click()
    # Saving posts and lands back on the trial page at the note: reload only once that page is there,
    # or the reload races the navigation ("Not attached to an active page").
    page.wait_for_url(re.compile(r"/trials/[^/]+#note-\d+$"))
    expect(page.locator("#c-inc-1 mark.note-mark")).to_have_text(WORDS)

    page.reload()
    mark = page.locator("#c-inc-1 mark.note-mark")
    expect(mark).to_have_text(WORDS)
    expect(page.locator("#c-inc-1 .passage-notes")).to_contain_text(NOTE)
    assert_accessible(page)

    page.get_by_role("link", name="Share this note with a doctor").click()
    page.get_by_label("I will choose one").check()
    page.get_by_label(re.compile("^Your passcode")).fill("harbour-blue-42")
    page.get_by_role("button", name="Create the link").click()
    expect(page.get_by_role("heading", name="Your share link is ready")).to_be_visible()
    expect(page.locator("#passcode")).to_have_text("harbour-blue-42")
    link = page.locator("#share-url").input_value()
    assert link.startswith(f"{mail_site.url}/shared/")

    doctor = browser.new_context()
    try:
        visit = doctor.new_page()
        visit.goto(link)
        expect(visit.get_by_text(NOTE)).to_have_count(0)
        visit.get_by_label("Passcode").fill("harbour-blue-41")
        visit.get_by_role("button", name="Show the notes").click()
        expect(visit.get_by_role("alert")).to_contain_text("That passcode is not right")
        expect(visit.get_by_text(NOTE)).to_have_count(0)
        visit.get_by_label("Passcode").fill("harbour-blue-42")
        visit.get_by_role("button", name="Show the notes").click()
        expect(visit.get_by_text(NOTE)).to_be_visible()
        expect(visit.locator("blockquote.note-quote")).to_contain_text(WORDS)
        expect(visit.get_by_text("Eligo does not decide eligibility: the study team does.").first).to_be_visible()
        assert_accessible(visit)
    finally:
        doctor.close()

    page.goto(f"{mail_site.url}/account")
    expect(page.locator("table.shares")).to_contain_text("Active")
    page.get_by_role("button", name=re.compile("^Withdraw")).click()
    expect(page.locator("table.shares")).to_contain_text("Withdrawn")
