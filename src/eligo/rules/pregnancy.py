"""The pregnancy rule kind (pregnancy, breast-feeding, tests and contraception): model, question,
extractor, evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules._clinical import _join, _q, _yes_no, clinical_vocab, clinical_wording, describe_months
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
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


# The states a "pregnant" rule may name: (the words a question uses, the rule's flag).
_STATES = (("pregnant", "pregnant"), ("breastfeeding", "breastfeeding"), ("planning to become pregnant", "planning"))
# The rule's flag -> the profile field that answers it.
_FIELDS = {"pregnant": "pregnant", "breastfeeding": "breastfeeding", "planning": "planning_pregnancy"}


class PregnancyRule(RuleBase):
    """Pregnancy, breastfeeding, a negative pregnancy test, contraception, or childbearing potential.

    topic "pregnant": condition is being pregnant (and/or breastfeeding, and/or planning to become
    pregnant, per the flags); `present=False` for "must not be pregnant". "negative_test": has had
    the negative test the trial asks for. "contraception": will use contraception; `sex` says who is
    meant. "childbearing_potential": is a woman or girl who could become pregnant (`present=False`:
    "Not a woman of childbearing potential"). "no_breastfeeding": will not breastfeed during the study
    (and for as long after it as the trial says), an agreement like contraception's, about girls and
    women (`present=False`: unwilling to agree).

    Every topic is about people who could have children: a profile that says the child is not of
    childbearing potential (before puberty, sterilised, post-menopausal), or a child younger than
    the ages in clinical.yaml when the profile does not say, makes a pregnancy, test or
    contraception criterion not applicable; never ineligible.
    """

    kind: Literal["pregnancy"] = "pregnancy"
    topic: Literal["pregnant", "negative_test", "contraception", "childbearing_potential", "no_breastfeeding"]
    pregnant: bool = True
    breastfeeding: bool = False
    planning: bool | None = None  # True: or planning to become pregnant (during the trial or soon after)
    # When the plan is for, in the trial's words ("in the coming month", "during the study"): asked as said.
    planning_when: str | None = Field(default=None, max_length=120)
    present: bool = True
    sex: Literal["female", "male", "any"] = "female"

    @model_validator(mode="after")
    def _coherent(self) -> PregnancyRule:
        if self.topic == "pregnant" and not (self.pregnant or self.breastfeeding or self.planning):
            raise ValueError("a pregnancy rule needs pregnant, breastfeeding and/or planning")
        if self.topic in ("negative_test", "childbearing_potential", "no_breastfeeding") and self.sex != "female":
            raise ValueError("a pregnancy test, childbearing-potential or breastfeeding rule is about girls and women")
        if self.topic == "negative_test" and not self.present:
            raise ValueError("a pregnancy test rule cannot be negated")
        if self.topic != "pregnant" and self.planning:
            raise ValueError("planning a pregnancy is a state of the pregnancy topic")
        return self

    def question(self, section: Section) -> str:
        if self.topic == "pregnant":
            said = [f"{w} {self.planning_when}" if on == "planning" and self.planning_when else w for w, on in _STATES]
            states = _join([w for w, (_, on) in zip(said, _STATES, strict=True) if getattr(self, on)])
            return _q("pregnant_present" if self.present else "pregnant_absent", states=states)
        if self.topic == "childbearing_potential":
            return _q("childbearing_potential" if self.present else "childbearing_potential_absent")
        if self.topic == "negative_test":
            return _q("negative_test")
        if self.topic == "no_breastfeeding":
            return _q("no_breastfeeding" if self.present else "no_breastfeeding_absent")
        who = {
            "female": "girls old enough to become pregnant",
            "male": "boys old enough to father a child",
            "any": "young people old enough to have children",
        }[self.sex]
        return _q("contraception" if self.present else "contraception_absent", who=who)


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
        plan = _PLANNED.search(stated)
        planning = plan is not None
        pregnant = bool(_PREGNANT.search(_PLANNED.sub(" ", stated)))
        breastfeeding = bool(_BREASTFEEDING.search(low)) and not _SHOULD_BE_DISCONTINUED.search(low)
        if _NO_PATIENTS_PREGNANT.search(low):
            pregnant, breastfeeding = True, bool(_LACTATING.search(low))
        return PregnancyRule(
            topic="pregnant",
            pregnant=pregnant or not (breastfeeding or planning),
            breastfeeding=breastfeeding,
            planning=planning or None,
            planning_when=_when(plan),
        )
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
_PLANNED = _STATE.regex("planned")


_PLAN_HEAD = re.compile(r"\b(?:pregnant|pregnancy)\b", re.IGNORECASE)


def _when(plan: re.Match[str] | None) -> str | None:
    """The time a planned pregnancy is for, as the trial words it ("within the next 12 months")."""
    if plan is None:
        return None
    heads = list(_PLAN_HEAD.finditer(plan[0]))
    when = plan[0][heads[0].end() :].strip(" ,.;") if heads else ""
    if when.startswith("> "):
        when = "over " + when[2:]  # the comparator words were normalised: "over the course of the study"
    # A longer span (several doses and drugs) is no words for one question: the plan is asked without it.
    return when if 0 < len(when) <= 80 else None


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
        plan = _PLANNED.search(states)
        now = _PLANNED.sub(" ", states)
        return PregnancyRule(
            topic="pregnant",
            pregnant="pregnan" in now or "parturient" in now,
            breastfeeding=bool(_STATE_BREASTFEEDING.search(now)),
            planning=plan is not None or None,
            planning_when=_when(plan),
        )
    match = _STATE_ABSENT.match(text)
    if match is None:
        return None
    return PregnancyRule(
        topic="pregnant",
        breastfeeding=match["second"] is not None,
        planning=True if match["plan"] else None,
        present=False,
    )


_REFUSAL = patterns()["pregnancy.refusal"]
_REFUSAL_WHOLE = _REFUSAL.regex("whole")
_REFUSAL_MALE = _REFUSAL.regex("male")
_REFUSAL_FEMALE = _REFUSAL.regex("female")
_REFUSAL_POTENTIAL = _REFUSAL.regex("potential")
_POTENTIAL = patterns()["pregnancy.potential"]
_POTENTIAL_NOT = _POTENTIAL.regex("not")
_POTENTIAL_IS = _POTENTIAL.regex("is")


def extract_contraception_refusal(context: CriterionContext) -> Rule | None:
    """An exclusion of women who could become pregnant and will not use birth control, the whole
    criterion ("Women of childbearing potential who are not using an acceptable form of birth
    control"): the contraception rule, negated (issue #12)."""
    if context.section != "exclusion" or len(context.text) > 200 or len(context.sentences) > 1:
        return None
    match = _REFUSAL_WHOLE.match(context.normalized.strip().rstrip(".;,").strip())
    if match is None:
        return None
    who = (match["who"] or match["who2"]).lower()
    male, female = _REFUSAL_MALE.search(who) is not None, _REFUSAL_FEMALE.search(who) is not None
    if not (male or female or _REFUSAL_POTENTIAL.search(who)):
        return None  # "Patients not using contraception": of no stated potential, it may be about anything
    sex: Literal["female", "male", "any"] = (
        "female" if female and not male else "male" if male and not female else "any"
    )
    return PregnancyRule(topic="contraception", sex=sex, present=False)


_OR_REFUSAL = _REFUSAL.regex("or_refusal")


def extract_pregnant_or_refusal(context: CriterionContext) -> Rule | None:
    """An exclusion of pregnancy or breastfeeding and of women who will not use birth control, both
    whole ("Pregnant or breastfeeding women, or women of childbearing potential not using adequate
    contraception"): either reason excludes (issue #12)."""
    if context.section != "exclusion" or len(context.text) > 250 or len(context.sentences) > 1:
        return None
    text = context.normalized.strip().rstrip(".;,").strip()
    for split in _OR_REFUSAL.finditer(text):
        states = _STATE_PRESENT.match(text[: split.start()])
        if states is None or states["rest"] or _PLANNED.search(states["states"]):
            continue
        refusal = extract_contraception_refusal(context.with_text(text[split.end() :]))
        state = extract_pregnancy_state(context.with_text(text[: split.start()]))
        if refusal is not None and state is not None:
            return AnyOf(rules=(state, refusal))
    return None


def extract_potential(context: CriterionContext) -> Rule | None:
    """Being (or not being) a woman of childbearing potential as the whole criterion: "Not a woman of
    childbearing potential (WOCBP)" in an inclusion, "Women of childbearing potential" in an
    exclusion (issue #12)."""
    if len(context.text) > 120 or len(context.sentences) > 1:
        return None
    text = context.normalized.strip().rstrip(".;,").strip()
    if _POTENTIAL_NOT.match(text):
        present = False
    elif _POTENTIAL_IS.match(text):
        present = True
    else:
        return None
    return PregnancyRule(topic="childbearing_potential", present=present)


_AGREEMENT = patterns()["pregnancy.agreement"]
_AGREES = _AGREEMENT.regex("agrees")
_UNWILLING = _AGREEMENT.regex("unwilling")


def extract_breastfeeding_agreement(context: CriterionContext) -> Rule | None:
    """A woman's agreement not to breastfeed during the study and after it, the whole criterion ("Female
    participant must agree not to breastfeed starting at screening and throughout the study period and
    for 6 months after study intervention administration", NCT05382559): an agreement like
    contraception's, for the study team; in an exclusion, unwillingness to agree (issue #12)."""
    if len(context.text) > 250 or len(context.sentences) > 1:
        return None
    text = context.normalized.strip().rstrip(".;,").strip()
    pattern = _AGREES if context.section == "inclusion" else _UNWILLING
    if pattern.match(text) is None:
        return None
    return PregnancyRule(topic="no_breastfeeding", pregnant=False, present=context.section == "inclusion")


def merged_states(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Reasons listed apart ("Pregnant women, breastfeeding and ..."): the pregnancy states among them
    as one rule (pregnant or breastfeeding), in the place of the first (issue #12)."""
    states = [rule for rule in rules if isinstance(rule, PregnancyRule) and rule.topic == "pregnant" and rule.present]
    if len(states) < 2:
        return rules
    plans = [rule.planning for rule in states if rule.planning]
    one = states[0].model_copy(
        update={
            "pregnant": any(rule.pregnant for rule in states),
            "breastfeeding": any(rule.breastfeeding for rule in states),
            "planning": True if plans else None,
            "planning_when": next((rule.planning_when for rule in states if rule.planning_when), None),
        }
    )
    return tuple(one if rule is states[0] else rule for rule in rules if rule is states[0] or rule not in states)


def _pregnancy_not_applicable(rule: PregnancyRule, profile: PatientProfile, on: date) -> str | None:
    ages = clinical_vocab().pregnancy
    months = profile.age_in_months_on(on)
    sex = profile.sex
    target = "female" if rule.topic != "contraception" else rule.sex
    if sex is not None and target != "any" and sex.value != target:
        return f"The child is {sex.value}; this criterion is about {'girls' if target == 'female' else 'boys'}."
    if profile.reproductive_potential is False:
        # Before puberty, sterilised or post-menopausal: "Not applicable" is the real answer.
        return "The profile says the child could not become pregnant or father a child (no reproductive potential)."
    if sex is None or months is None or profile.reproductive_potential:
        return None
    threshold = ages.female_min_age_years if sex is Sex.FEMALE else ages.male_min_age_years
    if months < threshold * 12:
        return (
            f"Age {describe_months(months)} on {on.isoformat()}; Eligo treats this criterion as not applying "
            f"to a {sex.value} child under {threshold}."
        )
    return None


def _evaluate_potential(rule: PregnancyRule, profile: PatientProfile, on: date) -> Outcome:
    """Is she a woman or girl who could become pregnant? A boy is not; a girl younger than the age
    in clinical.yaml is taken as not yet, when the profile does not say."""
    needs = (
        f"the trial's condition is {'being' if rule.present else 'not being'} a woman or girl of childbearing potential"
    )
    months = profile.age_in_months_on(on)
    threshold = clinical_vocab().pregnancy.female_min_age_years
    holds: bool | None
    if profile.sex is not None and profile.sex is not Sex.FEMALE:
        holds, said = False, f"The child is {profile.sex.value}"
    elif profile.reproductive_potential is False:
        holds, said = False, "Profile reproductive_potential: no"
    elif profile.reproductive_potential is None and months is not None and months < threshold * 12:
        holds = False
        said = (
            f"Age {describe_months(months)} on {on.isoformat()}; Eligo takes a child under {threshold} as not yet able"
        )
        said += " to become pregnant"
    elif profile.reproductive_potential and profile.sex is Sex.FEMALE:
        holds, said = True, "Profile: a girl or woman; reproductive_potential: yes"
    else:
        holds, said = None, "The profile does not say whether the child is a girl who could become pregnant"
    if holds is None:
        missing = [
            name
            for name, value in (("sex", profile.sex), ("reproductive_potential", profile.reproductive_potential))
            if value is None
        ]
        return Outcome.unknown(f"{said}; {needs}.", *missing)
    return (Outcome.met if holds == rule.present else Outcome.not_met)(f"{said}; {needs}.")


def evaluate_pregnancy(rule: PregnancyRule, profile: PatientProfile, on: date) -> Outcome:
    if rule.topic == "childbearing_potential":
        return _evaluate_potential(rule, profile, on)
    reason = _pregnancy_not_applicable(rule, profile, on)
    if reason is not None:
        return Outcome.not_applicable(reason)
    if rule.topic == "contraception":
        return Outcome.unknown("Contraception is agreed with the study team; the profile cannot answer it.")
    if rule.topic == "no_breastfeeding":
        return Outcome.unknown(
            "Not breastfeeding during the study is agreed with the study team; the profile cannot answer it."
        )
    if rule.topic == "negative_test":
        if profile.pregnant:
            return Outcome.not_met("The profile says the child is pregnant; the trial needs a negative test.")
        return Outcome.unknown(
            "The study team does the pregnancy test at screening; no result in the profile.", "pregnant"
        )
    facts = [(_FIELDS[flag], getattr(profile, _FIELDS[flag])) for _, flag in _STATES if getattr(rule, flag)]
    said = "; ".join(f"{name}: {'unknown' if value is None else _yes_no(value)}" for name, value in facts)
    states = " or ".join(words for words, flag in _STATES if getattr(rule, flag))
    lead = (
        ("being " if rule.pregnant or rule.breastfeeding else "")
        if rule.present
        else "not " + ("being " if rule.pregnant or rule.breastfeeding else "")
    )
    needs = f"the trial's condition is {lead}{states}"
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
    (
        "pregnant_present",
        "pregnant_absent",
        "negative_test",
        "contraception",
        "contraception_absent",
        "childbearing_potential",
        "childbearing_potential_absent",
        "no_breastfeeding",
        "no_breastfeeding_absent",
    ),
    evaluate_pregnancy,
    (
        Step(extract_breastfeeding_agreement, Trigger(("breast", "nursing", "lactat"))),
        Step(extract_pregnant_or_refusal, Trigger(("contracept", "birth", "avoid"))),
        Step(extract_contraception_refusal, Trigger(("contracept", "birth", "avoid"))),
        Step(
            extract_pregnancy,
            _PATTERNS.trigger,
        ),
        Step(extract_pregnancy_state, Trigger(("pregnan", "breast", "nursing", "lactat", "feeder"))),
        Step(extract_potential, Trigger(("bearing", "wocbp", "fcbp", "reproductive"))),
    ),
)

__all__ = [
    "KIND",
    "PregnancyRule",
    "evaluate_pregnancy",
    "extract_breastfeeding_agreement",
    "extract_contraception_refusal",
    "extract_potential",
    "extract_pregnancy",
    "extract_pregnancy_state",
    "extract_pregnant_or_refusal",
    "merged_states",
]
