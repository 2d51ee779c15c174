"""The any_of rule kind ("creatinine ≤ ULN OR GFR ≥ 70"): the model is `eligo.rules.composite.AnyOf`;
the lab-threshold step produces it, and the walker (`eligo.rules.walk`) evaluates it from its parts."""

from __future__ import annotations

from eligo.rules._clinical import clinical_wording
from eligo.rules.composite import AnyOf
from eligo.rules.kind import RuleKind

KIND = RuleKind(AnyOf, clinical_wording, ("any_of",), None, produced_by="lab_threshold", composite=True)

__all__ = ["KIND", "AnyOf"]
