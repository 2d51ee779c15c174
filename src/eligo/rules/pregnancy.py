"""The pregnancy rule kind (pregnancy, breast-feeding, tests and contraception): model, question,
extractor, evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import model_validator

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules._clinical import _join, _q, _yes_no, clinical_vocab, clinical_wording, describe_months
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["pregnancy"]
_MENTIONED = _PATTERNS.regex("mentioned")
_OPENS_WITH_STATE = _PATTERNS.regex("opens_with_state")
_EXCLUDED_OUTRIGHT = _PATTERNS.regex("excluded_outright")
_PREGNANT = _PATTERNS.regex("pregnant")
_BREASTFEEDING = _PATTERNS.regex("breastfeeding")
_MUST_NOT_BE = _PATTERNS.regex("must_not_be")
_NURSING = _PATTERNS.regex("nursing")
_NEGATIVE_TEST = _PATTERNS.regex("negative_test")
_CONTRACEPTION = _PATTERNS.regex("contraception")
_PAST_USE = _PATTERNS.regex("past_use")
_MALE = _PATTERNS.regex("male")
_FEMALE = _PATTERNS.regex("female")
_MALE_ONLY = _PATTERNS.regex("male_only")
_BECAUSE = _PATTERNS.regex("because")
_ARE_EXCLUDED = _PATTERNS.regex("are_excluded")
_SHOULD_BE_DISCONTINUED = _PATTERNS.regex("should_be_discontinued")
_NO_PATIENTS_PREGNANT = _PATTERNS.regex("no_patients_pregnant")
_LACTATING = _PATTERNS.regex("lactating")


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
    if not _MENTIONED.search(low):
        return None
    parts: list[Rule] = []
    if _OPENS_WITH_STATE.match(low) or _EXCLUDED_OUTRIGHT.search(low):
        if context.section != "exclusion":
            return None
        # "Pregnant women are excluded ... because ... breastfeeding should be discontinued": the reason
        # after "because" names no one else who is excluded.
        stated = _BECAUSE.split(low, maxsplit=1)[0] if _ARE_EXCLUDED.search(low) else low
        pregnant = bool(_PREGNANT.search(stated))
        breastfeeding = bool(_BREASTFEEDING.search(low)) and not _SHOULD_BE_DISCONTINUED.search(low)
        if _NO_PATIENTS_PREGNANT.search(low):
            pregnant, breastfeeding = True, bool(_LACTATING.search(low))
        return PregnancyRule(topic="pregnant", pregnant=pregnant or not breastfeeding, breastfeeding=breastfeeding)
    if _MUST_NOT_BE.search(low):
        parts.append(
            PregnancyRule(
                topic="pregnant",
                pregnant=True,
                breastfeeding=bool(_NURSING.search(low)),
                present=False,
            )
        )
    if _NEGATIVE_TEST.search(low):
        parts.append(PregnancyRule(topic="negative_test"))
    contraception = _CONTRACEPTION.search(low)
    if contraception is not None and not _PAST_USE.search(low):
        male = _MALE.search(low) is not None
        before = low[: contraception.start()]
        female = _FEMALE.search(before) is not None
        if _MALE_ONLY.match(low):
            female = False
        sex: Literal["female", "male", "any"] = "any" if male and female else "male" if male else "female"
        parts.append(PregnancyRule(topic="contraception", sex=sex))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(rules=tuple(parts))


_STATE = patterns()["pregnancy.state"]
_STATE_PRESENT = _STATE.regex("present")
_STATE_ABSENT = _STATE.regex("absent")
_STATE_BREASTFEEDING = _STATE.regex("breastfeeding")


def extract_pregnancy_state(context: CriterionContext) -> Rule | None:
    """Being pregnant or breastfeeding as an exclusion ("Women who are pregnant or lactating"), or not
    being either as an inclusion ("Not pregnant or nursing") (issue #12). Words after the states
    are left in the text for the checks, which leave what the rule does not say unparsed."""
    if len(context.text) > 200 or len(context.sentences) > 1:
        return None
    text = context.normalized.strip().rstrip(".;,").strip()
    if context.section == "exclusion":
        match = _STATE_PRESENT.match(text)
        if match is None:
            return None
        states = match["states"].lower()
        pregnant = "pregnan" in states
        return PregnancyRule(
            topic="pregnant", pregnant=pregnant, breastfeeding=bool(_STATE_BREASTFEEDING.search(states))
        )
    match = _STATE_ABSENT.match(text)
    if match is None:
        return None
    return PregnancyRule(topic="pregnant", breastfeeding=match["second"] is not None, present=False)


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
            _PATTERNS.trigger,
        ),
        Step(extract_pregnancy_state, Trigger(("pregnan", "breast", "nursing", "lactat", "feeder"))),
    ),
)

__all__ = ["KIND", "PregnancyRule", "evaluate_pregnancy", "extract_pregnancy", "extract_pregnancy_state"]
