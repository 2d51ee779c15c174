"""How lists combine and whom they are for (issue #12, precision round): a definition's findings are
alternatives, a list that admits a healthy group by name scopes its disease requirements to the patients,
and a cancer trial's exclusions read "malignancy" as another cancer than the trial's own."""

from __future__ import annotations

from datetime import date

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion, parse_criteria
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.load import profile_from_data


def _find(nodes: tuple[ParsedCriterion, ...], start: str) -> ParsedCriterion:
    return next(node for root in nodes for node in root.walk() if node.text.startswith(start))


def test_a_definitions_findings_are_alternatives() -> None:
    # NCT03863639: any one feature defines severe pre-eclampsia; read as all-of, thrombocytopenia was
    # required of everyone (hand review: wrong).
    text = (
        "Inclusion Criteria:Severe Pre-Eclampsia defined by\n"
        "  -  Altered mental status\n"
        "  -  Thrombocytopenia (<100,000 platelets/microL)\n"
        "  -  Pulmonary edema\n"
    )
    group = _find(parse_criteria(text), "Severe Pre-Eclampsia")
    assert group.group_op == "any" and len(group.children) == 3
    # NCT03869593, under an exclusion heading: any one of the states makes the patient immunocompromised.
    text = (
        "Exclusion Criteria:\n  -  Immunocompromised patient defined by:\n"
        "       -  chemotherapy-induced neutropenia\n       -  Congenital immune deficiency\n"
    )
    assert _find(parse_criteria(text), "Immunocompromised").group_op == "any"


def test_a_definition_joined_by_and_or_met_as_defined_by_is_all_of() -> None:
    # NCT03927391: "Frail is defined as: * a G8 score ... and * ..." needs both (the unmarked footnote line
    # joins the item before it, as in the trial).
    text = (
        "Inclusion Criteria:\n  -  Age at least 18 years\nᵃ Frail is defined as:\n"
        "  -  a score on the comprehensive G8 assessment with cut-off ≤14 points and\n"
        "  -  score ≥grade 1 for Central Nervous Disorders according to the CTCAE criteria\n"
    )
    frail = _find(parse_criteria(text), "Age at least 18 years")
    assert frail.text.endswith("Frail is defined as:") and frail.group_op == "all"
    # NCT01711554: criteria a lesion meets "as defined by:" are requirements, all of them.
    text = (
        "Inclusion Criteria:\n"
        "* At least one soft tissue lesion that meets the criteria for a TARGET lesion as defined by:\n"
        "  * SIZE: Lesion can be accurately measured in at least one dimension with a longest diameter >= 10 mm\n"
        "  * In addition to size, a lesion needs to be MIBG avid\n"
    )
    assert _find(parse_criteria(text), "At least one soft tissue").group_op == "all"


def test_a_list_that_admits_a_healthy_group_scopes_the_patients_disease() -> None:
    # NCT03927014 (case-control): women with pre-eclampsia or a healthy pregnancy.
    text = "Inclusion Criteria:\n  -  preeclampsia\n  -  healthy pregnancy\nExclusion Criteria:\n  -  active labor\n"
    parsed = ParsedCriteria(nct_id="NCT03927014", criteria=parse_criteria(text))
    disease = _find(parsed.criteria, "preeclampsia")
    assert disease.rule is not None and disease.section_source == "scoped"
    control = profile_from_data({"age_years": 28, "sex": "female", "conditions_absent": ["preeclampsia"]})
    result = evaluate_trial(parsed, control, date(2026, 12, 3))
    verdict = next(c for c in result.criteria if c.text == "preeclampsia")
    assert not verdict.rules_out
    # NCT03922113: ICU patients, surgical patients or "Healthy subjects".
    text = (
        "Inclusion Criteria:\n  -  Collaborative ICU patients with length of stay > 48h\n"
        "  -  Surgical patients scheduled for colorectal surgery\n  -  Healthy subjects\n"
    )
    assert _find(parse_criteria(text), "Surgical patients").section_source == "scoped"


def test_healthy_everyone_is_no_second_group() -> None:
    # NCT03864094: "Healthy women" is asked of everyone, and so is the age limit beside it.
    text = "Inclusion Criteria:\n  -  Healthy women\n  -  Age 18-50 years\n"
    assert all(node.section_source == "heading" for node in parse_criteria(text))
    # NCT03867344: "Healthy volunteers" names a group, but no sibling asks for a disease: nothing is scoped.
    text = "Inclusion Criteria:\n  -  Healthy volunteers\n  -  Males and Females age 18 to 45 years\n"
    assert all(node.section_source == "heading" for node in parse_criteria(text))


def test_a_cancer_trials_history_of_malignancy_is_another_cancer() -> None:
    # The inclusion of NCT03861676 (prostate cancer) with the plain exclusion of NCT03924622: in a cancer trial
    # "History of malignancy" cannot mean the cancer every participant has.
    exclusion = "Exclusion Criteria:\n  -  History of malignancy\n"
    cancer = parse_criteria("Inclusion Criteria:\n  -  Adenocarcinoma of the prostate\n" + exclusion)
    history = _find(cancer, "History of malignancy")
    assert history.rule is not None and history.question == (
        "Has your child ever had another cancer (other than the one being treated in this trial)?"
    )
    # NCT03924622 itself (military volunteers): any cancer, as written.
    plain = parse_criteria("Inclusion Criteria:\n  -  Age 18 to 55\n" + exclusion)
    assert _find(plain, "History of malignancy").question == "Has your child ever had cancer (a malignancy)?"
