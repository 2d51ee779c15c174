"""Shortlist, compare, posted side effects, units and the schedule on the trial page (issue #16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eligo.compare import shortlist
from eligo.compare.vocab import wording
from eligo.ingest import import_paths
from eligo.schedule import extract_schedule, family_weeks, to_ics
from eligo.store import TrialStore
from tests.web.conftest import csrf_of

RESULTS = Path(__file__).resolve().parents[1] / "data" / "ctgov-v2-results" / "NCT02210780.json"
LEEDS_SEARCH = "/search?q=neuroblastoma&near=Leeds"


@pytest.fixture
def with_results(loaded_store: TrialStore) -> TrialStore:
    summary = import_paths(loaded_store, [RESULTS])
    assert summary.failed == 0, summary.problems
    return loaded_store


def _ids_on(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'class="secondary shortlist-add" data-nct="([^"]+)"', html)))


def _shortlist(client: TestClient, ids: list[str], near: str = "Leeds") -> None:
    token = csrf_of(client.get("/match").text)
    for nct_id in ids:
        data = {"csrf_token": token, "nct_id": nct_id, "next": LEEDS_SEARCH, "near": near}
        response = client.post("/shortlist/add", data=data, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == LEEDS_SEARCH


def _rows(html: str) -> list[str]:
    table = html.split('<div class="compare-screen">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-factor="([a-z_]+)">', table)


# -- side effects ---------------------------------------------------------------------------------------


def test_posted_adverse_events_are_shown_by_organ_system_with_counts(
    client: TestClient, with_results: TrialStore
) -> None:
    html = client.get("/trials/NCT02210780").text
    section = html.split('id="side-effects"', 1)[1].split("</section>\n</section>", 1)[0]
    # Infections: conjunctivitis, nasopharyngitis, upper respiratory tract infection (all "other").
    assert 'data-organ-system="Infections and infestations"' in section
    assert re.search(r"Infections <span class=\"count\">\(3 events\)", section)
    assert re.search(r"Tumours and growths <span class=\"count\">\(2 events, 2 serious\)", section)
    assert (
        "Serum sickness-like reaction</strong> — Serious:\n" in section
        or "Serum sickness-like reaction</strong> — Serious:" in section
    )
    assert "1 of 97 (Dupilumab 300 mg qw)" in section
    assert "14 of 97 (Placebo qw)" in section  # upper respiratory tract infection
    assert "at least 5% of a group" in section
    assert "none-posted" not in section


def test_a_trial_without_posted_results_says_so_and_lists_the_questions(client: TestClient) -> None:
    html = client.get("/trials/NCT01711554").text
    section = html.split('id="side-effects"', 1)[1]
    assert wording().side_effects.none_posted.split(".")[0] in section
    for question in wording().side_effects.questions:
        assert question.replace("'", "&#39;") in section
    assert "data-organ-system" not in section


# -- shortlist and compare ------------------------------------------------------------------------------


def test_search_results_near_leeds_show_miles_and_offer_the_shortlist(client: TestClient) -> None:
    html = client.get(LEEDS_SEARCH).text
    distances = re.findall(r'<span class="distance">([^<]+)</span>', html)
    assert distances and all(text.endswith(("miles", "mile")) for text in distances), distances
    assert " km<" not in html
    assert len(_ids_on(html)) >= 3
    # Somewhere that counts in kilometres.
    paris = client.get("/search?q=neuroblastoma&near=Paris&within=2000").text
    assert all(text.endswith("km") for text in re.findall(r'<span class="distance">([^<]+)</span>', paris))


def test_the_units_control_overrides_the_place(client: TestClient) -> None:
    token = csrf_of(client.get(LEEDS_SEARCH).text)
    response = client.post(
        "/units", data={"csrf_token": token, "units": "km", "next": LEEDS_SEARCH}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == LEEDS_SEARCH
    distances = re.findall(r'<span class="distance">([^<]+)</span>', client.get(LEEDS_SEARCH).text)
    assert distances and all(text.endswith("km") for text in distances)
    # An address elsewhere is never followed.
    away = client.post(
        "/units", data={"csrf_token": token, "units": "miles", "next": "//evil.example/"}, follow_redirects=False
    )
    assert away.headers["location"] == "/"
    backslash = client.post(
        "/units", data={"csrf_token": token, "units": "km", "next": "/\\evil.example"}, follow_redirects=False
    )
    assert backslash.headers["location"] == "/"


def test_three_shortlisted_trials_compare_side_by_side_on_every_factor(client: TestClient) -> None:
    ids = _ids_on(client.get(LEEDS_SEARCH).text)[:3]
    _shortlist(client, ids)
    html = client.get("/compare").text
    header = html.split('<div class="compare-screen">', 1)[1].split("</thead>", 1)[0]
    assert re.findall(r'<th scope="col" data-nct="([^"]+)"', header) == ids
    expected = [f.key for f in wording().factors if f.key not in ("verdict", "open_questions")]
    assert _rows(html) == expected
    # Distances from where the family searched, in miles; the early-phase caution; status with its source.
    assert re.search(r'class="distance" data-km="[0-9.]+">\d+ miles?<', html)
    assert wording().early_phase_caution.split(":")[0] in html
    assert "From ClinicalTrials.gov" in html or "From Eligo" in html
    # One card per trial for phones, and one print table per three trials.
    assert html.count('<article class="compare-card"') == 3
    assert html.count('<div class="print-page">') == 1
    # A search page now says the trial is on the shortlist.
    assert html.count('class="secondary shortlist-add"') == 0
    assert 'data-shortlisted="' in client.get(LEEDS_SEARCH).text


def test_four_trials_print_on_two_pages_and_the_child_s_verdict_appears(client: TestClient) -> None:
    ids = _ids_on(client.get("/search?q=neuroblastoma").text)[:4]
    assert len(ids) == 4
    _shortlist(client, ids)
    form = {"csrf_token": csrf_of(client.get("/match").text), "age_years": "7", "state_relapsed": "on"}
    assert client.post("/match", data=form, follow_redirects=False).status_code == 303
    html = client.get("/compare").text
    assert html.count('<div class="print-page">') == 2
    assert _rows(html)[-2:] == ["verdict", "open_questions"]
    assert html.count('class="verdict verdict-') >= 4


def test_compare_needs_two_trials_and_remove_takes_one_off(client: TestClient) -> None:
    assert "Add at least 2 trials" in client.get("/compare").text
    ids = _ids_on(client.get(LEEDS_SEARCH).text)[:2]
    _shortlist(client, ids)
    assert len(_rows(client.get("/compare").text)) > 5
    token = csrf_of(client.get("/compare").text)
    removed = client.post(
        "/shortlist/remove", data={"csrf_token": token, "nct_id": ids[0], "next": "/compare"}, follow_redirects=False
    )
    assert removed.status_code == 303
    html = client.get("/compare").text
    assert "Add at least 2 trials" in html and f'href="/trials/{ids[1]}"' in html


def test_shortlist_refuses_unknown_trials_forged_forms_and_a_full_list(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = csrf_of(client.get("/match").text)
    assert client.post("/shortlist/add", data={"csrf_token": token, "nct_id": "NCT99999999"}).status_code == 404
    assert client.post("/shortlist/add", data={"nct_id": "NCT01711554"}).status_code == 403
    # A smaller limit than MAX_SHORTLIST, so the bundled trials can fill it.
    monkeypatch.setattr(shortlist, "MAX_SHORTLIST", 2)
    for nct_id in ("NCT01711554", "NCT03363373"):
        assert (
            client.post(
                "/shortlist/add", data={"csrf_token": token, "nct_id": nct_id}, follow_redirects=False
            ).status_code
            == 303
        )
    full = client.post("/shortlist/add", data={"csrf_token": token, "nct_id": "NCT04751383"})
    assert full.status_code == 409 and "Remove one before adding another" in full.text


def test_trial_page_and_match_results_offer_the_shortlist(client: TestClient) -> None:
    html = client.get("/trials/NCT03363373").text
    assert 'data-nct="NCT03363373"' in html and "to shortlist" in html
    _shortlist(client, ["NCT03363373"])
    assert 'data-shortlisted="NCT03363373"' in client.get("/trials/NCT03363373").text
    form = {"csrf_token": csrf_of(client.get("/match").text), "age_years": "7", "state_relapsed": "on"}
    client.post("/match", data=form, follow_redirects=False)
    results = client.get("/match/results").text
    assert "shortlist-form" in results and 'data-shortlisted="NCT03363373"' in results


# -- the schedule ---------------------------------------------------------------------------------------


def test_trial_page_shows_the_schedule_summary_and_calendar_form(client: TestClient, loaded_store: TrialStore) -> None:
    trial = loaded_store.get("NCT01711554")
    assert trial is not None
    weeks = family_weeks(extract_schedule(trial))
    html = client.get("/trials/NCT01711554").text
    treatment = html.split("<h2>What the treatment involves</h2>", 1)[1]
    assert weeks.summary.replace("'", "&#39;") in treatment
    assert 'action="/trials/NCT01711554/calendar"' in treatment


def test_calendar_page_and_ics_download(client: TestClient, loaded_store: TrialStore) -> None:
    from datetime import date

    trial = loaded_store.get("NCT01711554")
    assert trial is not None
    page = client.get("/trials/NCT01711554/calendar?start=2027-01-04")
    assert page.status_code == 200 and "estimate from the registry text" in page.text
    ics = client.get("/trials/NCT01711554/schedule.ics?start=2027-01-04")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "attachment" in ics.headers["content-disposition"]
    assert ics.content == to_ics(trial, extract_schedule(trial), date(2027, 1, 4))
    assert client.get("/trials/NCT01711554/calendar?start=not-a-date").status_code == 422
    assert client.get("/trials/NCT01711554/schedule.ics?start=1900-01-01").status_code == 422


# -- browse and links -----------------------------------------------------------------------------------


def test_home_chips_count_what_their_lists_show(client: TestClient) -> None:
    home = client.get("/").text
    chips = re.findall(r'<a href="(/browse/(?:condition|treatment)/[^"]+)">[^<]*<span class="count">\((\d+)\)', home)
    assert any(link.startswith("/browse/condition/") for link, _ in chips)
    assert any(link.startswith("/browse/treatment/") for link, _ in chips)
    for link, count in chips:
        listed = client.get(link).text.count('<li class="card" data-nct=')
        assert listed == int(count), link


def test_browse_by_treatment_type_classifies_from_the_vocabulary(client: TestClient) -> None:
    antibodies = client.get("/browse/treatment/antibody").text
    assert 'data-nct="ELIGO-MINIVAN"' in antibodies  # nivolumab and dinutuximab beta
    assert 'data-nct="ELIGO-NANT-LORLATINIB"' in client.get("/browse/treatment/alk_inhibitor").text
    assert client.get("/browse/treatment/homeopathy").status_code == 404
    index = client.get("/browse").text
    for label in ("Antibody", "ALK inhibitor", "MIBG therapy", "Vaccine", "Chemotherapy"):
        assert label in index


def test_trial_pages_link_to_the_registry_and_guidance_pages_to_other_finders(client: TestClient) -> None:
    assert 'href="https://clinicaltrials.gov/study/NCT03363373"' in client.get("/trials/NCT03363373").text
    for page in ("/about", "/glossary", "/browse"):
        html = client.get(page).text
        for finder in wording().other_finders:
            assert f'href="{finder.url}"' in html, (page, finder.name)


def test_api_search_gives_both_units(client: TestClient) -> None:
    results = client.get("/api/search", params={"q": "neuroblastoma", "near": "Leeds"}).json()["results"]
    site = next(row["nearest_site"] for row in results if row["nearest_site"])
    assert site["distance_miles"] == pytest.approx(site["distance_km"] / 1.609344, abs=0.1)
