"""The toxicity-grade rule kind ("recovered to grade ≤ 1"): model, question, extractor, evaluator
and record."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import SYMBOL, _join, _q, clinical_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["toxicity_grade"]
_ORGAN_DYSFUNCTION = _PATTERNS.regex("nct03363373_organ_dysfunction")
_RESOLVED_TO_GRADE = _PATTERNS.regex("nct04751383_resolved_to_grade")
_FULLY_RECOVERED = _PATTERNS.regex("fully_recovered")
_PDQ_RECOVERED = _PATTERNS.regex("pdq_recovered")
_NAMED_GRADE = _PATTERNS.regex("named_grade")
_GRADE_AFTER = _PATTERNS.regex("grade_after")
# (pattern, the section it is written for): recovered in an inclusion, not recovered in an exclusion.
_RECOVERY = (
    (_PATTERNS.regex("recovered_to_grade"), "inclusion"),
    (_PATTERNS.regex("resolved_to_grade"), "inclusion"),
    (_PATTERNS.regex("not_recovered_to_grade"), "exclusion"),
)


def _recovery(context: CriterionContext) -> ToxicityGradeRule | None:
    """Earlier therapy's toxicity recovered to a grade (inclusion) or not (exclusion: worse than it)."""
    text = context.normalized.rstrip(".;, ")
    for regex, section in _RECOVERY:
        match = regex.match(text)
        if match is None:
            continue
        if section != context.section:
            return None  # "resolution ... to grade ≤ 1" as an exclusion says no clear thing
        grade = int(match["at_most"] or match["or_less"] or int(match["below"]) - 1)
        return ToxicityGradeRule(comparator="<=" if section == "inclusion" else ">", grade=grade)
    return None


class ToxicityGradeRule(RuleBase):
    """The worst CTCAE grade of a toxicity or organ dysfunction compared with `grade`.

    comparator "<=": the child's `what` is at most `grade` (inclusion: "resolved to grade 1
    or less"); ">": it is worse than `grade` (exclusion: "organ dysfunction > Grade 2").
    """

    kind: Literal["toxicity_grade"] = "toxicity_grade"
    comparator: Literal["<=", ">"]
    grade: int = Field(ge=0, le=4)
    # None: any acute toxicity of earlier therapy; otherwise a named toxicity ("hematuria").
    what: str | None = None
    exceptions: tuple[str, ...] = ()
    or_stabilized: bool = False
    # "fully recovered from the acute toxic effects": grade 0 is certain, grade 1 is a judgement.
    fully_recovered: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> ToxicityGradeRule:
        if self.fully_recovered and (self.comparator != "<=" or self.what is not None):
            raise ValueError("fully_recovered is an '<=' rule about all acute toxicity")
        return self

    def question(self, section: Section) -> str:
        if self.fully_recovered:
            return _q("toxicity_recovered")
        if self.comparator == "<=":
            return _q(
                "toxicity_max",
                what=f" ({self.what})" if self.what else "",
                grade=str(self.grade),
                stabilized=" or at least stable" if self.or_stabilized else "",
            )
        if self.what is None and not self.exceptions:
            return _q("toxicity_unrecovered", grade=str(self.grade))
        exceptions = f", apart from {_join(list(self.exceptions), 'and')}" if self.exceptions else ""
        return _q(
            "toxicity_min",
            what=self.what or "a side effect or organ problem",
            grade=str(self.grade),
            exceptions=exceptions,
        )


def extract_toxicity(context: CriterionContext) -> Rule | None:
    """Toxicity and organ-dysfunction grades (CTCAE)."""
    text = context.normalized.rstrip(".")
    organ = _ORGAN_DYSFUNCTION.match(text)
    if organ is not None:
        exceptions = tuple(e.strip() for e in re.split(r",\s*", organ.group(3) or "") if e.strip())
        return ToxicityGradeRule(
            comparator=">", grade=int(organ.group(2)), what=organ.group(1).lower(), exceptions=exceptions
        )
    resolved = _RESOLVED_TO_GRADE.search(text)
    if resolved is not None:
        return ToxicityGradeRule(comparator="<=", grade=int(resolved.group(1)), or_stabilized=bool(resolved.group(2)))
    if _FULLY_RECOVERED.match(text) or _PDQ_RECOVERED.match(text):
        return ToxicityGradeRule(comparator="<=", grade=1, fully_recovered=True)
    recovery = _recovery(context)
    if recovery is not None:
        return recovery
    named: list[tuple[int, str]] = []
    remainder = text
    for match in _NAMED_GRADE.finditer(text):
        named.append((int(match.group(1)), match.group(2).lower()))
        remainder = remainder.replace(match.group(0), "")
    reverse = _GRADE_AFTER.match(text)
    if reverse is not None:
        return ToxicityGradeRule(comparator="<=", grade=int(reverse.group(2)), what=reverse.group(1).lower())
    if not named or re.sub(r"\band\b|[\s,;]", "", remainder):
        return None
    rules = tuple(ToxicityGradeRule(comparator="<=", grade=g, what=w) for g, w in named)
    return rules[0] if len(rules) == 1 else AllOf(rules=rules)


def evaluate_toxicity(rule: ToxicityGradeRule, profile: PatientProfile, on: date) -> Outcome:
    worst = profile.max_toxicity_grade
    what = rule.what or ("organ dysfunction or toxicity" if rule.comparator == ">" else "acute toxicity")
    needs = f"the trial's condition is {what} grade {SYMBOL[rule.comparator]} {rule.grade}"
    if rule.exceptions:
        needs += f", except {', '.join(rule.exceptions)}"
    if worst is None:
        return Outcome.unknown(f"No toxicity grade in the profile; {needs}.", "max_toxicity_grade")
    have = f"Worst unresolved toxicity grade {worst}"
    if rule.comparator == "<=":
        if rule.fully_recovered and worst == 1:
            return Outcome.unknown(
                f"{have}; whether grade 1 counts as fully recovered is for the study team.", "max_toxicity_grade"
            )
        if worst <= rule.grade:
            return Outcome.met(f"{have}; {needs}.")
        if rule.what is not None or rule.or_stabilized:
            why = "it may be another toxicity" if rule.what else "the trial also accepts a stable toxicity"
            return Outcome.unknown(f"{have}; {why}; {needs}.", "max_toxicity_grade")
        return Outcome.not_met(f"{have}; {needs}.")
    if worst <= rule.grade:
        return Outcome.not_met(f"{have}; {needs}.")
    if rule.exceptions or rule.what is not None:
        return Outcome.unknown(f"{have}; the profile does not say which problem it is; {needs}.", "max_toxicity_grade")
    return Outcome.met(f"{have}; {needs}.")


KIND = RuleKind(
    ToxicityGradeRule,
    clinical_wording,
    ("toxicity_max", "toxicity_recovered", "toxicity_min", "toxicity_unrecovered"),
    evaluate_toxicity,
    (Step(extract_toxicity, _PATTERNS.trigger),),
)

__all__ = ["KIND", "ToxicityGradeRule", "evaluate_toxicity", "extract_toxicity"]
