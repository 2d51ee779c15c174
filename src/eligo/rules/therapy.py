"""The kind records of the therapy-history rules (models in `eligo.criteria.rules.therapy`, the
extractor in `eligo.criteria.extractors.therapy`, evaluators in `eligo.rules.evaluators.therapy`)."""

from __future__ import annotations

from collections.abc import Mapping

from eligo.criteria.drugs import questions
from eligo.criteria.extractors import therapy as extract
from eligo.criteria.rules import therapy as model
from eligo.rules.evaluators import therapy as evaluate
from eligo.rules.kind import RuleKind, Step


def wording() -> Mapping[str, str]:
    return questions().model_dump()


# One pass over the sentences reads every therapy kind; it is registered with the washout.
WASHOUT = RuleKind(
    model.WashoutRule, wording,
    ("washout_elapsed", "washout_within", "washout_elapsed_event", "washout_within_event", "half_lives", "longer_for"),
    evaluate.evaluate_washout,
    (Step(extract.extract_therapy_rule, extract.triggers()[extract.extract_therapy_rule]),),
)  # fmt: skip
PRIOR_THERAPY = RuleKind(
    model.PriorTherapyRule, wording,
    ("received_ever", "received_current", "not_received_ever", "not_received_current", "permitted",
     "no_progression_on", "not_concomitant"),
    evaluate.evaluate_prior_therapy, produced_by="washout",
)  # fmt: skip
CUMULATIVE_DOSE = RuleKind(
    model.CumulativeDoseRule, wording, ("cumulative_dose",), evaluate.evaluate_cumulative_dose, produced_by="washout"
)
STORED_STEM_CELLS = RuleKind(
    model.StemCellRule, wording, ("stem_cells", "stem_cells_after"), evaluate.evaluate_stem_cells,
    produced_by="washout",
)  # fmt: skip
