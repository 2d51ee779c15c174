"""What the trial page and the match list say about verdicts, alternatives and status (issue #13):
words that never claim more than the data gives."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of

TODAY = date.today()


def _text(page: str) -> str:
    """The page as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _verdict_box(page: str) -> str:
    found = re.search(r'<div id="verdict"[^>]*>(.*?)</div>', page, re.S)
    assert found, "the page has no verdict box"
    return _text(found.group(1))


def _match(client: TestClient, **fields: str) -> str:
    form = {
        "csrf_token": csrf_of(client.get("/match").text),
        "age_years": "7",
        "sex": "female",
        "state_relapsed": "on",
        "high_risk": "yes",
        "place": "Leeds",
        "max_travel_km": "20000",
        **fields,
    }
    response = client.post("/match", data=form)
    assert response.status_code == 200, response.text[:500]
    return response.text


def _card(page: str, nct_id: str) -> str:
    found = re.search(rf'<li class="card" data-nct="{nct_id}">(.*?)</li>\s*(?=<li class="card"|</ol>)', page, re.S)
    assert found, f"no card for {nct_id}"
    return _text(found.group(1))


def test_before_anything_is_known_the_trial_is_not_checked_yet(client: TestClient) -> None:
    page = client.get("/trials/NCT04751383").text
    box = _verdict_box(page)
    assert re.search(r"Not checked yet: \d+ questions", box), box
    assert "Might qualify" not in box and "Probably" not in box
    assert "Checked so far" not in box


def test_a_passed_end_date_is_said_with_its_date_and_source(client: TestClient) -> None:
    text = _text(client.get("/trials/NCT04751383").text)
    assert "Set aside: its expected end (31 January 2024) has passed" in text
    assert "source: ClinicalTrials.gov, record last updated" in text


def test_early_phase_trials_carry_the_guides_caution(client: TestClient) -> None:
    text = _text(client.get("/trials/NCT04751383").text)  # phase 1
    assert "An early phase trial." in text
    assert "may not always help your child" in text
    assert "From CCLG" in text


def test_the_naxitamab_trial_is_open_at_its_uk_sites_although_the_record_states_no_status(client: TestClient) -> None:
    text = _text(client.get("/trials/NCT03363373").text)
    assert re.search(r"Status: Recruiting at [^()]+ \(the record gives no overall status\)", text), text[:2000]
    assert "source: CCLG parents' guide" in text
    # The search filter "Open to new patients" keeps it: its sites say "Recruiting".
    listed = client.get("/search", params={"q": "naxitamab", "status": "open"}).text
    assert "/trials/NCT03363373" in listed


def test_life_expectancy_is_asked_last_and_explained(client: TestClient) -> None:
    page = client.get("/trials/NCT01370330").text
    inclusion = page[page.index("Who can take part") : page.index("Who cannot take part")]
    ids = re.findall(r'id="c-(inc-[\d.]+)"', inclusion)
    assert ids[-1] == "inc-4", ids  # "Life Expectancy: greater than 6 weeks"
    assert "Trials ask this so that children are well enough to take part" in _text(inclusion)


def test_palliative_compassionate_use_is_labelled(client: TestClient) -> None:
    text = _text(client.get("/trials/NCT01370330").text)
    assert "Palliative: aims to control the disease and ease symptoms, not to cure it" in text


def test_a_trial_with_no_criteria_says_the_registry_lists_none(client: TestClient) -> None:
    box = _verdict_box(client.get("/trials/ELIGO-ESMART").text)
    assert "The registry lists no eligibility criteria for this trial: ask the study team who can join" in box
    assert "0 met" not in box


def test_match_list_sets_aside_ended_trials_unless_asked(client: TestClient) -> None:
    # No place: a travel limit keeps only trials with an open site within reach, closed or not.
    page = _match(client, place="", max_travel_km="")
    assert 'data-nct="NCT04751383"' not in page  # expected end January 2024
    assert 'data-nct="NCT01711554"' not in page  # active, not recruiting
    shown = client.get("/match/results", params={"closed": "1"}).text
    assert "Set aside: its expected end (31 January 2024) has passed" in _card(shown, "NCT04751383")
    assert "Set aside: its expected end (17 March 2026) has passed" in _card(shown, "NCT01711554")


def test_match_list_shows_the_leeds_site_recruiting_and_labels_palliative_care(client: TestClient) -> None:
    page = _match(client)
    naxitamab = _card(page, "NCT03363373")
    assert "Recruiting at Leeds Children’s Hospital, Leeds (the record gives no overall status)" in naxitamab
    assert "0 miles away" in naxitamab  # a Leeds family sees miles (issue #16)
    assert "Palliative" in _card(page, "NCT01370330")


def test_a_washout_with_days_to_go_reads_may_qualify_from_its_date(client: TestClient) -> None:
    last_dose = TODAY - timedelta(days=18)
    clears = TODAY + timedelta(days=3)
    _match(client, place="", max_travel_km="", therapy_0_agent="temozolomide", therapy_0_end=last_dose.isoformat())
    card = _card(client.get("/match/results", params={"closed": "1"}).text, "NCT04751383")
    assert f"May qualify from {clears.day} {clears:%B %Y}" in card, card
    assert "Not yet — but this can change" in card
    assert "Probably does not qualify" not in card
    data = client.get("/match/results.json", params={"closed": "1"}).json()
    row = next(item for item in data["results"] if item["nct_id"] == "NCT04751383")
    assert row["verdict"] == "possibly_eligible"
    assert row["eligible_from"] == clears.isoformat()
    assert [item["id"] for item in row["deciding"] if item["why"] == "temporary"] == ["inc-3"]
    csv_lines = client.get("/match/results.csv", params={"closed": "1"}).text.splitlines()
    assert csv_lines[0].endswith(",eligible_from")
    assert any(line.startswith("NCT04751383,") and line.endswith(clears.isoformat()) for line in csv_lines)


def test_the_trial_page_shows_alternatives_as_alternatives(client: TestClient) -> None:
    _match(client, diagnosis="neuroblastoma")
    page = client.get("/trials/NCT04751383").text
    osteosarcoma = re.search(r'id="c-inc-2\.1\.2".*?</li>', page, re.S)
    assert osteosarcoma
    assert "For another group of patients" in _text(osteosarcoma.group(0))
    assert "rules-out" not in osteosarcoma.group(0)
    assert "One of these is needed" in _text(page)


def test_the_hiv_criterion_asks_its_condition_first_and_no_does_not_rule_out(client: TestClient) -> None:
    """Issue #13: the condition is its own question, the follow-up waits for "Yes", and "No" is not a red mark."""
    page = client.get("/trials/NCT04751383").text
    assert "Has your child ever had HIV infection?" in page
    assert 'name="a:inc-13#1"' in page and 'data-follows="inc-13#1" hidden' in page
    assert "Answer “Yes” if" not in page and " And: " not in page
    client.post("/trials/NCT04751383/answers", data={"csrf_token": csrf_of(page), "a:inc-13#1": "no"})
    after = client.get("/trials/NCT04751383").text
    assert 'name="a:inc-13#1" value="no" checked' in after
    criterion = re.search(r'<li class="criterion([^"]*)" id="c-inc-13"', after)
    assert criterion is not None and "rules-out" not in criterion.group(1)
    assert "Probably does not qualify" not in _verdict_box(after)
