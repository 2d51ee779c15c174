"""The main flow in a real browser: search, open a trial, answer its questions, keep and clear the answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.browser.flows import TRIAL, answer

pytestmark = pytest.mark.browser

RULES_OUT = "Probably does not qualify"
# Before anything is known a trial says only how many questions it asks; once answered, how many remain (issue #13).
NOT_CHECKED = re.compile(r"Not checked yet: \d+ questions")
QUESTIONS_REMAIN = re.compile(r"Might qualify — \d+ questions? still open")


def radio(page: Page, criterion: str, value: str) -> Locator:
    return page.locator(f'form.prescreener input[name="a:{criterion}"][value="{value}"]')


def _saves(response: Response, criterion: str, value: str) -> bool:
    """The pre-screener's save request whose answers give `criterion` this `value`."""
    if not response.url.endswith("/answers") or response.request.method != "PUT":
        return False
    body = response.request.post_data_json or {}
    return bool(response.ok and body.get("answers", {}).get(criterion) == value)


def open_trial_from_search(page: Page, live_url: str) -> None:
    page.goto(live_url + "/")
    page.get_by_role("searchbox", name="Search trials").fill("neuroblastoma")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?q=neuroblastoma*")
    expect(page.get_by_role("status")).to_contain_text("trials found")
    page.locator(f'a[href="/trials/{TRIAL}"]').first.click()
    page.wait_for_url(f"**/trials/{TRIAL}")
    expect(page.locator("h1")).to_contain_text("Magrolimab and Dinutuximab")


def check_answers_update_verdict_and_persist(page: Page, live_url: str) -> None:
    open_trial_from_search(page, live_url)
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text(NOT_CHECKED)
    before = verdict.inner_text()

    answer(page, "inc-1", "yes")
    answer(page, "inc-4", "yes")
    expect(verdict).not_to_have_text(before)  # painted by eligo.js from PUT /api/trials/{id}/answers
    expect(page.locator('[data-outcome="inc-1"]')).to_contain_text("You answered")

    answer(page, "exc-4", "yes")  # "Is your child pregnant?" — an exclusion criterion
    expect(verdict).to_contain_text(RULES_OUT)
    expect(page.locator('[data-outcome="exc-4"]')).to_contain_text("Yes — rules out")
    answer(page, "exc-4", "no")
    expect(verdict).to_contain_text(QUESTIONS_REMAIN)
    expect(verdict).to_contain_text("still open")

    page.reload()
    for criterion, value in (("inc-1", "yes"), ("inc-4", "yes"), ("exc-4", "no")):
        expect(radio(page, criterion, value)).to_be_checked()
    expect(verdict).to_contain_text(QUESTIONS_REMAIN)

    page.get_by_role("button", name="Clear my responses").click()
    page.wait_for_url(f"**/trials/{TRIAL}*")
    expect(page.locator("form.prescreener input[type=radio]:checked")).to_have_count(0)
    expect(verdict).to_have_text(before)


def test_answers_update_the_verdict_and_survive_a_reload(page: Page, live_url: str) -> None:
    check_answers_update_verdict_and_persist(page, live_url)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_answers_flow_on_postgresql(page: Page, postgres_live_url: str) -> None:
    check_answers_update_verdict_and_persist(page, postgres_live_url)


def test_quick_clicks_keep_every_answer(page: Page, live_url: str) -> None:
    """Answers given faster than the server replies are all kept, and the last verdict wins."""
    page.goto(f"{live_url}/trials/{TRIAL}")
    chosen = {"inc-1": "yes", "inc-4": "yes", "inc-7": "not_sure", "inc-8": "yes", "exc-4": "yes", "exc-3": "no"}
    for criterion, value in chosen.items():
        answer(page, criterion, value)
    # eligo.js paints only the reply to its last request, which carries every answer.
    for criterion in chosen:
        expect(page.locator(f'[data-outcome="{criterion}"]')).to_contain_text("You answered")
    expect(page.locator("#verdict")).to_contain_text(RULES_OUT)
    page.reload()
    for criterion, value in chosen.items():
        expect(radio(page, criterion, value)).to_be_checked()


def test_without_javascript_save_my_answers_persists(no_js_page: Page, live_url: str) -> None:
    page = no_js_page
    open_trial_from_search(page, live_url)
    verdict = page.locator("#verdict")
    before = verdict.inner_text()

    answer(page, "inc-1", "yes")
    answer(page, "exc-4", "yes")
    expect(verdict).to_have_text(before)  # no script: nothing changes until the form is sent
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(f"**/trials/{TRIAL}#prescreener")

    expect(radio(page, "inc-1", "yes")).to_be_checked()
    expect(radio(page, "exc-4", "yes")).to_be_checked()
    expect(verdict).to_contain_text(RULES_OUT)
    expect(page.locator('[data-outcome="exc-4"]')).to_contain_text("Yes — rules out")

    page.goto(f"{live_url}/trials/{TRIAL}")
    expect(radio(page, "exc-4", "yes")).to_be_checked()
    page.get_by_role("button", name="Clear my responses").click()
    page.wait_for_url(f"**/trials/{TRIAL}*")
    expect(page.locator("form.prescreener input[type=radio]:checked")).to_have_count(0)
    expect(verdict).to_have_text(before)


def test_no_to_the_hiv_question_never_rules_the_child_out(page: Page, live_url: str) -> None:
    """Issue #13: "Has your child ever had HIV infection?" answered "No" (never had it) is not a red mark,
    does not move the verdict to "Probably does not qualify", and the follow-up appears only after "Yes"."""
    page.goto(f"{live_url}/trials/{TRIAL}")
    verdict = page.locator("#verdict")
    criterion = page.locator('li[data-criterion="inc-13"]')
    expect(criterion).to_contain_text("Has your child ever had HIV infection?")
    expect(criterion).not_to_contain_text("Answer")
    follow_up = criterion.locator('fieldset[data-follows="inc-13#1"]')
    expect(follow_up).to_be_hidden()

    answer(page, "inc-13#1", "no")
    expect(page.locator('[data-outcome="inc-13"]')).to_contain_text("You answered")
    expect(criterion).not_to_have_class(re.compile(r"\brules-out\b"))
    expect(page.locator('[data-outcome="inc-13"]')).not_to_contain_text("rules out")
    expect(verdict).not_to_contain_text(RULES_OUT)
    expect(follow_up).to_be_hidden()

    answer(page, "inc-13#1", "yes")
    expect(follow_up).to_be_visible()
    expect(follow_up).to_contain_text("anti-retroviral therapy")
    # Reload only once the last answer has reached the server: quick clicks are sent one request at a time.
    with page.expect_response(lambda response: _saves(response, "inc-13#1", "no")):
        answer(page, "inc-13#1", "no")
    expect(follow_up).to_be_hidden()
    page.reload()
    expect(radio(page, "inc-13#1", "no")).to_be_checked()
    expect(verdict).not_to_contain_text(RULES_OUT)
