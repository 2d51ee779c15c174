"""The one ordered list of rule kinds, and everything derived from it: the `Rule` union, the evaluator
map and the extractor chain.

The order is the extraction precedence: the chain tries each kind's steps in this order and the
first rule found wins. Conditional and permissive statements read first (they mention drugs, labs
and conditions that other kinds would read as plain rules); a washout sentence mentions drugs *and*
lab-like numbers, so therapy reads before labs; the clinical kinds follow, the catch-all diagnosis
last. Adding a kind: its module `eligo/rules/<kind>.py` (model, question, extractor, evaluator and
`RuleKind` record), one line here, a block of phrases in the vocabularies and golden cases (docs/adding-a-rule-kind.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import Field, TypeAdapter

from eligo.rules import (
    age,
    alcohol,
    all_of,
    allergy,
    any_of,
    attestation,
    biomarker,
    clinical_score,
    condition,
    conditional,
    contraindication,
    creatinine_for_age,
    cumulative_dose,
    diagnosis,
    diet,
    disease_extent,
    disease_site,
    disease_state,
    gestation,
    high_risk,
    lab_threshold,
    life_expectancy,
    medication,
    menopause,
    observation,
    organ_function,
    performance,
    permitted,
    physical_status,
    pregnancy,
    prior_lines,
    prior_pregnancy,
    prior_procedure,
    prior_therapy,
    procedure,
    recent_surgery,
    sex,
    smoking,
    stored_stem_cells,
    toxicity_grade,
    transfusion_dependence,
    trial_participation,
    tumour_marker,
    washout,
)
from eligo.rules.base import RuleBase
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.kind import Evaluator, RuleKind, Step

KINDS: tuple[RuleKind, ...] = (
    conditional.KIND,
    prior_procedure.KIND,  # before the therapy kinds, which read any radiation and lose the region
    washout.KIND,
    prior_therapy.KIND,
    prior_lines.KIND,
    cumulative_dose.KIND,
    stored_stem_cells.KIND,
    transfusion_dependence.KIND,
    lab_threshold.KIND,
    creatinine_for_age.KIND,
    prior_pregnancy.KIND,  # before pregnancy, which reads "pregnancy" in "No past pregnancy"
    gestation.KIND,  # before pregnancy, which would read "Pregnant (>20 weeks)" as pregnant and an open question
    pregnancy.KIND,
    menopause.KIND,  # before sex, which would read "Postmenopausal women" as a sex and an open question
    smoking.KIND,
    diet.KIND,
    alcohol.KIND,  # before the composites: "current smokers and/or smoking history >15 pack years"
    all_of.KIND,
    any_of.KIND,
    high_risk.KIND,
    age.KIND,
    sex.KIND,
    performance.KIND,
    life_expectancy.KIND,
    observation.KIND,
    physical_status.KIND,
    clinical_score.KIND,
    toxicity_grade.KIND,
    organ_function.KIND,
    biomarker.KIND,
    tumour_marker.KIND,
    disease_site.KIND,
    disease_state.KIND,
    disease_extent.KIND,
    procedure.KIND,  # before condition, which reads a gastrostomy as the tube the child has now
    condition.KIND,
    allergy.KIND,
    contraindication.KIND,
    medication.KIND,
    trial_participation.KIND,
    recent_surgery.KIND,
    attestation.KIND,
    diagnosis.KIND,
    permitted.KIND,
)


def _checked(kinds: tuple[RuleKind, ...]) -> dict[str, RuleKind]:
    """Kinds by name; a kind registered twice, or produced by an unknown kind, fails the import."""
    by_name: dict[str, RuleKind] = {}
    for kind in kinds:
        if kind.name in by_name:
            raise RuntimeError(f"rule kind {kind.name!r} is registered twice")
        by_name[kind.name] = kind
    for kind in kinds:
        if kind.produced_by is not None and not by_name[kind.produced_by].steps:
            raise RuntimeError(f"rule kind {kind.name!r} is produced by {kind.produced_by!r}, which reads nothing")
        if kind.evaluate is None and not kind.composite:
            raise RuntimeError(f"rule kind {kind.name!r} has no evaluator")
    return by_name


BY_NAME: dict[str, RuleKind] = _checked(KINDS)

# The union of every kind, discriminated by `kind`, as stored rule JSON reads and writes it.
# The type checker sees the base class: the union exists only at run time, built from the list above.
if TYPE_CHECKING:
    Rule: TypeAlias = RuleBase
else:
    Rule = Annotated[Union[tuple(kind.model for kind in KINDS)], Field(discriminator="kind")]
for _composite in (AllOf, AnyOf, ConditionalRule):
    _composite.model_rebuild(_types_namespace={"Rule": Rule})
RULE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Rule)

EVALUATORS: dict[type, Evaluator] = {kind.model: kind.evaluate for kind in KINDS if kind.evaluate is not None}

# Every extractor in precedence order, with its trigger.
CHAIN: tuple[Step, ...] = tuple(step for kind in KINDS for step in kind.steps) + age.LAST_STEPS

__all__ = ["BY_NAME", "CHAIN", "EVALUATORS", "KINDS", "RULE_ADAPTER", "Rule", "RuleKind"]
