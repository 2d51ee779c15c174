"""A bare gestational age ("Gestational age < 32 weeks") says neither whose nor when; the parser reads it only
where the trial's inclusions say who takes part: newborns (at birth) or pregnant women (now), never both
(issue #12, observations round). Whole trial texts, as `parse_criteria` reads them."""

from __future__ import annotations

from eligo.criteria.parse import parse_criteria
from eligo.criteria.stats import leaf_criteria
from eligo.rules.gestation import GestationRule


def _rules(text: str) -> dict[str, object]:
    return {node.text: node.rule for node in leaf_criteria(parse_criteria(text))}


def test_a_trial_of_newborns_reads_the_age_at_birth() -> None:
    # NCT03860428: preterm newborns with a patent ductus arteriosus.
    rules = _rules(
        "Inclusion Criteria:\n  -  Gestational age < 32 weeks\n  -  Birthweight <1500 g\n  -  Age less than 72 hours\n"
        "Exclusion Criteria:\n  -  Any intraventricular hemorrhage (IVH) in the first 48 hours or IVH grade 3-4"
    )
    assert rules["Gestational age < 32 weeks"] == GestationRule(subject="birth", max_weeks=32, max_inclusive=False)


def test_a_trial_of_pregnant_women_reads_the_pregnancy_now_in_either_section() -> None:
    # NCT03925922 (inclusion) and NCT03864692 (exclusion of a parturient's trial).
    rules = _rules(
        "Inclusion Criteria:\n  -  Nulliparous singleton pregnancy\n  -  gestational age between 37week and 42 weeks\n"
        "Exclusion Criteria:\n  -  gestational age < 36 weeks"
    )
    assert rules["gestational age between 37week and 42 weeks"] == GestationRule(
        subject="pregnancy", min_weeks=37, max_weeks=42
    )
    assert rules["gestational age < 36 weeks"] == GestationRule(subject="pregnancy", max_weeks=36, max_inclusive=False)


def test_a_trial_that_speaks_of_both_or_neither_leaves_it_to_the_family() -> None:
    # NCT03863444: a primipara "plan to have the birth in the medical center".
    both = _rules(
        "Inclusion Criteria:\n  -  (1) gestational age 35 to 39 weeks\n  -  (3) primipara and their spouses\n"
        "  -  (4) having routine prenatal visits and plan to have the birth in the medical center"
    )
    assert both["(1) gestational age 35 to 39 weeks"] is None
    # NCT03860701: a trial of necrotising enterocolitis that names no newborns or births.
    neither = _rules(
        "Inclusion Criteria:\n  -  Patients with NEC (stages I-III Bell's Classification)\n"
        "  -  Gestational age < 36 weeks."
    )
    assert neither["Gestational age < 36 weeks."] is None
