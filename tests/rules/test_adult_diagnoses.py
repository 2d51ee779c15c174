"""Adult cancer diagnoses (issue #12): whole terms only, the hierarchy followed down, and every
qualifier beside a diagnosis either read by its own kind or left unparsed."""

from __future__ import annotations

import json

import pytest

from eligo.criteria.parse import parse_criteria
from eligo.rules._clinical import clinical_vocab
from eligo.rules._clinical_text import _diagnoses_in


def _parsed(section: str, text: str) -> tuple[dict[str, object] | None, tuple[str, ...]]:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    node = parse_criteria(f"{heading}\n\n* {text}\n")[0]
    rule = None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))
    return rule, tuple(node.unparsed)


def test_a_term_inside_a_longer_term_is_not_a_mention() -> None:
    # "lung cancer" and "small cell lung cancer" sit inside "non small cell lung cancer".
    assert _diagnoses_in("confirmed non small cell lung cancer") == ["non_small_cell_lung_cancer"]
    assert _diagnoses_in("small cell lung cancer or NSCLC") == ["small_cell_lung_cancer", "non_small_cell_lung_cancer"]
    assert _diagnoses_in("osteosarcoma") == ["osteosarcoma"]  # not "sarcoma"


def test_includes_are_followed_down_but_not_up() -> None:
    vocab = clinical_vocab()
    assert vocab.diagnosis_covers("lymphoma", "diffuse_large_b_cell_lymphoma")
    assert vocab.diagnosis_covers("solid_tumor", "colon_cancer")
    assert not vocab.diagnosis_covers("non_small_cell_lung_cancer", "lung_cancer")
    assert not vocab.diagnosis_covers("solid_tumor", "acute_myeloid_leukemia")


def test_profile_wording_is_canonicalised() -> None:
    vocab = clinical_vocab()
    assert vocab.canonical_diagnosis("Non-small cell lung cancer") == "non_small_cell_lung_cancer"
    assert vocab.canonical_diagnosis("DLBCL") == "diffuse_large_b_cell_lymphoma"
    assert vocab.canonical_diagnosis("all") is None  # "ALL" is an ordinary word: left out on purpose


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # Marker and stage qualifiers read by their own kinds: the whole criterion is one all_of.
        ("Histologically confirmed EGFR-mutant non-small cell lung cancer", ["diagnosis", "tumour_marker"]),
        ("HER2-positive breast cancer", ["diagnosis", "tumour_marker"]),
        ("Histologically confirmed stage IV melanoma", ["diagnosis", "disease_extent"]),
    ],
)
def test_qualifiers_read_by_their_own_kind_join_the_rule(text: str, kinds: list[str]) -> None:
    rule, unparsed = _parsed("inclusion", text)
    assert rule is not None and rule["kind"] == "all_of" and not unparsed
    assert [part["kind"] for part in rule["rules"]] == kinds  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("Patients with early DLBCL", "early"),
        ("metastatic or advanced PDAC", "metastatic or advanced"),  # NCT05380414
        ("Colorectal cancer stage 4.", "stage 4"),  # NCT03925662
    ],
)
def test_qualifiers_no_kind_reads_stay_unparsed(text: str, left: str) -> None:
    rule, unparsed = _parsed("inclusion", text)
    assert rule is not None and rule["kind"] == "diagnosis"
    assert unparsed == (left,)


def test_childhood_and_blood_cancers_sit_under_their_umbrellas() -> None:
    vocab = clinical_vocab()
    assert vocab.diagnosis_covers("solid_tumor", "wilms_tumor")
    assert vocab.diagnosis_covers("sarcoma", "leiomyosarcoma")  # sarcoma > soft tissue sarcoma > leiomyosarcoma
    assert vocab.diagnosis_covers("glioma", "diffuse_midline_glioma")
    assert vocab.diagnosis_covers("hematologic_malignancy", "mantle_cell_lymphoma")
    assert not vocab.diagnosis_covers("solid_tumor", "myelodysplastic_syndrome")
    assert not vocab.diagnosis_covers("hematologic_malignancy", "neuroblastoma")
    assert vocab.canonical_diagnosis("nephroblastoma") == "wilms_tumor"
    assert vocab.canonical_diagnosis("DIPG") == "diffuse_midline_glioma"


def test_a_trial_for_another_cancer_is_not_met_and_an_umbrella_is() -> None:
    from datetime import date

    from eligo.patients.profile import PatientProfile
    from eligo.rules.diagnosis import DiagnosisRule, evaluate_diagnosis

    child = PatientProfile.model_validate({"diagnosis": "Wilms tumour"})
    on = date(2026, 12, 3)
    assert evaluate_diagnosis(DiagnosisRule(diagnoses=("solid_tumor",)), child, on).verdict == "met"
    assert evaluate_diagnosis(DiagnosisRule(diagnoses=("medulloblastoma",)), child, on).verdict == "not_met"
    listed = DiagnosisRule(diagnoses=("ovarian_cancer", "fallopian_tube_cancer", "primary_peritoneal_cancer"))
    peritoneal = PatientProfile.model_validate({"diagnosis": "primary peritoneal carcinoma"})
    assert evaluate_diagnosis(listed, peritoneal, on).verdict == "met"


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Patients with relapsed or refractory neuroblastoma", ["relapsed", "refractory"]),
        ("Subjects must have relapsed or refractory solid tumors", ["relapsed", "refractory"]),
        ("Patients with previously untreated DLBCL", ["newly_diagnosed"]),
    ],
)
def test_who_it_is_about_does_not_hide_the_disease_course(text: str, states: list[str]) -> None:
    rule, unparsed = _parsed("inclusion", text)
    assert rule is not None and rule["kind"] == "all_of" and not unparsed
    assert [part["kind"] for part in rule["rules"]] == ["diagnosis", "disease_state"]  # type: ignore[index]
    assert rule["rules"][1]["states"] == states  # type: ignore[index]


def test_a_relapsed_child_does_not_meet_a_newly_diagnosed_trial() -> None:
    from datetime import date

    from eligo.patients.profile import PatientProfile
    from eligo.rules.disease_state import DiseaseStateRule, evaluate_disease_state

    rule = DiseaseStateRule(states=("newly_diagnosed",))
    on = date(2026, 12, 3)
    relapsed = PatientProfile.model_validate({"disease_states": ["relapsed"]})
    assert evaluate_disease_state(rule, relapsed, on).verdict == "not_met"
    new = PatientProfile.model_validate({"disease_states": ["newly_diagnosed"]})
    assert evaluate_disease_state(rule, new, on).verdict == "met"
    progressive = PatientProfile.model_validate({"disease_states": ["progressive"]})
    assert evaluate_disease_state(rule, progressive, on).verdict == "unknown"  # not said either way


def _exclusion_rule(inclusion: str, exclusion: str) -> dict[str, object] | None:
    nodes = parse_criteria(f"Inclusion Criteria:\n\n* {inclusion}\n\nExclusion Criteria:\n\n* {exclusion}\n")
    node = nodes[-1]
    assert node.section == "exclusion"
    return None if node.rule is None else json.loads(node.rule.model_dump_json(exclude_none=True))


def test_an_excluded_cancer_of_the_trials_own_family_is_read_and_a_second_cancer_is_not() -> None:
    own = _exclusion_rule("Histologically confirmed cholangiocarcinoma", "Gallbladder cancer")
    assert own == {"kind": "diagnosis", "diagnoses": ["gallbladder_cancer"]}  # both biliary tract cancers
    second = _exclusion_rule("Histologically confirmed non-small cell lung cancer", "Myelodysplastic syndrome")
    assert second is None  # the main diagnosis is lung cancer: a second cancer needs the family's answer
    assert _exclusion_rule("Gall stone disease", "Gallbladder cancer") is None  # no cancer of the trial's own


def test_a_trial_of_newborns_leaves_multiple_pregnancy_to_the_family() -> None:
    newborns = parse_criteria(
        "Inclusion Criteria:\n\n* All birth between 24 + 0 weeks of amenorrhea and 32 weeks\n\n"
        "Exclusion Criteria:\n\n* multiple pregnancies\n"
    )
    assert newborns[-1].rule is None
    mothers = parse_criteria(
        "Inclusion Criteria:\n\n* Pregnant women\n\nExclusion Criteria:\n\n* multiple pregnancies\n"
    )
    assert mothers[-1].rule is not None and mothers[-1].rule.kind == "condition"
