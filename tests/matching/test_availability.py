"""Golden status cases on the bundled seed trials (issue #13): what a family can join on a given day,
why a trial is set aside, where a status comes from, and what kind of protocol it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eligo.matching.availability import Availability, availability, early_phase_caution, facts_of_trial
from eligo.trials.model import Trial
from eligo.trials.overlay import OverlayPatch, apply_patch, read_overlay
from eligo.trials.readers import read_path
from eligo.web.templating import wording

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "eligo" / "trials" / "bundled"
ON = date(2026, 12, 1)


def _trial(nct_id: str) -> Trial:
    trial = next(item for item in read_path(BUNDLED / f"{nct_id}.json") if isinstance(item, Trial))
    for item in read_overlay(BUNDLED / "uk-overlay.yaml"):
        if isinstance(item, OverlayPatch) and item.nct_id == nct_id:
            trial = apply_patch(trial, item)
    return trial


def _available(nct_id: str, site_city: str | None = None) -> Availability:
    trial = _trial(nct_id)
    site = next((site for site in trial.locations if site.city == site_city), None) if site_city else None
    return availability(
        facts_of_trial(trial),
        ON,
        wording()["status"],
        site_status=site.status if site else None,
        site_name=", ".join(filter(None, (site.facility, site.city))) if site else None,
    )


def test_a_passed_end_date_sets_the_trial_aside_with_its_date() -> None:
    told = _available("NCT04751383")
    assert not told.open
    assert (
        told.reason
        == "Set aside: its expected end (31 January 2024) has passed, so it is unlikely to take new patients"
    )
    assert told.source.startswith("ClinicalTrials.gov, record last updated ")


def test_not_recruiting_and_ended_is_set_aside() -> None:
    told = _available("NCT01711554")
    assert not told.open and told.reason is not None and "17 March 2026" in told.reason
    assert told.status == "Active, not recruiting"


def test_the_leeds_site_recruiting_opens_a_trial_whose_record_states_no_status() -> None:
    told = _available("NCT03363373", "Leeds")
    assert told.open and told.reason is None
    assert told.status == "Recruiting at Leeds Children’s Hospital, Leeds (the record gives no overall status)"
    assert told.source.startswith("CCLG parents' guide") and "no date given" in told.source


def test_without_a_site_status_an_unstated_status_says_ask() -> None:
    told = _available("NCT03363373")
    assert told.open and told.status == "The record gives no status: ask the study team whether it is open"


def test_the_compassionate_use_protocol_is_palliative_expanded_access() -> None:
    told = _available("NCT01370330")
    assert told.open and told.kind == "palliative"
    assert told.kind_label and told.kind_label.startswith("Palliative")
    assert told.status == "Available (expanded access)"


@pytest.mark.parametrize(
    ("nct_id", "cautioned"), [("NCT04751383", True), ("NCT01711554", True), ("NCT01370330", False)]
)
def test_early_phase_caution(nct_id: str, cautioned: bool) -> None:
    assert (early_phase_caution(_trial(nct_id).phases) is not None) is cautioned
