"""The kind records of the rules about the child and the disease (models in `eligo.criteria.rules.clinical`,
extractors in `eligo.criteria.extractors.clinical`, evaluators in `eligo.rules.evaluators.clinical`)."""

from __future__ import annotations

from collections.abc import Mapping

from eligo.criteria.extractors import clinical as extract
from eligo.criteria.rules import clinical as model
from eligo.rules.evaluators import clinical as evaluate
from eligo.rules.kind import RuleKind, Step


def wording() -> Mapping[str, str]:
    return model.clinical_vocab().questions


def _steps(*extractors: extract.Extractor) -> tuple[Step, ...]:
    triggers = extract.triggers()
    return tuple(Step(extractor, triggers.get(extractor)) for extractor in extractors)


PREGNANCY = RuleKind(
    model.PregnancyRule, wording, ("pregnant_present", "pregnant_absent", "negative_test", "contraception"),
    evaluate.evaluate_pregnancy, _steps(extract.extract_pregnancy),
)  # fmt: skip
RISK_GROUP = RuleKind(
    model.RiskGroupRule, wording, ("high_risk", "not_high_risk"), evaluate.evaluate_risk_group,
    _steps(extract.extract_risk_group),
)  # fmt: skip
AGE = RuleKind(model.AgeRule, wording, ("age", "age_at_diagnosis"), evaluate.evaluate_age, _steps(extract.extract_age))
SEX = RuleKind(model.SexRule, wording, ("sex",), evaluate.evaluate_sex, from_registry=True)
PERFORMANCE = RuleKind(
    model.PerformanceRule, wording, ("performance",), evaluate.evaluate_performance,
    _steps(extract.extract_performance),
)  # fmt: skip
TOXICITY_GRADE = RuleKind(
    model.ToxicityGradeRule, wording, ("toxicity_max", "toxicity_recovered", "toxicity_min"),
    evaluate.evaluate_toxicity, _steps(extract.extract_toxicity),
)  # fmt: skip
ORGAN_FUNCTION = RuleKind(
    model.OrganFunctionRule, wording, ("cardiac",), evaluate.evaluate_organ_function, _steps(extract.extract_cardiac)
)
BIOMARKER = RuleKind(
    model.BiomarkerRule, wording, ("biomarker_present", "biomarker_absent"), evaluate.evaluate_biomarker,
    _steps(extract.extract_biomarker),
)  # fmt: skip
DISEASE_SITE = RuleKind(
    model.DiseaseSiteRule, wording,
    ("site_any", "site_all", "site_only", "site_lesion", "site_curie", "site_within", "site_biopsy", "site_none"),
    evaluate.evaluate_disease_site, _steps(extract.extract_disease_site),
)  # fmt: skip
DISEASE_STATE = RuleKind(
    model.DiseaseStateRule, wording, ("disease_state", "never_relapsed"), evaluate.evaluate_disease_state,
    _steps(extract.extract_disease_state),
)  # fmt: skip
CONDITION = RuleKind(
    model.ConditionRule, wording, ("condition_present", "condition_absent"), evaluate.evaluate_condition,
    _steps(extract.extract_condition),
)  # fmt: skip
ATTESTATION = RuleKind(
    model.AttestationRule, wording,
    ("consent", "assent", "willingness", "willingness_negated", "ability", "ability_negated", "clinician_review"),
    evaluate.evaluate_attestation, _steps(extract.extract_attestation),
)  # fmt: skip
DIAGNOSIS = RuleKind(
    model.DiagnosisRule, wording, ("diagnosis", "confirmation"), evaluate.evaluate_diagnosis,
    _steps(extract.extract_diagnosis),
)  # fmt: skip
# Permissive statements are read with the conditional ones (eligo.rules.composite.CONDITIONAL).
PERMITTED = RuleKind(
    model.PermittedRule, wording, ("permitted",), evaluate.evaluate_permitted, produced_by="conditional"
)
# Criteria naming a diagnosis *and* a state or a surgeon's call: read as one all_of, before either alone.
CROSS_KIND_STEPS = _steps(extract.extract_resection_cohort, extract.extract_disease_with_diagnosis)
