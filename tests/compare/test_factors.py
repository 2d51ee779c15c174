"""The compare page's factors, read from the record (issue #16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligo.browse.catalogue import Catalogue, Entry, types_of
from eligo.compare.factors import is_early_phase, nearest_open_site, who_rows
from eligo.compare.schedule_words import days_text, route_text
from eligo.compare.side_effects import side_effects_view
from eligo.compare.vocab import wording
from eligo.criteria.parse import parse_trial
from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.model import Eligibility, GeoPoint, Location, Trial

RESULTS = Path(__file__).resolve().parents[1] / "data" / "ctgov-v2-results" / "NCT02210780.json"
CRITERIA = """Inclusion Criteria:
- Diagnosis of neuroblastoma with relapsed or refractory disease
- Evaluable disease in bone or bone marrow
- ALK mutation or ALK amplification in the tumour
Exclusion Criteria:
- Prior treatment with an ALK inhibitor
- Abnormal alkaline phosphatase
"""


def test_who_rows_quote_the_criteria_that_mention_each_factor() -> None:
    trial = Trial(nct_id="NCT00000001", eligibility=Eligibility(criteria=CRITERIA))
    rows = who_rows(parse_trial(trial))
    genes = [quote.text for quote in rows["genes"].quotes]
    assert any("ALK mutation" in text for text in genes)
    assert not any("alkaline" in text for text in genes), "ALK is a whole word, not the start of alkaline"
    prior = rows["prior_treatment"].quotes
    assert [quote.section for quote in prior if "ALK inhibitor" in quote.text] == ["exclusion"]
    assert any("bone marrow" in quote.text for quote in rows["disease_site"].quotes)
    assert any("relapsed" in quote.text for quote in rows["relapsed_refractory"].quotes)


def test_no_criteria_means_no_quotes_not_a_guess() -> None:
    rows = who_rows(None)
    assert all(not row.quotes and row.more == 0 for row in rows.values())


def test_early_phase_follows_the_vocabulary() -> None:
    assert is_early_phase(Trial(nct_id="NCT00000001", phases=("PHASE1",)))
    assert not is_early_phase(Trial(nct_id="NCT00000001", phases=("PHASE3",)))


def test_nearest_open_site_skips_closed_sites() -> None:
    leeds = (53.8, -1.55)
    trial = Trial(
        nct_id="NCT00000001",
        overall_status="RECRUITING",
        locations=(
            Location(facility="Closed near", status="COMPLETED", geo=GeoPoint(lat=53.8, lon=-1.5)),
            Location(facility="London", status="RECRUITING", geo=GeoPoint(lat=51.5, lon=-0.12)),
            Location(facility="Glasgow", geo=GeoPoint(lat=55.86, lon=-4.25)),
        ),
    )
    site, count = nearest_open_site(trial, leeds)
    # London (273 km from Leeds) is nearer than Glasgow (287 km); the closed site next door does not count.
    assert site is not None and site.facility == "London"
    assert count == 2
    assert site.distance_km is not None and site.distance_words("miles").endswith("miles")


@pytest.mark.parametrize(
    ("days", "text"),
    [((1,), "day 1"), ((1, 3, 5), "days 1, 3 and 5"), (tuple(range(1, 22)), "days 1 to 21"), ((), "")],
)
def test_days_in_words(days: tuple[int, ...], text: str) -> None:
    assert days_text(days) == text


def test_route_words_come_from_the_vocabulary() -> None:
    assert route_text("oral") == "by mouth"
    assert route_text(None) == ""


def test_side_effects_by_organ_system_serious_first() -> None:
    trial = study_to_trial(json.loads(RESULTS.read_text(encoding="utf-8")))
    view = side_effects_view(trial.adverse_events)
    assert view.posted and view.event_count == 9 and view.serious_count == 3
    assert view.systems[0].name == "Tumours and growths"
    infections = next(system for system in view.systems if system.name == "Infections")
    assert next(event.term for event in infections.events) == "Upper respiratory tract infection"


def test_no_posted_events_gives_the_questions() -> None:
    view = side_effects_view(None)
    assert not view.posted and view.questions == wording().side_effects.questions


def test_treatment_types_and_counts_come_from_the_same_lists() -> None:
    assert types_of(("Lorlatinib", "Cyclophosphamide")) == ("alk_inhibitor", "chemotherapy")
    assert types_of(("131I-MIBG",)) == ("mibg_therapy",)
    assert types_of(("Bivalent vaccine",)) == ("vaccine",)
    assert types_of(("Placebo",)) == ()
    catalogue = Catalogue(
        (
            Entry("NCT00000001", "A", "RECRUITING", (), ("Neuroblastoma",), ("antibody",)),
            Entry("NCT00000002", "B", "RECRUITING", (), ("neuroblastoma", "Osteosarcoma"), ()),
            Entry("NCT00000003", "C", "RECRUITING", (), ("Osteosarcoma",), ("antibody",)),
        )
    )
    counts = dict(catalogue.condition_counts())
    assert counts == {"Neuroblastoma": 2, "Osteosarcoma": 2}
    for name, count in counts.items():
        assert len(catalogue.with_condition(name)) == count
    assert next((kind.key, count) for kind, count in catalogue.treatment_type_counts()) == ("antibody", 2)
