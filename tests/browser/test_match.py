"""The "Find trials for my child" form, filled in a real browser, and the ranked results it leads to."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import fill_match_form

pytestmark = pytest.mark.browser

# The verdict words say how much is known (issue #13): counts of open questions, a date, or none.
VERDICT_WORDS = re.compile(
    r"^(Likely to qualify|Might qualify — .+|May qualify.*|Probably does not qualify|No criteria to check)$"
)


def test_match_form_lists_trials_with_verdicts_and_reasons(page: Page, live_url: str) -> None:
    fill_match_form(page, live_url)

    expect(page.locator("h1")).to_have_text("Trials for your child")
    expect(page.locator("main")).to_contain_text("Eligo does not decide eligibility: the study team does.")
    cards = page.locator("ol.matches > li.card")
    assert cards.count() >= 3
    for index in range(cards.count()):
        card = cards.nth(index)
        expect(card.locator("h2 a")).to_have_attribute("href", re.compile(r"^/trials/\S+$"))
        assert VERDICT_WORDS.match(card.locator(".verdict").inner_text())
        # Every match says why: what was checked, or that nothing could be.
        expect(card).to_contain_text(re.compile("still open|nothing was checked"))

    # Naxitamab (NCT03363373) has a site in Leeds, where this family lives.
    naxitamab = cards.filter(has_text="NCT03363373")
    expect(naxitamab).to_contain_text("0 miles away")  # a UK family sees miles (issue #16)
    expect(naxitamab.locator("summary", has_text="still open")).to_be_visible()
    expect(naxitamab).to_contain_text(re.compile(r"Checked so far: \d+ met"))
    expect(page.locator("body")).not_to_contain_text("1 criteria")
    expect(page.locator("body")).not_to_contain_text("1 questions")

    # The answers are kept for the session: the form shows them again.
    page.get_by_role("link", name="Change the details").click()
    expect(page.get_by_label("Age in years")).to_have_value("7")
    expect(page.get_by_label("Where you live (town, UK postcode or US ZIP)")).to_have_value("Leeds")
