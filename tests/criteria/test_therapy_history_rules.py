"""Golden extractions for therapy history and exposures: prior treatment with a named drug or class,
adult-oncology washouts, their regressions (tests/criteria/golden_rules/therapy_history.yaml, issue #12)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pytest
from golden_rules_support import golden_tests

from eligo.patients.profile import PatientProfile, Therapy
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract
from eligo.rules.registry import EVALUATORS

test_golden, test_every_case_cites_a_real_trial = golden_tests("therapy_history.yaml")


# --- evaluation of what these readings add ----------------------------------------------------------

ON = date(2026, 11, 23)


def _verdict(rule: Any, *therapies: Therapy) -> str:
    outcome = EVALUATORS[type(rule)](rule, PatientProfile(therapies=therapies), ON)
    return str(outcome.verdict.value)


def _rule(text: str, section: Literal["inclusion", "exclusion"] = "exclusion") -> Any:
    rule = extract(CriterionContext(text=text, section=section)).rule
    assert rule is not None
    return rule


@pytest.mark.parametrize(
    ("agent", "verdict"),
    [("Enhertu", "met"), ("sacituzumab govitecan", "met"), ("trastuzumab", "not_met"), ("docetaxel", "not_met")],
)
def test_antibody_drug_conjugates_are_read_by_name_and_brand(agent: str, verdict: str) -> None:
    rule = _rule("Prior treatment with antibody-conjugated drugs")  # NCT05482568
    assert _verdict(rule, Therapy(agent=agent, end=date(2026, 1, 5))) == verdict


@pytest.mark.parametrize(
    ("agent", "verdict"), [("Xtandi", "met"), ("abiraterone acetate", "met"), ("pemetrexed", "not_met")]
)
def test_hormonal_agents_cover_prostate_cancer_hormone_drugs(agent: str, verdict: str) -> None:
    rule = _rule("Prior therapy with hormonal agents")  # NCT00739830
    assert _verdict(rule, Therapy(agent=agent, end=date(2025, 6, 1))) == verdict


@pytest.mark.parametrize(
    ("agent", "days_ago", "verdict"),
    [("lomustine", 35, "met"), ("lomustine", 42, "not_met"), ("cyclophosphamide", 35, "not_met"),
     ("cyclophosphamide", 20, "met")],
)  # fmt: skip
def test_longer_window_for_a_class_inside_a_within_washout(agent: str, days_ago: int, verdict: str) -> None:
    # The shape of NCI's "within 4 weeks (6 weeks for nitrosoureas or mitomycin C)", with classes only.
    rule = _rule("Chemotherapy within 3 weeks (6 weeks for nitrosoureas) prior to enrollment")
    assert rule.longer_for == {"nitrosourea": 42}
    assert "(or any nitrosourea chemotherapy in the last 6 weeks)" in rule.question("exclusion")
    last = date.fromordinal(ON.toordinal() - days_ago)
    assert _verdict(rule, Therapy(agent=agent, end=last)) == verdict


def test_a_longer_window_for_a_drug_outside_the_classes_gives_no_rule() -> None:
    text = "Chemotherapy within 4 weeks (6 weeks for nitrosoureas or mitomycin C) prior to entering the study"
    assert extract(CriterionContext(text=text, section="exclusion")).rule is None


def test_named_drug_is_read_as_a_whole_term_only() -> None:
    # A drug-like name the vocabulary does not hold keeps the criterion free text, and a known name
    # inside a longer word ("imatinibum") is no mention of it.
    for text in ("Prior treatment with foxotinib", "Prior treatment with imatinibum"):
        assert extract(CriterionContext(text=text, section="exclusion")).rule is None
    assert _rule("Prior treatment with imatinib").exposure.agents == ("imatinib",)


@pytest.mark.parametrize(
    ("agent", "verdict"), [("Zytiga", "met"), ("darolutamide", "met"), ("bicalutamide", "not_met")]
)
def test_androgen_receptor_pathway_inhibitors_are_the_second_generation_agents(agent: str, verdict: str) -> None:
    # Prostate-cancer trials' "ARPI" / "ARSI": abiraterone and enzalutamide-like drugs, not bicalutamide.
    rule = _rule("Prior treatment with an androgen receptor pathway inhibitor (ARPI)")
    assert rule.exposure.therapy_classes == ("ar_pathway_inhibitor",)
    assert _verdict(rule, Therapy(agent=agent, end=date(2025, 6, 1))) == verdict
