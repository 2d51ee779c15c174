"""A doctor replies to a family's shared note in a real browser (issue #15): through the share link and its
passcode in a fresh browser, the family sees the reply beside the note and gets an email (real SMTP); once the
family withdraws the link the doctor cannot reply; the family's export holds the reply and deletion removes it."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from eligo.store.tables import note_replies, notes
from tests.browser.conftest import MailSite
from tests.browser.flows import TRIAL
from tests.browser.take_screenshots import select_words

pytestmark = pytest.mark.browser

FAMILY = "reply-family@example.org"
PASSWORD = "correct horse battery"
WORDS = "histologically or cytologically confirmed NBL"
NOTE = "Is the 2019 biopsy report enough for this?"
PASSCODE = "harbour-blue-42"
DOCTOR = "Dr Amara Okafor"
REPLY = "Yes: the 2019 report confirms it. Bring a copy to clinic. (reply-trace-7731)"
LATE = "A second thought after the link was withdrawn (late-trace-9904)"


def _rows(site: MailSite) -> tuple[int, int, bool]:
    """(replies kept, notes kept, whether any reply text holds the trace words)."""
    with site.store.engine.connect() as connection:
        replies = int(connection.scalar(select(func.count()).select_from(note_replies)) or 0)
        kept = int(connection.scalar(select(func.count()).select_from(notes)) or 0)
        bodies = " ".join(connection.scalars(select(note_replies.c.body)))
    return replies, kept, "trace" in bodies


def _share_a_note(page: Page, site: MailSite) -> str:
    """The family notes a criterion and shares it with a passcode; returns the link."""
    page.goto(f"{site.url}/trials/{TRIAL}")
    select_words(page, "#c-inc-1 .criterion-text", WORDS)
    page.get_by_role("button", name="Add a note").click()
    page.get_by_label("Your note").fill(NOTE)
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#c-inc-1 mark.note-mark")).to_have_text(WORDS)
    page.get_by_role("link", name="Share this note with a doctor").click()
    page.get_by_label("I will choose one").check()
    page.get_by_label(re.compile("^Your passcode")).fill(PASSCODE)
    page.get_by_role("button", name="Create the link").click()
    expect(page.get_by_role("heading", name="Your share link is ready")).to_be_visible()
    return page.locator("#share-url").input_value()


def test_a_doctor_replies_through_the_share_link_until_it_is_withdrawn(
    page: Page, browser: Browser, mail_site: MailSite
) -> None:
    site = mail_site
    site.sign_up_confirmed(page, FAMILY, PASSWORD)
    link = _share_a_note(page, site)

    doctor_context = browser.new_context()  # the doctor's own browser: no cookie of the family's
    doctor_context.set_default_timeout(10_000)
    try:
        doctor = doctor_context.new_page()
        doctor.goto(link)
        doctor.get_by_label("Passcode").fill(PASSCODE)
        doctor.get_by_role("button", name="Show the notes").click()
        expect(doctor.get_by_text(NOTE)).to_be_visible()
        doctor.get_by_label("Your name").fill(DOCTOR)
        doctor.get_by_label("Reply to the family").fill(REPLY)
        doctor.get_by_role("button", name="Send the reply").click()
        expect(doctor.get_by_role("status")).to_contain_text("Your reply is saved")
        expect(doctor.locator(".note-reply")).to_contain_text(REPLY)
        assert _rows(site)[0] == 1

        # The family sees the reply beside the note, and an email says who replied and where to read it.
        page.goto(f"{site.url}/trials/{TRIAL}")
        beside = page.locator("#c-inc-1 .passage-notes")
        expect(beside).to_contain_text(NOTE)
        beside.get_by_role("link", name=f"1 reply from {DOCTOR}").click()
        card = page.locator(".note-card", has_text=NOTE)
        expect(card.locator(".note-reply")).to_contain_text(f"Reply from {DOCTOR}")
        expect(card.locator(".note-reply")).to_contain_text(REPLY)
        assert page.evaluate("location.hash") == f"#{card.get_attribute('id')}"  # the link leads to the reply
        site.deliver()
        emails = site.smtp.inbox.to(FAMILY)
        subjects = [" ".join(str(message["Subject"]).split()) for message in emails]
        assert f"{DOCTOR} replied to your note about {TRIAL}" in subjects
        payload = emails[subjects.index(f"{DOCTOR} replied to your note about {TRIAL}")].get_payload(decode=True)
        assert isinstance(payload, bytes)
        assert f"{site.url}/trials/{TRIAL}#note-" in payload.decode("utf-8")

        # The family withdraws the link: the doctor's open page takes no more replies, and shows none.
        page.goto(f"{site.url}/account")
        page.get_by_role("button", name=re.compile("^Withdraw")).click()
        expect(page.locator("table.shares")).to_contain_text("Withdrawn")
        doctor.get_by_label("Your name").fill(DOCTOR)
        doctor.get_by_label("Reply to the family").fill(LATE)
        doctor.get_by_role("button", name="Send the reply").click()
        expect(doctor.get_by_role("heading", name="Link withdrawn")).to_be_visible()
        expect(doctor.get_by_text(REPLY)).to_have_count(0)
        doctor.goto(link)
        expect(doctor.get_by_role("heading", name="Link withdrawn")).to_be_visible()
        assert _rows(site)[0] == 1
    finally:
        doctor_context.close()

    # The family's export holds the reply; deleting the account removes it with the note.
    exported = page.request.get(f"{site.url}/account/export.json")
    assert exported.ok and exported.headers["cache-control"] == "no-store"
    text = json.dumps(exported.json(), ensure_ascii=False)
    assert REPLY in text and DOCTOR in text and LATE not in text
    page.goto(f"{site.url}/account")
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert _rows(site) == (0, 0, False)
