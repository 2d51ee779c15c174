"""Legacy CT.gov `<clinical_study>` XML to Trial, on the real sample records of both collections."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.support.data import LEGACY_XML, SAMPLE_COUNTS, TREC_XML, sample_files

from eligo.trials.legacy_xml import clinical_study_to_trial
from eligo.trials.model import ImportProblem, SourceFormat, Trial
from eligo.trials.registry_terms import enum_word, partial_date, phase_words

LEGACY = LEGACY_XML
TREC = TREC_XML
XML_FILES = sample_files(LEGACY, "*.xml") + sample_files(TREC, "*.xml")


def read(path: Path) -> Trial:
    return clinical_study_to_trial(ET.parse(path).getroot(), source_file=str(path))


def test_all_samples_are_present() -> None:
    # The subsets copied into tests/data (see its README.md), not the 60 and 65 records of the full sets.
    assert len(list(LEGACY.glob("*.xml"))) == SAMPLE_COUNTS[LEGACY_XML] == 15
    assert len(list(TREC.glob("*.xml"))) == SAMPLE_COUNTS[TREC_XML] == 11


@pytest.mark.parametrize("path", XML_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_sample_imports_and_round_trips(path: Path) -> None:
    trial = read(path)
    # A few samples are re-downloads filed under an alias; the alias is kept as a secondary id.
    assert path.stem == trial.nct_id or path.stem in trial.secondary_ids
    assert trial.brief_title
    assert trial.provenance is not None
    assert trial.provenance.source_format is SourceFormat.CTGOV_LEGACY_XML
    assert Trial.model_validate_json(trial.model_dump_json()) == trial


def test_trec_record_key_fields() -> None:
    trial = read(TREC / "NCT00055081.xml")
    assert trial.nct_id == "NCT00055081"
    assert trial.brief_title == "The Impact of Family CTI on Homeless Children"
    assert trial.overall_status == "COMPLETED"
    assert trial.phases == ("NA",)
    assert trial.study_type == "INTERVENTIONAL"
    assert (trial.enrollment, trial.enrollment_type) == (320, "ACTUAL")
    assert (trial.start_date, trial.completion_date) == ("2002-07", "2005-11")
    assert (trial.first_posted_date, trial.last_update_date) == ("2003-02-20", "2013-12-06")
    assert trial.conditions == ("Mental Health",)
    assert trial.secondary_ids == ("R01MH067148", "DSIR 82-SEMS")
    assert trial.lead_sponsor is not None
    assert trial.lead_sponsor.sponsor_class == "OTHER"
    assert trial.collaborators[0].sponsor_class == "NIH"
    assert trial.locations[0].city == "Orangeburg"
    assert trial.eligibility.minimum_age == "18 Months"
    assert trial.eligibility.sex == "ALL"
    assert trial.eligibility.healthy_volunteers is True
    assert trial.overall_officials[0].role == "PRINCIPAL_INVESTIGATOR"


def test_textblocks_are_dedented_and_keep_paragraphs() -> None:
    trial = read(TREC / "NCT00055081.xml")
    assert trial.eligibility.criteria == (
        "Inclusion Criteria:\n\n"
        "  -  Enrollment in the parent study\n\n"
        "  -  Homeless and living at a shelter with mother/maternal guardian at the time of study\n"
        "     enrollment"
    )
    assert trial.brief_summary is not None
    assert trial.brief_summary.startswith("The purpose of this study is to examine how services")
    assert "\r" not in trial.brief_summary
    assert trial.detailed_description is not None and "\n\nParticipants are randomly" in trial.detailed_description


def test_combined_phase_mesh_terms_and_arm_links() -> None:
    trial = read(LEGACY / "NCT00023673.xml")
    assert trial.phases == ("PHASE1", "PHASE2")
    assert trial.condition_mesh_terms[:2] == ("Lung Neoplasms", "Carcinoma, Non-Small-Cell Lung")
    assert "Paclitaxel" in trial.intervention_mesh_terms
    assert trial.eligibility.minimum_age is None  # "N/A"
    assert trial.locations[0].city == "Mobile"
    # Arms list their interventions the way API v2 does, built from the interventions' arm labels.
    assert "Drug: carboplatin" in trial.arm_groups[0].intervention_names
    assert trial.arm_groups[0].type == "EXPERIMENTAL"


def test_status_words_become_v2_enums() -> None:
    assert read(LEGACY / "NCT00151216.xml").overall_status == "ACTIVE_NOT_RECRUITING"
    available = read(LEGACY / "NCT01220531.xml")
    assert (available.overall_status, available.study_type) == ("AVAILABLE", "EXPANDED_ACCESS")
    assert read(LEGACY / "NCT03182660.xml").overall_status == "WITHHELD"


def test_location_contacts_and_investigators() -> None:
    trial = read(LEGACY / "NCT01220531.xml")
    [site] = trial.locations
    assert (site.facility, site.city, site.state, site.zip) == (
        "Duke University Medical Center",
        "Durham",
        "North Carolina",
        "27701",
    )
    assert [(person.name, person.role) for person in site.contacts] == [
        ("M. Louise Markert, M.D., Ph.D", "CONTACT"),
        ("Stephanie Gupton, RN, CPNP", "CONTACT"),
        ("M. Louise Markert, M.D., Ph.D", "PRINCIPAL_INVESTIGATOR"),
    ]
    assert [person.email for person in trial.central_contacts][-1] == "stephanie.gupton@dm.duke.edu"


def study_xml(body: str) -> ET.Element:
    return ET.fromstring(f"<clinical_study><brief_title>T</brief_title>{body}</clinical_study>")


def problem_for(element: ET.Element) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        clinical_study_to_trial(element, source_file="bad.xml")
    assert caught.value.file == "bad.xml"
    return caught.value


def test_missing_and_invalid_ids_name_the_field() -> None:
    assert problem_for(study_xml("<id_info><org_study_id>x</org_study_id></id_info>")).field == (
        "clinical_study/id_info/nct_id"
    )
    problem = problem_for(study_xml("<id_info><nct_id>NCT123</nct_id></id_info>"))
    assert problem.field == "clinical_study/id_info/nct_id"
    assert "NCT123" in problem.message


def test_wrong_values_name_the_field_and_record() -> None:
    ok = "<id_info><nct_id>NCT00000001</nct_id></id_info>"
    problem = problem_for(study_xml(ok + "<enrollment>many</enrollment>"))
    assert (problem.field, problem.record) == ("clinical_study/enrollment", "NCT00000001")
    assert problem_for(study_xml(ok + "<start_date>someday</start_date>")).field == "clinical_study/start_date"
    assert problem_for(study_xml(ok + "<phase>Phase X</phase>")).field == "clinical_study/phase"


def test_registry_words() -> None:
    assert enum_word("Active, not recruiting") == "ACTIVE_NOT_RECRUITING"
    assert enum_word("Unknown status") == "UNKNOWN"
    assert enum_word("Anticipated") == "ESTIMATED"
    assert enum_word("N/A") is None
    assert phase_words("Early Phase 1") == ("EARLY_PHASE1",)
    assert phase_words("Phase 2/Phase 3") == ("PHASE2", "PHASE3")
    assert partial_date("March 2018") == "2018-03"
    assert partial_date("March 15, 2018") == "2018-03-15"
    assert partial_date("2018-03") == "2018-03"
    with pytest.raises(ValueError, match="not a date"):
        partial_date("Spring 2018")
