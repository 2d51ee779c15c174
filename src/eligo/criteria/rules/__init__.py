"""The rule models every extractor and evaluator shares: the base, the criterion context and the composites.

The union of every kind (`Rule`) and its JSON adapter (`RULE_ADAPTER`) are derived from the registry
of kinds: import them from `eligo.rules.registry`.
"""

from eligo.criteria.rules.base import CriterionContext, RuleBase, Section
from eligo.criteria.rules.composite import AllOf, AnyOf, ConditionalRule

__all__ = ["AllOf", "AnyOf", "ConditionalRule", "CriterionContext", "RuleBase", "Section"]
