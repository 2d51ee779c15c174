"""The kind records of the laboratory rules (models in `eligo.criteria.rules.labs`, extractors in
`eligo.criteria.extractors.labs`, evaluators in `eligo.rules.evaluators.labs`)."""

from __future__ import annotations

from collections.abc import Mapping

from eligo.criteria.extractors import labs as extract
from eligo.criteria.rules import labs as model
from eligo.rules.evaluators import labs as evaluate
from eligo.rules.kind import RuleKind, Step
from eligo.units import vocabulary


def wording() -> Mapping[str, str]:
    return vocabulary().questions


TRANSFUSION_DEPENDENCE = RuleKind(
    model.TransfusionDependenceRule, wording, ("transfusion_dependence",), evaluate.evaluate_transfusion_dependence,
    (Step(extract.extract_transfusion_dependence, extract.triggers().get(extract.extract_transfusion_dependence)),),
)  # fmt: skip
LAB_THRESHOLD = RuleKind(
    model.LabThresholdRule, wording, ("threshold", "uln", "transfusion_independent", "transfusion_allowed"),
    evaluate.evaluate_lab_threshold,
    (Step(extract.extract_lab_thresholds, extract.triggers().get(extract.extract_lab_thresholds)),),
)  # fmt: skip
# Age-adjusted creatinine tables are read by the lab-threshold step from the criterion's rows.
CREATININE_FOR_AGE = RuleKind(
    model.CreatinineForAgeRule, wording, ("creatinine_for_age",), evaluate.evaluate_creatinine_for_age,
    produced_by="lab_threshold",
)  # fmt: skip
