"""The diet rule kind ("Vegetarian", "vegetarian or vegan"): model, question, extractor, evaluator and
record (issue #12). The profile's `lifestyle.diet` answers it; a vegan is vegetarian too."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _join
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns, short_matches
from eligo.rules.verdicts import Outcome

Diet = Literal["vegetarian", "vegan"]
_PATTERNS = patterns()["diet"]
# What each word a criterion uses takes in: a vegan eats no meat or fish either.
_TAKES_IN: dict[str, tuple[Diet, ...]] = {"vegetarian": ("vegetarian", "vegan"), "vegan": ("vegan",)}
_WORDS = {"vegetarian": "vegetarian (no meat or fish)", "vegan": "vegan (no animal products)"}


class DietRule(RuleBase):
    """The child's diet is one of `diets`."""

    kind: Literal["diet"] = "diet"
    diets: tuple[Diet, ...] = Field(min_length=1)

    def describe(self) -> str:
        return _join([_WORDS[diet] for diet in self.diets])

    def question(self, section: Section) -> str:
        return general_wording()["diet"].format(diets=self.describe())


def extract_diet(context: CriterionContext) -> DietRule | None:
    found = short_matches(context.text, context.normalized, len(context.sentences), _PATTERNS.compiled)
    for match in found:
        words = [match["first"].lower(), *([match["second"].lower()] if match["second"] else [])]
        diets = {diet for word in words for diet in _TAKES_IN[word]}
        return DietRule(diets=tuple(diet for diet in ("vegetarian", "vegan") if diet in diets))
    return None


def evaluate_diet(rule: DietRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial's condition is a {rule.describe()} diet"
    diet = profile.lifestyle.diet
    if diet is None:
        return Outcome.unknown(f"The profile does not give the child's diet; {needs}.", "lifestyle.diet")
    return (Outcome.met if diet in rule.diets else Outcome.not_met)(f"Diet: {diet}; {needs}.")


KIND = RuleKind(
    DietRule,
    general_wording,
    ("diet",),
    evaluate_diet,
    (Step(extract_diet, _PATTERNS.trigger),),
)

__all__ = ["KIND", "DietRule", "evaluate_diet", "extract_diet"]
