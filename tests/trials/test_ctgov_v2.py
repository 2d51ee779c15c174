"""CT.gov JSON (API v2 and the v1 FullStudiesResponse envelope) to Trial, on the real sample records."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.data import SAMPLE_COUNTS, V2_JSON, sample_files

from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.model import ImportProblem, SourceFormat, Trial

SAMPLES = V2_JSON
V2_FILES = sample_files(SAMPLES, "*.json")


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return document


def test_all_sixteen_samples_are_present() -> None:
    assert len(V2_FILES) == SAMPLE_COUNTS[V2_JSON] == 16


@pytest.mark.parametrize("path", V2_FILES, ids=lambda path: path.name)
def test_every_sample_imports_and_round_trips(path: Path) -> None:
    trial = study_to_trial(load(path.name), source_file=str(path), member=None)
    # NCT02278341.json is a deliberate oddity: it holds study NCT02552212, and imports as what it says.
    expected_id = "NCT02552212" if path.name == "NCT02278341.json" else path.stem
    assert trial.nct_id == expected_id
    assert trial.provenance is not None
    assert trial.provenance.source_file == str(path)
    assert trial.provenance.imported_at is None
    assert Trial.model_validate_json(trial.model_dump_json()) == trial


def test_v2_study_key_fields() -> None:
    trial = study_to_trial(load("NCT02210780.json"))
    assert trial.brief_title == "Study of Dupilumab and Immune Responses in Adults With Atopic Dermatitis (AD)"
    assert trial.overall_status == "COMPLETED"
    assert trial.phases == ("PHASE2",)
    assert trial.conditions == ("Atopic Dermatitis",)
    assert "Birmingham" in {location.city for location in trial.locations}
    assert trial.eligibility.criteria is not None
    assert trial.eligibility.criteria.startswith("Key Inclusion Criteria:\n\n1. Male or female adults ages 18 to")
    assert trial.eligibility.minimum_age == "18 Years"
    assert "Dermatitis, Atopic" in trial.condition_mesh_terms
    assert trial.start_date == "2014-08-05"
    assert trial.provenance is not None and trial.provenance.source_format is SourceFormat.CTGOV_V2


def test_v2_partial_dates_stay_partial_and_geo_points_are_kept() -> None:
    trial = study_to_trial(load("NCT00763412.json"))
    assert trial.start_date == "2006-11"
    assert trial.phases == ("NA",)
    assert trial.eligibility.minimum_age == "12 Years"
    assert all(location.geo is not None for location in trial.locations)


def test_v2_contacts_and_status_details() -> None:
    trial = study_to_trial(load("NCT06171568.json"))
    assert trial.overall_status == "NOT_YET_RECRUITING"
    assert trial.central_contacts[0].email == "camille.heslot@aphp.fr"
    assert trial.locations[0].city == "Paris"
    assert trial.overall_officials[0].role == "PRINCIPAL_INVESTIGATOR"
    spanish = study_to_trial(load("NCT03475563.json"))
    assert {location.status for location in spanish.locations} == {"RECRUITING"}
    assert "Hospital Universitari Vall d'Hebron" in {location.facility for location in spanish.locations}


def test_misnamed_sample_is_imported_as_the_study_it_contains() -> None:
    assert study_to_trial(load("NCT02278341.json")) == study_to_trial(load("NCT02552212.json"))


def test_v1_envelope_is_normalised_to_v2_words() -> None:
    trial = study_to_trial(load("NCT04780763.json"))
    assert trial.nct_id == "NCT04780763"
    assert trial.overall_status == "NOT_YET_RECRUITING"  # v1 "Not yet recruiting"
    assert trial.phases == ("NA",)  # v1 "Not Applicable"
    assert trial.start_date == "2021-03-04"  # v1 "March 4, 2021"
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.eligibility.sex == "FEMALE"
    assert trial.eligibility.healthy_volunteers is True
    assert trial.eligibility.minimum_age == "20 Years"
    assert trial.eligibility.std_ages == ("ADULT",)
    assert trial.eligibility.criteria is not None and trial.eligibility.criteria.startswith("Inclusion Criteria:")
    [site] = trial.locations
    assert (site.city, site.country) == ("Leuven", "Belgium")
    assert [contact.role for contact in site.contacts] == ["CONTACT", "PRINCIPAL_INVESTIGATOR"]
    assert trial.provenance is not None and trial.provenance.source_format is SourceFormat.CTGOV_V1_JSON


def test_v1_month_year_dates_phases_and_mesh() -> None:
    trial = study_to_trial(load("NCT00023673.json"))
    assert trial.phases == ("PHASE1", "PHASE2")
    assert trial.start_date == "2001-07"  # v1 "July 2001"
    assert trial.last_update_date == "2017-12-22"  # v1 "December 22, 2017"
    assert trial.enrollment == 63  # v1 writes the count as text
    assert trial.enrollment_type == "ACTUAL"
    assert trial.lead_sponsor is not None and trial.lead_sponsor.sponsor_class == "NETWORK"
    assert trial.condition_mesh_terms[0] == "Lung Neoplasms"
    assert "Paclitaxel" in trial.intervention_mesh_terms
    assert trial.arm_groups[0].type == "EXPERIMENTAL"
    assert trial.interventions[0].type == "DRUG"


def test_v1_full_studies_entry_and_bare_study_give_the_same_trial() -> None:
    envelope = load("NCT02028676.json")
    entry = envelope["FullStudiesResponse"]["FullStudies"][0]
    assert study_to_trial(entry) == study_to_trial(entry["Study"]) == study_to_trial(envelope)
    assert study_to_trial(entry).eligibility.minimum_age == "3 Months"


def test_age_na_becomes_none() -> None:
    study = load("NCT05594173.json")
    study["protocolSection"]["eligibilityModule"]["maximumAge"] = "N/A"
    assert study_to_trial(study).eligibility.maximum_age is None


def problem_for(study: dict[str, Any]) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        study_to_trial(study, source_file="sample.json", member=None)
    assert caught.value.file == "sample.json"
    return caught.value


def test_missing_nct_id_names_the_field() -> None:
    study = load("NCT05594173.json")
    del study["protocolSection"]["identificationModule"]["nctId"]
    problem = problem_for(study)
    assert problem.field == "protocolSection.identificationModule.nctId"
    assert "missing" in problem.message


def test_invalid_nct_id_names_the_field() -> None:
    study = load("NCT05594173.json")
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    problem = problem_for(study)
    assert problem.field == "protocolSection.identificationModule.nctId"
    assert "NCT123" in problem.message


def test_wrong_types_name_the_field_and_the_record() -> None:
    study = load("NCT05594173.json")
    study["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many"
    problem = problem_for(study)
    assert problem.field == "protocolSection.designModule.enrollmentInfo.count"
    assert problem.record == "NCT05594173"
    assert "many" in str(problem)

    # A single text where a list is expected is read as a list of one (issue #11); a number is still wrong.
    study = load("NCT05594173.json")
    study["protocolSection"]["conditionsModule"]["conditions"] = 42
    assert problem_for(study).field == "protocolSection.conditionsModule.conditions"

    study = load("NCT05594173.json")
    study["protocolSection"]["contactsLocationsModule"]["locations"][0]["city"] = 42
    assert problem_for(study).field == "protocolSection.contactsLocationsModule.locations[0].city"

    study = load("NCT05594173.json")
    study["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = -3
    assert problem_for(study).field == "enrollment"


def test_bad_date_names_the_field() -> None:
    study = load("NCT05594173.json")
    study["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "soon"
    assert problem_for(study).field == "protocolSection.statusModule.startDateStruct.date"


def test_v1_wrong_types_name_the_v1_field() -> None:
    envelope = load("NCT04780763.json")
    v1 = copy.deepcopy(envelope)
    protocol = v1["FullStudiesResponse"]["FullStudies"][0]["Study"]["ProtocolSection"]
    protocol["DesignModule"]["EnrollmentInfo"]["EnrollmentCount"] = "many"
    problem = problem_for(v1)
    assert (
        problem.field
        == "FullStudiesResponse.FullStudies[0].Study.ProtocolSection.DesignModule.EnrollmentInfo.EnrollmentCount"
    )
    assert problem.record == "NCT04780763"

    v1 = copy.deepcopy(envelope)
    v1["FullStudiesResponse"]["FullStudies"][0]["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"] = "NCT1"
    assert (
        problem_for(v1).field == "FullStudiesResponse.FullStudies[0].Study.ProtocolSection.IdentificationModule.NCTId"
    )


def test_not_a_study() -> None:
    assert problem_for({"hello": "world"}).field == "protocolSection"
    assert problem_for({"protocolSection": []}).field == "protocolSection"
