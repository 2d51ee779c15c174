"""The pregnancy rule kind (pregnancy, breast-feeding, tests and contraception): model, question,
extractor, evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import model_validator

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules._clinical import _join, _q, _yes_no, clinical_vocab, clinical_wording, describe_months
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


class PregnancyRule(RuleBase):
    """Pregnancy, breastfeeding, a negative pregnancy test, or contraception.

    topic "pregnant": condition is being pregnant (and/or breastfeeding, per the flags);
    `present=False` for "must not be pregnant". "negative_test": has had the negative test
    the trial asks for. "contraception": will use contraception; `sex` says who is meant.
    """

    kind: Literal["pregnancy"] = "pregnancy"
    topic: Literal["pregnant", "negative_test", "contraception"]
    pregnant: bool = True
    breastfeeding: bool = False
    present: bool = True
    sex: Literal["female", "male", "any"] = "female"

    @model_validator(mode="after")
    def _coherent(self) -> PregnancyRule:
        if self.topic == "pregnant" and not (self.pregnant or self.breastfeeding):
            raise ValueError("a pregnancy rule needs pregnant and/or breastfeeding")
        if self.topic == "negative_test" and self.sex != "female":
            raise ValueError("a pregnancy test rule is about girls and women")
        if self.topic != "pregnant" and not self.present:
            raise ValueError("only pregnancy/breastfeeding rules can be negated")
        return self

    def question(self, section: Section) -> str:
        if self.topic == "pregnant":
            states = _join([w for w, on in (("pregnant", self.pregnant), ("breastfeeding", self.breastfeeding)) if on])
            return _q("pregnant_present" if self.present else "pregnant_absent", states=states)
        if self.topic == "negative_test":
            return _q("negative_test")
        who = {
            "female": "girls old enough to become pregnant",
            "male": "boys old enough to father a child",
            "any": "young people old enough to have children",
        }[self.sex]
        return _q("contraception", who=who)


def extract_pregnancy(context: CriterionContext) -> Rule | None:
    """Pregnancy, breastfeeding, pregnancy tests and contraception."""
    text = context.text.strip()
    low = text.lower()
    if not re.search(
        r"pregnan|breast ?feeding|breast-feeding|nursing|lactat|contracept|birth control|hcg|"
        r"childbearing|condom",
        low,
    ):
        return None
    parts: list[Rule] = []
    if re.match(r"^(?:pregnant|breast ?feeding)", low) or re.search(
        r"no patients who are pregnant|pregnant women are excluded|breast feeding women are not eligible|"
        r"^(?:pregnancy|lactation)",
        low,
    ):
        if context.section != "exclusion":
            return None
        pregnant = bool(re.search(r"pregnan", low.split("because")[0] if "are excluded" in low else low))
        breastfeeding = (
            bool(
                re.search(
                    r"lactat|breast ?feeding women|or breast ?feeding|and breast ?feeding|"
                    r"breast-feeding|^breast ?feeding",
                    low,
                )
            )
            and "should be discontinued" not in low
        )
        if "no patients who are pregnant" in low:
            pregnant, breastfeeding = True, "lactat" in low
        return PregnancyRule(topic="pregnant", pregnant=pregnant or not breastfeeding, breastfeeding=breastfeeding)
    if re.search(r"must not be (?:nursing|pregnant|breast ?feeding)", low):
        parts.append(
            PregnancyRule(
                topic="pregnant",
                pregnant=True,
                breastfeeding=bool(re.search(r"nursing|breast ?feeding|lactat", low)),
                present=False,
            )
        )
    if re.search(r"negative (?:urine or serum |serum or urine |serum |urine )?(?:pregnancy test|beta-human)", low):
        parts.append(PregnancyRule(topic="negative_test"))
    contraception = re.search(r"contracept|birth control|condom", low)
    if contraception is not None:
        male = re.search(r"^male patients|\bmen must\b|\bmales\b", low) is not None
        before = low[: contraception.start()]
        female = re.search(r"female|women|\bfcbp\b|childbearing potential must", before) is not None
        if re.match(r"^male patients", low):
            female = False
        sex: Literal["female", "male", "any"] = "any" if male and female else "male" if male else "female"
        parts.append(PregnancyRule(topic="contraception", sex=sex))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(rules=tuple(parts))


def _pregnancy_not_applicable(rule: PregnancyRule, profile: PatientProfile, on: date) -> str | None:
    ages = clinical_vocab().pregnancy
    months = profile.age_in_months_on(on)
    sex = profile.sex
    target = "female" if rule.topic != "contraception" else rule.sex
    if sex is not None and target != "any" and sex.value != target:
        return f"The child is {sex.value}; this criterion is about {'girls' if target == 'female' else 'boys'}."
    if sex is None or months is None:
        return None
    threshold = ages.female_min_age_years if sex is Sex.FEMALE else ages.male_min_age_years
    if months < threshold * 12:
        return (
            f"Age {describe_months(months)} on {on.isoformat()}; Eligo treats this criterion as not applying "
            f"to a {sex.value} child under {threshold}."
        )
    return None


def evaluate_pregnancy(rule: PregnancyRule, profile: PatientProfile, on: date) -> Outcome:
    reason = _pregnancy_not_applicable(rule, profile, on)
    if reason is not None:
        return Outcome.not_applicable(reason)
    if rule.topic == "contraception":
        return Outcome.unknown("Contraception is agreed with the study team; the profile cannot answer it.")
    if rule.topic == "negative_test":
        if profile.pregnant:
            return Outcome.not_met("The profile says the child is pregnant; the trial needs a negative test.")
        return Outcome.unknown(
            "The study team does the pregnancy test at screening; no result in the profile.", "pregnant"
        )
    facts = [
        (name, getattr(profile, name))
        for name, on_ in (("pregnant", rule.pregnant), ("breastfeeding", rule.breastfeeding))
        if on_
    ]
    said = "; ".join(f"{name}: {'unknown' if value is None else _yes_no(value)}" for name, value in facts)
    states = " or ".join(name for name, _ in facts)
    needs = f"the trial's condition is {'being' if rule.present else 'not being'} {states}"
    if any(value for _, value in facts):
        holds = True
    elif all(value is False for _, value in facts):
        holds = False
    else:
        return Outcome.unknown(f"Profile {said}; {needs}.", *(name for name, value in facts if value is None))
    return (Outcome.met if holds == rule.present else Outcome.not_met)(f"Profile {said}; {needs}.")


KIND = RuleKind(
    PregnancyRule,
    clinical_wording,
    ("pregnant_present", "pregnant_absent", "negative_test", "contraception"),
    evaluate_pregnancy,
    (
        Step(
            extract_pregnancy,
            Trigger(("pregnan", "breast", "nursing", "lactat", "contracept", "birth", "hcg", "childbearing", "condom")),
        ),
    ),
)

__all__ = ["KIND", "PregnancyRule", "evaluate_pregnancy", "extract_pregnancy"]
