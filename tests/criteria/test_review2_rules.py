"""The second out-of-sample review at parser version 7 (issue #12): golden extractions for the general causes of
its partly and wrong rows (tests/criteria/golden_rules/review2.yaml), and the structure of the criteria lists
they stood in: a short line is not a heading over the parallel line after it, and "as defined by ..." in the
middle of a criterion opens no list."""

from __future__ import annotations

from datetime import date

from golden_rules_support import golden_tests

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion, parse_criteria
from eligo.matching.evaluate import evaluate_trial
from eligo.patients.load import profile_from_data

test_golden, test_every_case_cites_a_real_trial = golden_tests("review2.yaml")


def _top(text: str) -> list[ParsedCriterion]:
    return list(parse_criteria(text))


def test_parallel_lines_sharing_a_word_stay_criteria() -> None:
    # NCT03921580: "Pregnant or breastfeeding women" was read as a heading over "Women with menstrual
    # irregularities" (both say "women"), so the pregnancy exclusion was lost; likewise "Subjects with ...".
    text = (
        "Exclusion Criteria:\n"
        "  -  Subjects with sensory problems\n"
        "  -  Subjects with gastrointestinal diseases that affect the digestion or absorption of nutrients\n"
        "  -  Pregnant or breastfeeding women\n"
        "  -  Women with menstrual irregularities (absence of menstrual cycle at least 2 months)\n"
    )
    top = _top(text)
    assert [node.kind for node in top] == ["criterion"] * 4
    pregnant = top[2]
    assert pregnant.rule is not None and pregnant.rule.kind == "pregnancy"
    parsed = ParsedCriteria(nct_id="NCT03921580", criteria=tuple(top))
    profile = profile_from_data({"age_years": 30, "sex": "female", "pregnant": True})
    result = evaluate_trial(parsed, profile, date(2026, 12, 2))
    assert result.verdict == "ineligible"


def test_a_list_of_histories_is_not_a_chain_of_headings() -> None:
    # NCT03863639: each "History of ..." line headed the next, losing alcoholism and psychiatric illness.
    text = (
        "Exclusion Criteria:\n"
        "  -  History of alcoholism\n"
        "  -  History of psychiatric illness\n"
        "  -  History of claustrophobia\n"
    )
    top = _top(text)
    assert [node.text for node in top] == [
        "History of alcoholism",
        "History of psychiatric illness",
        "History of claustrophobia",
    ]
    assert all(node.kind == "criterion" and node.rule is not None for node in top)


def test_a_short_label_inside_an_any_of_list_still_heads_its_details() -> None:
    # NCT01711554: "Bone disease" under "at least ONE of the following" heads the bone-site line after it.
    text = (
        "Inclusion Criteria:\n\n"
        "* Patients must have at least ONE of the following:\n"
        "* Bone disease\n"
        "* At least one metaiodobenzylguanidine (MIBG) avid bone site or diffuse MIBG uptake\n"
        "* Any amount of neuroblastoma tumor cells in the bone marrow based on routine morphology\n"
    )
    group = _top(text)[0]
    assert group.group_op == "any"
    bone = group.children[0]
    assert bone.text == "Bone disease" and bone.kind == "heading"
    assert [child.text[:19] for child in bone.children] == ["At least one metaio"]


def test_as_defined_by_inside_a_criterion_opens_no_list() -> None:
    # NCT03866317: "Systemic Lupus Erythematosus (SLE) as defined by ACR criteria" took every exclusion after it
    # as its items, and its own exclusion was lost.
    text = (
        "Exclusion Criteria:\n"
        "  1. Pregnancy or breast feeding\n"
        "  3. Systemic Lupus Erythematosus (SLE) as defined by ACR criteria\n"
        "  4. Known hypersensitivity to any of the constituents or excipients of the investigational product\n"
        "  8. Participation in another clinical research study with an investigational drug within 4 weeks\n"
    )
    top = _top(text)
    assert [node.kind for node in top] == ["criterion"] * 4
    assert not top[1].children


def test_defined_by_at_the_end_of_a_line_still_opens_its_list() -> None:
    # NCT03863639: "Severe Pre-Eclampsia defined by" introduces the features below it.
    text = "Inclusion Criteria:Severe Pre-Eclampsia defined by\n  -  Altered mental status\n  -  Pulmonary edema\n"
    top = _top(text)
    assert len(top) == 1 and [child.text for child in top[0].children] == ["Altered mental status", "Pulmonary edema"]
