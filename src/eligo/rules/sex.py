"""The sex rule kind, read from the registry's structured `sex` field and from a criterion that is
only a sex, with or without an age ("Female", "Male or female", "Men and women, aged 18 to 60
years", "18-35-year-old women"), or a sex with more ("Postmenopausal women", "Women with untreated
thyroid abnormalities"): model, question, extractor, evaluator and record.

A criterion naming both sexes rules no one out: it reads as a `permitted` statement (or, with an
age, as the age rule alone). In an exclusion the sex is who is excluded ("Males": the trial is for
girls and women). What a criterion says besides the sex is never dropped: the checks
(`eligo.rules.guards`) read it through the chain or leave it unparsed, using `sex_remainder`."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules.age import age_clause, extract_age
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.permitted import PermittedRule
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


class SexRule(RuleBase):
    kind: Literal["sex"] = "sex"
    sex: Literal["female", "male"]

    def question(self, section: Section) -> str:
        return _q("sex", sex="a girl" if self.sex == "female" else "a boy")


def evaluate_sex(rule: SexRule, profile: PatientProfile, on: date) -> Outcome:
    if profile.sex is None:
        return Outcome.unknown(f"The profile does not give the child's sex; the trial needs {rule.sex}.", "sex")
    verdict = Outcome.met if profile.sex.value == rule.sex else Outcome.not_met
    return verdict(f"Sex {profile.sex.value}; the trial needs {rule.sex}.")


def extract_sex(context: CriterionContext) -> Rule | None:
    if context.section != "inclusion" or len(context.text) > 160:
        return None  # "Female patients who are pregnant ..." and the like: other kinds, or free text
    text = context.normalized.strip().rstrip(".;,").strip()
    for pattern in patterns()["sex"].compiled:
        match = pattern.match(text)
        if match is None:
            continue
        sex: SexRule | None = None
        if match["female"] is not None:
            sex = SexRule(sex="female")
        elif match["male"] is not None:
            sex = SexRule(sex="male")
        if match["rest"] is None:
            return sex or PermittedRule(who="children of either sex")
        age = extract_age(context.with_text(match["rest"]))
        if age is None:
            return None
        return age if sex is None else AllOf(rules=(sex, age))
    return None


_CLAUSE = patterns()["sex.clause"]
_SEX_CLAUSE = _CLAUSE.regex("clause")
_NOT_THE_SEX = _CLAUSE.regex("not_the_sex")
_OTHER_SEX = _CLAUSE.regex("other_sex")
_REPRODUCTIVE = _CLAUSE.regex("reproductive")
_DIGIT = re.compile(r"\d")
_FEMALE = re.compile(r"^(?:females?|women|woman|girls?)$", re.IGNORECASE)


def _sex_clause(text: str) -> re.Match[str] | None:
    match = _SEX_CLAUSE.match(text)
    if match is None or _NOT_THE_SEX.search(match["qualifier"]):
        return None
    # "Men or women ...", "women and men": both sexes, or two groups; not one sex.
    if _OTHER_SEX.search(match["qualifier"] + " " + (match["rest"] or "")):
        return None
    return match


def sex_remainder(text: str) -> tuple[str, str] | None:
    """What a one-sex criterion says besides the sex: (the qualified group, e.g. "Postmenopausal
    women", or ""; the clause after it, e.g. "with untreated thyroid abnormalities", or "")."""
    match = _sex_clause(text.strip().rstrip(".;,").strip())
    if match is None:
        return None
    group = match.group(0)[: match.end("sex")] if match["qualifier"].strip() else ""
    return group.strip(), (match["rest"] or "").strip(" ,")


def extract_sex_clause(context: CriterionContext) -> Rule | None:
    """One sex, in either section, with words around it that the checks then account for."""
    if len(context.text) > 200 or not _OTHER_SEX.search(context.text) or len(context.sentences) > 1:
        return None  # the sex as a whole word ("men", not "treatment")
    match = _sex_clause(context.normalized.strip().rstrip(".;,").strip())
    if match is None:
        return None
    if context.section == "inclusion" and match["rest"] and _REPRODUCTIVE.search(match["rest"]):
        return None
    return SexRule(sex="female" if _FEMALE.match(match["sex"]) else "male")


def extract_sex_with_age(context: CriterionContext) -> Rule | None:
    """One sex and an age limit in the words real registries use ("18-35-year-old women", "Women <
    18 years old", "Healthy ..." excepted): `all_of` both, only when nothing else is said."""
    if len(context.text) > 160 or not _DIGIT.search(context.text) or len(context.sentences) > 1:
        return None
    found = age_clause(context.normalized.rstrip(". "), context.section, normalized=True)
    if found is None or found[1] is None or found[2]:
        return None
    sex: Literal["female", "male"] = "female" if found[1] == "female" else "male"
    return AllOf(rules=(SexRule(sex=sex), found[0]))


KIND = RuleKind(
    SexRule,
    clinical_wording,
    ("sex",),
    evaluate_sex,
    (
        Step(extract_sex, patterns()["sex"].trigger),
        Step(extract_sex_with_age, patterns()["sex"].trigger),
        Step(extract_sex_clause, patterns()["sex"].trigger),
    ),
    from_registry=True,
)

__all__ = [
    "KIND",
    "SexRule",
    "evaluate_sex",
    "extract_sex",
    "extract_sex_clause",
    "extract_sex_with_age",
    "sex_remainder",
]
