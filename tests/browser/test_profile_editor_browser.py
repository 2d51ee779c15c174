"""The profile editor in Chromium (issue #15): an uploaded profile opens filled in "Change the details", one lab
changed through the form changes only what that lab decides, and rows are added with and without JavaScript."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# A full profile: SI labs with upper limits, a Lansky score, therapies with dates, radiation, a transplant.
FULL: dict[str, Any] = {
    "birth_date": "2017-05-14",
    "sex": "female",
    "diagnosis": "neuroblastoma",
    "histologically_confirmed": True,
    "high_risk": True,
    "disease_states": ["relapsed"],
    "disease_sites": {"bone": True, "bone_marrow": True, "soft_tissue": False, "mibg_avid": True},
    "biomarkers": {"alk": "wild_type", "mycn_amplified": True},
    "labs": [
        {"test": "anc", "value": 1.2, "unit": "x10^9/L", "date": "2026-11-10"},
        {"test": "platelets", "value": 140, "unit": "x10^9/L", "date": "2026-11-10"},
        {"test": "hemoglobin", "value": 101, "unit": "g/L", "date": "2026-11-10"},
        {"test": "creatinine", "value": 40, "unit": "umol/L", "date": "2026-11-10", "upper_limit_normal": 60},
        {"test": "total_bilirubin", "value": 6, "unit": "umol/L", "date": "2026-11-10", "upper_limit_normal": 21},
        {"test": "alt", "value": 30, "unit": "U/L", "date": "2026-11-10", "upper_limit_normal": 45},
        {"test": "ast", "value": 35, "unit": "U/L", "date": "2026-11-10", "upper_limit_normal": 50},
    ],
    "performance": [{"scale": "lansky", "score": 80, "date": "2026-11-10"}],
    "life_expectancy_months": 12,
    "therapies": [
        {"agent": "dinutuximab", "start": "2025-01-10", "end": "2025-06-20", "response": "partial"},
        {"agent": "topotecan", "start": "2026-08-01", "end": "2026-09-30", "response": "progression"},
    ],
    "radiation": [{"field": "small_port", "end": "2025-03-01"}],
    "transplants": [{"type": "autologous", "date": "2024-12-01", "myeloablative": True}],
    "stored_stem_cells_cd34_per_kg": 3000000,
    "active_infection": False,
}
CREATININE_ROW = 3  # the profile's fourth lab: its row on the form
HIGH_CREATININE = 400  # µmol/L, over 6 × the upper limit of normal


def verdicts(page: Page, base_url: str) -> dict[str, str]:
    """Each trial's verdict for the profile the session holds, open and closed trials alike."""
    rows = page.request.get(f"{base_url}/match/results.json?closed=1").json()["results"]
    return {row["nct_id"]: row["verdict"] for row in rows}


def core_verdicts(page: Page, base_url: str, profile: dict[str, Any]) -> dict[str, str]:
    """What the JSON API, which calls the core directly, says for `profile`."""
    response = page.request.post(
        f"{base_url}/api/match",
        data=json.dumps({"profile": profile, "limit": 1000}),
        headers={"content-type": "application/json"},
    )
    assert response.ok, response.text()
    return {row["nct_id"]: row["verdict"] for row in response.json()["results"]}


def test_one_lab_changed_through_the_form_changes_only_what_it_decides(
    page: Page, live_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "child.json"
    file.write_text(json.dumps(FULL))
    page.goto(f"{live_url}/match")
    page.set_input_files("#profile_file", str(file))
    page.get_by_role("button", name="Upload and match").click()
    page.wait_for_url("**/match/results")
    before = verdicts(page, live_url)
    assert len(before) >= 5

    page.get_by_role("link", name="Change the details").click()
    page.wait_for_url("**/match")
    # The uploaded profile fills the form: nothing is shown empty.
    expect(page.locator("#performance_0_scale")).to_have_value("lansky")
    expect(page.locator("#performance_0_score")).to_have_value("80")
    expect(page.get_by_label("Creatinine", exact=True)).to_have_value("40")
    expect(page.locator(f"#lab_{CREATININE_ROW}_unit")).to_have_value("umol/L")
    expect(page.locator(f"#lab_{CREATININE_ROW}_uln")).to_have_value("60")
    expect(page.locator("#therapy_1_start")).to_have_value("2026-08-01")
    expect(page.locator("#therapy_1_response")).to_have_value("progression")
    expect(page.locator("#radiation_0_field")).to_have_value("small_port")
    expect(page.locator("#transplant_0_type")).to_have_value("autologous")
    expect(page.locator("#stored_stem_cells_cd34_per_kg")).to_have_value("3000000")
    expect(page.locator("main")).not_to_contain_text("kept as they are")

    page.get_by_label("Creatinine", exact=True).fill(str(HIGH_CREATININE))
    page.get_by_role("button", name="Show matching trials").click()
    page.wait_for_url("**/match/results")
    after = verdicts(page, live_url)

    changed = copy.deepcopy(FULL)
    changed["labs"][CREATININE_ROW]["value"] = HIGH_CREATININE
    # Before and after are exactly what the core says for the profile and for the profile with that one lab
    # changed: everything else came back from the form unchanged.
    assert before == {nct: verdict for nct, verdict in core_verdicts(page, live_url, FULL).items() if nct in before}
    assert after == {nct: verdict for nct, verdict in core_verdicts(page, live_url, changed).items() if nct in after}
    assert after.keys() == before.keys()
    moved = {nct for nct in before if before[nct] != after[nct]}
    assert moved, "raising creatinine to 6 × ULN should rule the child out of a trial with a renal limit"
    assert all(after[nct] == "ineligible" for nct in moved)

    # The profile downloads with the change, and every other field as uploaded.
    saved = page.request.get(f"{live_url}/match/profile.json").json()
    assert saved == changed


def test_add_another_row_with_javascript_adds_it_in_place(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/match")
    rows = page.locator('[data-rows="therapy"] [data-row]')
    count = rows.count()
    page.get_by_role("button", name="Add another treatment").click()
    expect(rows).to_have_count(count + 1)
    assert page.url.endswith("/match")  # no round trip
    new = rows.nth(count)
    new.get_by_label(f"Medicine or treatment {count + 1}").fill("crizotinib")
    # A lab row's result label and units follow the test chosen.
    page.get_by_role("button", name="Add another test result").click()
    lab = page.locator('[data-rows="lab"] [data-row]').last
    lab.locator("select[name$='_test']").select_option("gfr")
    expect(lab.get_by_label("GFR or creatinine clearance", exact=True)).to_be_visible()
    page.get_by_label("Age in years").fill("7")
    page.get_by_role("button", name="Show matching trials").click()
    page.wait_for_url("**/match/results")
    saved = page.request.get(f"{live_url}/match/profile.json").json()
    assert saved["therapies"] == [{"agent": "crizotinib"}] and "labs" not in saved


def test_add_another_row_without_javascript_renders_the_form_again(no_js_page: Page, live_url: str) -> None:
    page = no_js_page
    page.goto(f"{live_url}/match")
    rows = page.locator('[data-rows="radiation"] [data-row]')
    count = rows.count()
    # A section with nothing in it starts folded; it opens without JavaScript (a <details> element).
    expect(page.get_by_label("Area treated 1")).to_be_hidden()
    page.locator("#fold-radiation > summary").click()
    page.get_by_label("Area treated 1").select_option("craniospinal")
    page.get_by_role("button", name="Add another radiotherapy course").click()
    expect(rows).to_have_count(count + 1)
    expect(page.get_by_label("Area treated 1")).to_have_value("craniospinal")
    page.get_by_label("Area treated 2").select_option("small_port")
    page.get_by_role("button", name="Show matching trials").click()
    page.wait_for_url("**/match/results")
    saved = page.request.get(f"{live_url}/match/profile.json").json()
    assert [item["field"] for item in saved["radiation"]] == ["craniospinal", "small_port"]
