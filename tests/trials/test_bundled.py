"""The studies shipped in eligo.trials.bundled: API v2 shape, word-for-word criteria, and the UK overlay."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eligo.trials.bundled import bundled_paths
from eligo.trials.model import ImportProblem, Trial
from eligo.trials.overlay import OverlayPatch, apply_patch, read_overlay

SEED_IDS = ("NCT01370330", "NCT01711554", "NCT03363373", "NCT04751383")

# Sentences copied from the seed pages (/work/shared/seeds/00[0134]_*.txt), escapes included.
WORD_FOR_WORD = {
    "NCT03363373": [
        "* Life expectancy ≥ 6 months",
        "* Existing major organ dysfunction > Grade 2, with the exception of hearing loss, hematological status,"
        " kidney and liver function",
    ],
    "NCT04751383": [
        # Repaired: the page broke this sentence and printed its tail after Cohort B3.
        "  * Cohort B1: Measurable NBL (defined as those lesions that can be accurately measured in at least one"
        " dimension (longest diameter to be recorded) as >= 20 mm by chest x-ray, as >= 10 mm with CT scan, or"
        " >= 10 mm with calipers by clinical exam)\n  * Cohort B2:",
        # Repaired: the contraception paragraph was broken over eight lines.
        "* The effects of Hu5F9-G4 (magrolimab) monoclonal antibody on the developing human fetus are unknown and"
        " dinutuximab is known to be teratogenic. For this reason female patients of childbearing potential must be"
        " willing to use one highly effective method of contraception (hormonal or barrier method of birth control;"
        " abstinence) prior to study entry, during the study and continue for 4 months after the last dose of study"
        " treatment. Should a woman become pregnant or suspect she is pregnant while she or her partner is"
        " participating in this study, she should inform her treating physician immediately\n",
        # Repaired: split over two lines on the page.
        "  * Growth factors (granulocyte colony stimulating factor or granulocyte macrophage colony stimulating factor)"
        " EXCEPT for erythropoietin and darbepoetin alpha",
        "* Patients must have\n  * Relapsed/refractory high-risk neuroblastoma (NBL)",
        "* Arm B: Age >= 1 or =< 35 years of age",
        "* Absolute neutrophil count >= 1,000/mcL",
    ],
    "NCT01711554": [
        "* Lansky (=\\< 16 years) or Karnofsky (\\> 16 years) score of at least 50",
        "* Absolute neutrophil count: \\>= 750/mm\\^3",
        "* Age 13 to \\< 16 years: 1.5 mg/dL for males and 1.4 mg/dL for females",
        "* Patient declines participation in NANT 2004-05; unless the institution has been granted special exemption"
        " from mandatory enrollment on NANT 2004-05 by the NANT Operations Center",
    ],
    "NCT01370330": [
        "* Age \\> 1 year and able to cooperate with radiation safety restrictions during therapy period.",
        "* Lansky and Karnofsky Performance Status: 60% or higher.",
        "then the dose of 131I-MIBG should be \\<12 mCi/kg .",
    ],
}


def _study(nct_id: str) -> dict[str, Any]:
    (path,) = [path for path in bundled_paths() if path.name == f"{nct_id}.json"]
    study: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return study


def _criteria(nct_id: str) -> str:
    text: str = _study(nct_id)["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    return text


def test_bundled_paths_lists_the_studies_then_the_overlays() -> None:
    paths = bundled_paths()
    assert [path.name for path in paths] == [f"{nct_id}.json" for nct_id in SEED_IDS] + ["uk-overlay.yaml"]
    assert all(path.is_file() for path in paths)


@pytest.mark.parametrize("nct_id", SEED_IDS)
def test_each_study_has_the_api_v2_shape(nct_id: str) -> None:
    study = _study(nct_id)
    assert set(study) <= {"protocolSection", "derivedSection"}
    protocol = study["protocolSection"]
    assert protocol["identificationModule"]["nctId"] == nct_id
    assert protocol["identificationModule"]["briefTitle"]
    criteria = protocol["eligibilityModule"]["eligibilityCriteria"]
    assert criteria.startswith("Inclusion Criteria:\n\n* ")
    assert "\n\nExclusion Criteria:\n\n* " in criteria
    # Every line is a criterion: a bullet, nested two spaces per level.
    for line in criteria.split("\n"):
        assert line == "" or line.endswith("Criteria:") or line.lstrip(" ").startswith("* "), line


@pytest.mark.parametrize(("nct_id", "sentence"), [(n, s) for n, sentences in WORD_FOR_WORD.items() for s in sentences])
def test_criteria_keep_the_page_words(nct_id: str, sentence: str) -> None:
    assert sentence in _criteria(nct_id)


def test_repaired_lines_leave_no_fragment_behind() -> None:
    criteria = _criteria("NCT04751383")
    for fragment in ("\n* x-ray", "\n  * x-ray", "\n* colony stimulating factor)", "\n* are unknown"):
        assert fragment not in criteria
    assert criteria.count("Cohort B1:") == 1


def test_dates_and_status_as_the_pages_give_them() -> None:
    status = _study("NCT03363373")["protocolSection"]["statusModule"]
    assert status == {
        "completionDateStruct": {"date": "2027-11-17"},
        "lastUpdatePostDateStruct": {"date": "2022-10-07"},
    }
    status = _study("NCT01711554")["protocolSection"]["statusModule"]
    assert status["overallStatus"] == "ACTIVE_NOT_RECRUITING"
    assert status["startDateStruct"] == {"date": "2013-02-04"}
    expanded = _study("NCT01370330")["protocolSection"]
    assert expanded["statusModule"]["overallStatus"] == "AVAILABLE"
    assert expanded["designModule"]["studyType"] == "EXPANDED_ACCESS"


def test_fields_the_pages_do_not_give_stay_absent() -> None:
    naxitamab = _study("NCT03363373")["protocolSection"]
    assert "enrollmentInfo" not in naxitamab.get("designModule", {})
    assert "overallStatus" not in naxitamab["statusModule"]
    assert "class" not in naxitamab["sponsorCollaboratorsModule"]["leadSponsor"]


@pytest.mark.parametrize("nct_id", SEED_IDS)
def test_each_study_converts_to_a_trial(nct_id: str) -> None:
    from eligo.trials.ctgov_v2 import study_to_trial

    trial = study_to_trial(_study(nct_id), source_file=f"{nct_id}.json")
    assert trial.nct_id == nct_id
    assert trial.eligibility.criteria == _criteria(nct_id)


def test_uk_overlay_reads_without_problems() -> None:
    (overlay,) = [path for path in bundled_paths() if path.suffix == ".yaml"]
    records = list(read_overlay(overlay))
    assert [record for record in records if isinstance(record, ImportProblem)] == []
    trials = {record.nct_id: record for record in records if isinstance(record, Trial)}
    assert set(trials) == {
        "ELIGO-VERITAS",
        "ELIGO-ESMART",
        "ELIGO-NANT-LORLATINIB",
        "ELIGO-CRISP",
        "ELIGO-MINIVAN",
        "ELIGO-NEUROBLASTOMA-EPIDEMIOLOGICAL",
        "ELIGO-SMPAEDS",
    }
    for trial in trials.values():
        assert trial.conditions == ("Neuroblastoma",)
        assert trial.provenance is not None and trial.provenance.overlay_sources
        assert all(location.country == "United Kingdom" for location in trial.locations)
    assert trials["ELIGO-VERITAS"].phases == ("PHASE2",)
    assert {location.city for location in trials["ELIGO-MINIVAN"].locations} == {"London", "Southampton"}
    (patch,) = [record for record in records if isinstance(record, OverlayPatch)]
    assert patch.nct_id == "NCT03363373"
    assert {location.city for location in patch.add_locations} == {"Glasgow", "Leeds", "London", "Southampton"}


def test_uk_sites_patch_the_bundled_naxitamab_record() -> None:
    from eligo.trials.ctgov_v2 import study_to_trial

    (overlay,) = [path for path in bundled_paths() if path.suffix == ".yaml"]
    (patch,) = [record for record in read_overlay(overlay) if isinstance(record, OverlayPatch)]
    patched = apply_patch(study_to_trial(_study("NCT03363373")), patch)
    assert len(patched.locations) == 4
    assert patched.provenance is not None
    assert patched.provenance.overlay_sources == (patch.source,)
