"""Golden cases for clinical criteria: criterion text in, rule JSON out
(tests/criteria/golden_rules/clinical.yaml), plus model validation and JSON round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from eligo.rules._clinical import clinical_vocab
from eligo.rules.age import AgeRule
from eligo.rules.attestation import AttestationRule
from eligo.rules.base import CriterionContext, Section
from eligo.rules.biomarker import BiomarkerRule
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.condition import ConditionRule
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.disease_site import DiseaseSiteRule
from eligo.rules.disease_state import DiseaseStateRule
from eligo.rules.high_risk import RiskGroupRule
from eligo.rules.life_expectancy import LifeExpectancyRule
from eligo.rules.organ_function import OrganFunctionRule
from eligo.rules.performance import PerformanceRule
from eligo.rules.permitted import PermittedRule
from eligo.rules.pregnancy import PregnancyRule
from eligo.rules.registry import BY_NAME, RULE_ADAPTER, Rule
from eligo.rules.sex import SexRule
from eligo.rules.toxicity_grade import ToxicityGradeRule

GOLDEN = Path(__file__).parent / "golden_rules" / "clinical.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
# The extractors of the conditional kind, and of the clinical kinds in registry order.
CONDITIONAL = tuple(step.extract for step in BY_NAME["conditional"].steps)
CLINICAL_KINDS = (
    "pregnancy", "all_of", "high_risk", "age", "performance", "life_expectancy", "toxicity_grade",
    "organ_function", "biomarker", "disease_site", "disease_state", "condition", "attestation", "diagnosis",
)  # fmt: skip
CLINICAL = tuple(step.extract for name in CLINICAL_KINDS for step in BY_NAME[name].steps)
SEEDS = ("NCT03363373", "NCT04751383", "NCT01711554", "NCT01370330")


def extract(
    text: str, section: Section = "inclusion", chain: tuple[Any, ...] = (*CONDITIONAL, *CLINICAL)
) -> Rule | None:
    """Conditional and permissive statements read first, as in eligo.rules.registry."""
    ctx = CriterionContext(text=text, section=section)
    for extractor in chain:
        rule = extractor(ctx)
        if rule is not None:
            return rule
    return None


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    rule = extract(case["text"], case["section"])
    expected = case["expected"]
    if expected is None:
        assert rule is None, rule
        return
    assert rule == RULE_ADAPTER.validate_python(expected)


def test_golden_file_covers_the_seed_trials_and_variety() -> None:
    for nct in SEEDS:
        assert sum(case["source"] == nct for case in CASES) >= 7, nct
    assert sum(case["source"].startswith("LCT") for case in CASES) >= 20


def _leaves(rule: Rule) -> list[Rule]:
    if isinstance(rule, AllOf | AnyOf):
        return [leaf for part in rule.rules for leaf in _leaves(part)]
    return [rule]


EXAMPLES: list[Rule] = [
    AgeRule(min_months=12, max_months=216, max_inclusive=False, scope="Arm A"),
    AgeRule(max_months=252, max_inclusive=False, at_diagnosis=True),
    SexRule(sex="female"),
    DiagnosisRule(diagnoses=("neuroblastoma", "osteosarcoma"), confirmation="histologic_or_cytologic"),
    RiskGroupRule(),
    DiseaseStateRule(states=("refractory",), never_relapsed=True, definition="persistent sites of disease"),
    DiseaseSiteRule(sites=("mibg_avid", "bone_marrow"), mode="only", scope="Cohort B2"),
    DiseaseSiteRule(min_lesion_mm=10, curie_score_min=3, within_days=42),
    BiomarkerRule(marker="alk", alterations=("mutation", "amplification")),
    BiomarkerRule(marker="mycn", alterations=("amplification",), present=False),
    PerformanceRule(lansky_min=50, karnofsky_min=50, ecog_max=2),
    LifeExpectancyRule(comparator=">=", amount=6, unit="weeks"),
    ToxicityGradeRule(comparator=">", grade=2, what="major organ dysfunction", exceptions=("hearing loss",)),
    OrganFunctionRule(measure="shortening_fraction", comparator=">=", percent=27),
    ConditionRule(conditions=("active_infection",), qualifier="life-threatening"),
    ConditionRule(conditions=("active_infection", "arrhythmia"), label="Uncontrolled illness", open_ended=True),
    PregnancyRule(topic="pregnant", breastfeeding=True, present=False),
    PregnancyRule(topic="contraception", sex="male"),
    PermittedRule(who="children with known bone marrow disease", provided="as long as they meet the blood counts"),
    ConditionalRule(
        if_present=ConditionRule(conditions=("hepatitis_b",)),
        condition="hepatitis B",
        requirement="the HBV viral load must be undetectable",
    ),
    AttestationRule(subject="ability", action="swallow capsules whole", negated=True),
]


@pytest.mark.parametrize("rule", EXAMPLES, ids=lambda rule: rule.kind)
def test_every_kind_round_trips_through_json_and_asks_a_question(rule: Rule) -> None:
    assert RULE_ADAPTER.validate_json(RULE_ADAPTER.dump_json(rule)) == rule
    sections: tuple[Section, ...] = ("inclusion", "exclusion")
    for section in sections:
        question = rule.question(section)
        assert question.endswith("?") and "{" not in question and "_" not in question, question


def test_examples_cover_every_clinical_kind() -> None:
    kinds = {rule.kind for rule in EXAMPLES}
    golden = {
        leaf.kind
        for case in CASES
        if case["expected"]
        for leaf in _leaves(RULE_ADAPTER.validate_python(case["expected"]))
    }
    assert kinds == golden | {"sex"}


@pytest.mark.parametrize("case", [c for c in CASES if c["expected"]], ids=lambda c: c["id"])
def test_golden_rules_round_trip(case: dict[str, Any]) -> None:
    rule = RULE_ADAPTER.validate_python(case["expected"])
    assert RULE_ADAPTER.validate_json(RULE_ADAPTER.dump_json(rule)) == rule


def test_attestations_are_not_computable() -> None:
    assert not AttestationRule.computable
    assert AgeRule.computable


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: AgeRule(), "lower or an upper limit"),
        (lambda: AgeRule(min_months=24, max_months=12), "must not exceed"),
        (lambda: AgeRule(min_months=12, max_months=12, max_inclusive=False), "empty"),
        (lambda: DiagnosisRule(diagnoses=("flu",)), "unknown diagnoses"),
        (lambda: DiseaseStateRule(states=("relapsed",), never_relapsed=True), "contradicts"),
        (lambda: DiseaseSiteRule(), "needs a site"),
        (lambda: DiseaseSiteRule(sites=("soft_tissue",), mode="only"), "mode 'only'"),
        (lambda: BiomarkerRule(marker="mycn", alterations=("mutation",)), "MYCN"),
        (lambda: PerformanceRule(), "at least one scale"),
        (lambda: ConditionRule(conditions=("made_up_condition",)), "unknown conditions"),
        (lambda: ConditionRule(conditions=("hiv",), open_ended=True), "label"),
        (lambda: PregnancyRule(topic="negative_test", sex="male"), "girls"),
        (lambda: AttestationRule(subject="consent", action="sign", negated=True), "negated"),
        (lambda: ToxicityGradeRule(comparator=">", grade=2, fully_recovered=True), "fully_recovered"),
    ],
)
def test_models_validate_themselves(build: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_rules_are_frozen() -> None:
    rule = AgeRule(min_months=12)
    with pytest.raises(ValidationError):
        rule.min_months = 13  # type: ignore[misc]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("1 Year", None, AgeRule(min_months=12)),
        ("18 Months", "21 Years", AgeRule(min_months=18, max_months=252, unit="months")),
        ("12 Months", "30 Years", AgeRule(min_months=12, max_months=360, unit="months")),
        (None, "6 Weeks", AgeRule(max_months=2, unit="months")),  # weeks round up for a maximum
        ("30 Days", "N/A", None),  # rounds down to 0 months: no limit worth stating
        (None, None, None),
    ],
)
def test_age_from_registry(low: str | None, high: str | None, expected: AgeRule | None) -> None:
    assert AgeRule.from_registry(low, high) == expected


def test_age_from_registry_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="unreadable"):
        AgeRule.from_registry("one year", None)


def test_escaped_and_clean_text_read_the_same() -> None:
    assert extract("Lansky (\\=< 16 years) or Karnofsky (\\> 16 years) score of at least 50") == extract(
        "Lansky (=< 16 years) or Karnofsky (> 16 years) score of at least 50"
    )


def test_questions_use_parents_language() -> None:
    site = extract("MIBG uptake: Tumors must be shown to be MIBG avid within 6 weeks prior to enrollment")
    assert site is not None
    assert "shows up on an MIBG scan" in site.question("inclusion")
    infection = extract("Active life-threatening infection", "exclusion")
    assert infection is not None
    assert infection.question("exclusion") == "Does your child have an active infection (life-threatening)?"
    consent = extract(
        "All patients and/or their parents or legally authorized representatives must have the "
        "ability to understand and the willingness to sign a written informed consent"
    )
    assert consent is not None
    assert consent.question("inclusion").startswith("Are you (and your child, where old enough) willing to")


def test_therapy_and_permission_texts_are_left_alone() -> None:
    for text in (
        "Patients who have received prior anti-GD2 antibody therapy are eligible if they did not have tumor "
        "relapse/progression while receiving this therapy",
        "Patients must not have received myelosuppressive chemotherapy within 3 weeks of enrollment",
        "Except for patients with a history of progressive disease, patients whose only site(s) of disease have "
        "been radiated are eligible if at least one lesion meets at least one of the criteria listed above",
    ):
        assert extract(text, chain=CLINICAL) is None, text


def test_vocab_loads_once_and_is_consistent() -> None:
    vocab = clinical_vocab()
    assert vocab is clinical_vocab()
    assert vocab.canonical_diagnosis("NBL") == "neuroblastoma"
    assert vocab.diagnosis_covers("solid_tumor", "neuroblastoma")
    assert vocab.pregnancy.female_min_age_years == 10
