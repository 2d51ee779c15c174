"""The kind records of the composite rules (models in `eligo.criteria.rules.composite`); the walker
(`eligo.rules.walk`) evaluates them from their parts, so they have no evaluator of their own."""

from __future__ import annotations

from collections.abc import Mapping

from eligo.criteria.extractors import conditional as extract
from eligo.criteria.rules import clinical as clinical_model
from eligo.criteria.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules import clinical
from eligo.rules.kind import RuleKind, Step


def wording() -> Mapping[str, str]:
    return clinical_model.clinical_vocab().questions


_TRIGGERS = extract.triggers()

# Conditional and permissive statements mention drugs, labs and conditions that the other kinds
# would read as plain rules, so these steps come first in the chain.
CONDITIONAL = RuleKind(
    ConditionalRule, wording, ("conditional_inclusion", "conditional_exclusion"), None,
    tuple(Step(extractor, _TRIGGERS.get(extractor)) for extractor in extract.EXTRACTORS),
    composite=True,
)  # fmt: skip
# An all_of asks its parts' questions in turn; its own steps read criteria that name several kinds at once.
ALL_OF = RuleKind(AllOf, wording, ("all_of",), None, clinical.CROSS_KIND_STEPS, composite=True)
ANY_OF = RuleKind(AnyOf, wording, ("any_of",), None, produced_by="lab_threshold", composite=True)
