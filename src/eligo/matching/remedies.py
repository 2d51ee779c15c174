"""Barriers that waiting or a transfusion removes: when a failed rule clears, and by what.

A research nurse does not tell a family "your child does not qualify" because the last dose of
temozolomide was 18 days ago and the trial asks for 21: she says "from next Tuesday". Likewise a
haemoglobin just under a limit that the trial lets a transfusion reach is a plan, not a barrier.
This module answers, for a rule that goes against the child today, whether one of those two
remedies changes its verdict, to what, and from which date.

Time: a rule of a time-based kind (washouts, recovery windows, a minimum age) is evaluated again on
later days, the same profile and nothing else changed; the first day its verdict changes is the day
it clears. The search is a bisection, so it needs the verdict to change once within the horizon:
true of a washout (the days since a dose only grow) and of a minimum age (an age maximum further
on lies beyond the short horizon for age). Transfusion: a lower limit on a blood count whose
product can be transfused, where the trial says transfusion support is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from eligo.patients.profile import PatientProfile
from eligo.rules.age import AgeRule
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.lab_threshold import LabThresholdRule
from eligo.rules.registry import Rule
from eligo.rules.verdicts import CriterionVerdict, Outcome, combine_all, combine_any
from eligo.rules.washout import WashoutRule
from eligo.units import lab_spec

# "wait": a washout or recovery window; "age": a minimum age the child reaches soon; "transfusion":
# a blood count the trial lets a transfusion bring up.
Remedy = Literal["wait", "age", "transfusion"]

# How far ahead a waiting time counts as "waiting" rather than "no": washouts and recovery windows
# in the seed trials run up to six months (allogeneic transplant); a minimum age counts only when
# the child reaches it soon, because a family is not told "from 2034".
WAIT_HORIZON_DAYS: dict[type, int] = {WashoutRule: 730, AgeRule: 183}

MET, NOT_MET = CriterionVerdict.MET, CriterionVerdict.NOT_MET

# `eligo.matching.evaluate.evaluate_rule`, passed in: the evaluation loop imports this module.
Evaluate = Callable[[Rule, PatientProfile, date], Outcome]


@dataclass(frozen=True, slots=True)
class Later:
    """What a rule's verdict becomes once the remedies are applied, and from when."""

    verdict: CriterionVerdict
    # The first day the new verdict holds (None: no waiting involved, only a transfusion).
    clears_on: date | None
    remedy: Remedy


def _is_time_based(rule: Rule) -> bool:
    return type(rule) in WAIT_HORIZON_DAYS


def _first_change(
    rule: Rule, profile: PatientProfile, on: date, now: CriterionVerdict, evaluate: Evaluate
) -> Later | None:
    """The first day within the kind's horizon on which `rule`'s verdict is no longer `now`."""
    horizon = WAIT_HORIZON_DAYS[type(rule)]
    last = evaluate(rule, profile, on + timedelta(days=horizon)).verdict
    if last is now:
        return None
    low, high = 0, horizon  # verdict on day `low` is `now`, on day `high` it is not
    while high - low > 1:
        middle = (low + high) // 2
        if evaluate(rule, profile, on + timedelta(days=middle)).verdict is now:
            low = middle
        else:
            high = middle
    day = on + timedelta(days=high)
    remedy: Remedy = "age" if isinstance(rule, AgeRule) else "wait"
    return Later(verdict=evaluate(rule, profile, day).verdict, clears_on=day, remedy=remedy)


def _transfusable(rule: LabThresholdRule) -> bool:
    return (
        rule.transfusion == "allowed"
        and rule.comparator in (">", ">=")
        and lab_spec(rule.test).transfusion_product is not None
    )


def combined(verdict: CriterionVerdict, changed: list[Later], *, one_is_enough: bool) -> Later:
    """The later verdict of a group whose `changed` parts clear: when all of them have (or, for an
    option group that then fits, when the first fitting one has), and by what remedy."""
    dated = [later for later in changed if later.clears_on is not None]
    if one_is_enough:
        fitting = [later for later in dated if later.verdict is MET]
        dated = [min(fitting, key=_day)] if fitting else []
    if not dated:
        return Later(verdict=verdict, clears_on=None, remedy="transfusion")
    last = max(dated, key=_day)
    return Later(verdict=verdict, clears_on=last.clears_on, remedy=last.remedy)


def _day(later: Later) -> date:
    return later.clears_on or date.min


def later_of(rule: Rule, profile: PatientProfile, on: date, now: Outcome, evaluate: Evaluate) -> Later | None:
    """How waiting or a transfusion changes `rule`'s verdict `now` (None when neither does)."""
    if isinstance(rule, AllOf | AnyOf):
        parts = [(part, evaluate(part, profile, on)) for part in rule.rules]
        laters = [later_of(part, profile, on, outcome, evaluate) for part, outcome in parts]
        if not any(laters):
            return None
        verdicts = [
            later.verdict if later else outcome.verdict for (_, outcome), later in zip(parts, laters, strict=True)
        ]
        verdict = combine_all(verdicts) if isinstance(rule, AllOf) else combine_any(verdicts)
        if verdict is now.verdict:
            return None
        changed = [later for later in laters if later is not None]
        return combined(verdict, changed, one_is_enough=isinstance(rule, AnyOf) and verdict is MET)
    if isinstance(rule, ConditionalRule):
        if rule.requirement_rule is None or now.verdict not in (MET, NOT_MET):
            return None
        requirement = evaluate(rule.requirement_rule, profile, on)
        if requirement.verdict is not now.verdict:
            return None
        return later_of(rule.requirement_rule, profile, on, requirement, evaluate)
    if isinstance(rule, LabThresholdRule) and now.verdict is NOT_MET and _transfusable(rule):
        return Later(verdict=MET, clears_on=None, remedy="transfusion")
    if _is_time_based(rule) and now.verdict in (MET, NOT_MET):
        return _first_change(rule, profile, on, now.verdict, evaluate)
    return None
