"""The clinic summary printed to PDF by Chromium holds everything a clinic needs (issue #15): the text of
every open question and the criterion text of every reason that might rule the child out, one trial
to a page."""

from __future__ import annotations

import json
import re
import unicodedata
from io import BytesIO

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from tests.support.clinic import clinic_child

pytestmark = pytest.mark.browser


def upload_profile(page: Page, base_url: str) -> None:
    """Upload the clinic child's profile as the match page's upload form does, in the page's own session."""
    page.goto(f"{base_url}/match")
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    assert token
    child = json.dumps(clinic_child()).encode()
    response = page.request.post(
        f"{base_url}/match/upload",
        multipart={
            "csrf_token": token,
            "profile_file": {"name": "child.json", "mimeType": "application/json", "buffer": child},
        },
    )
    assert response.ok, response.status


def _squeezed(text: str) -> str:
    """Text with every white space removed (a PDF breaks lines wherever the page is full) and
    ligatures unfolded (Chromium prints "effects" with an "ff" ligature)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_printed_summary_holds_every_question_and_every_reason(page: Page, live_url: str) -> None:
    upload_profile(page, live_url)
    rows = page.request.get(f"{live_url}/match/results.json?closed=1").json()["results"]
    page.goto(f"{live_url}/match/summary?closed=1")
    page.emulate_media(media="print")
    reader = PdfReader(BytesIO(page.pdf(format="A4", print_background=True)))
    printed = _squeezed(" ".join(sheet.extract_text() for sheet in reader.pages))

    reasons = [line["text"] for row in rows for line in row["might_rule_out"]]
    questions = [question["question"] for row in rows for question in row["open_questions"]]
    assert reasons and len(questions) > 8
    missing = [text for text in reasons + questions if _squeezed(text) not in printed]
    assert not missing, missing[:5]
    # The child's details and the date they were evaluated on head the summary; each trial starts a page.
    assert _squeezed("The child's details these results come from") in printed
    assert "Evaluatedon" in printed
    assert len(reader.pages) >= len(rows) + 1
    for row in rows:
        assert _squeezed(row["nct_id"]) in printed
