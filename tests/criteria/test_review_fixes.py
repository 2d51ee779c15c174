"""Regressions from the independent review of the rules drawn fresh at parser version 7 (issue #12): each
case is a real criterion from ../shared/data (NCT id given) that a reviewer found read wrongly."""

from __future__ import annotations

from eligo.criteria.parse import parse_criteria
from eligo.criteria.stats import leaf_criteria
from eligo.criteria.tree import split_criteria
from eligo.rules.base import CriterionContext
from eligo.rules.composite import AnyOf
from eligo.rules.condition import ConditionRule
from eligo.rules.extract import extract


def _leaf(text: str, heading: str = "Exclusion Criteria:") -> tuple[str, object]:
    (node,) = leaf_criteria(parse_criteria(f"{heading}\n\n* {text}\n"))
    return node.section_source, node.rule


def test_a_staff_list_is_scoped() -> None:
    # NCT03861429: "Staff Inclusion Criteria" lists what the staff taking part agree to, not the residents.
    tree = split_criteria("Staff Inclusion Criteria:\n\n* Willing to complete short surveys\n")
    assert [item.section_source for item in tree.inclusion] == ["scoped"]


def test_an_exclusions_clauses_are_each_a_reason() -> None:
    # NCT03928873: any one of them excludes, not all of them together.
    found = extract(
        CriterionContext(
            text="Multiple trigger finger; local infection; malignancy; inflammatory arthritis; "
            "cardiac arrhythmia or cardiac pacemaker; and pregnancy.",
            section="exclusion",
        )
    )
    assert isinstance(found.rule, AnyOf)
    assert found.partial


def test_an_age_that_says_who_assents_is_no_age_limit() -> None:
    # NCT03860376 takes patients aged 21 or younger; "aged 7 to 17" says who signs assent.
    assert _leaf("Subjects aged 7 to 17 willing to sign assent", "Inclusion Criteria:")[1] is None


def test_a_requirement_under_an_exclusion_heading_is_uncertain() -> None:
    # NCT03926702 lists "Subjects must be fluent English speakers" under its exclusion heading.
    source, rule = _leaf("Subjects must be fluent English speakers")
    assert source == "wording" and rule is not None


def test_heart_failure_is_not_any_cardiac_dysfunction() -> None:
    # NCT03869151 / NCT03922906: a cardiomyopathy without heart failure is not excluded by "heart failure".
    _, rule = _leaf("Patients with congestive cardiac failure")
    assert isinstance(rule, ConditionRule) and rule.conditions == ("heart_failure",)


def test_uncontrolled_stays_in_the_qualifier() -> None:
    # NCT03867682: an infection under control is still active; "uncontrolled" narrows the exclusion.
    _, rule = _leaf("Active, uncontrolled serious infection.")
    assert isinstance(rule, ConditionRule) and rule.qualifier is not None and "uncontrolled" in rule.qualifier


def test_a_deceased_relatives_specimens_are_no_consent_rule() -> None:
    # NCT03922893: about relatives' biospecimens and their executor's consent, not the participant's.
    text = "Biospecimens derived from deceased family members may be used for research if the executor consents"
    assert _leaf(text, "Inclusion Criteria:")[1] is None
