"""The trial-participation rule kind ("Current participation in another clinical trial",
"Participation in another clinical trial within 30 days", "Treatment with any other investigational
drug within 4 weeks"): model, question, extractor, evaluator and record (issue #12)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._general import days_since, general_wording, span_days, span_text
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome


class TrialParticipationRule(RuleBase):
    """Taking part in another trial now (`within` None), or in the last `amount` `unit`s; or an
    investigational agent in that window (`what` = investigational_agent)."""

    kind: Literal["trial_participation"] = "trial_participation"
    what: Literal["other_trial", "investigational_agent"]
    amount: int | None = Field(default=None, gt=0, le=1000)
    unit: Literal["days", "weeks", "months", "years"] | None = None

    @model_validator(mode="after")
    def _window_whole(self) -> TrialParticipationRule:
        if (self.amount is None) != (self.unit is None):
            raise ValueError("give amount and unit together")
        if self.what == "investigational_agent" and self.amount is None:
            raise ValueError("an investigational agent needs its time window")
        return self

    @property
    def days(self) -> int | None:
        return None if self.amount is None or self.unit is None else span_days(self.amount, self.unit)

    def span(self) -> str:
        if self.amount is None or self.unit is None:
            return ""
        # "in the last month", not "in the last 1 month".
        return self.unit.rstrip("s") if self.amount == 1 else span_text(self.amount, self.unit)

    def question(self, section: Section) -> str:
        wording = general_wording()
        if self.what == "investigational_agent":
            return wording["investigational_within"].format(span=self.span())
        if self.amount is None:
            return wording["trial_now"]
        return wording["trial_within"].format(span=self.span())


def extract_trial_participation(context: CriterionContext) -> TrialParticipationRule | AnyOf | None:
    block = patterns()["trial_participation"]
    if context.section != "exclusion":
        return None  # read only as an exclusion: an inclusion that mentions it says something else
    text = context.normalized.strip().rstrip(".;,").strip()
    for pattern in block.compiled:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        # The patterns about a medicine rather than a trial carry an empty `agent` group.
        what: Literal["other_trial", "investigational_agent"] = (
            "investigational_agent" if groups.get("agent") is not None else "other_trial"
        )
        written, said_unit = groups.get("amount"), groups.get("unit") or groups.get("one")
        if said_unit is None:
            return TrialParticipationRule(what=what)
        unit = said_unit.lower().rstrip("s") + "s"
        amount = 1 if written is None else block.number(written)  # "within the past month": one of the unit
        if groups.get("both") is not None:
            # Either one excludes (the extractor reads exclusions only).
            return AnyOf(
                rules=tuple(
                    TrialParticipationRule(what=each, amount=amount, unit=unit)
                    for each in ("other_trial", "investigational_agent")
                )
            )
        return TrialParticipationRule(what=what, amount=amount, unit=unit)
    return None


def _clear(last: date, since: int, window: int) -> str:
    """When a barrier that time removes is gone: the first day outside the window, while inside it."""
    return f", outside the window from {(last + timedelta(days=window + 1)).isoformat()}" if since <= window else ""


def evaluate_trial_participation(rule: TrialParticipationRule, profile: PatientProfile, on: date) -> Outcome:
    taking = profile.trial_participation
    window = rule.days
    if rule.what == "investigational_agent":
        needs = f"the trial asks about an investigational medicine in the last {rule.span()}"
        if taking.last_investigational_agent is not None and window is not None:
            last = taking.last_investigational_agent
            since = days_since(last, on)
            clear = _clear(last, since, window)
            said = f"Last investigational medicine on {last.isoformat()} ({since} days ago{clear})"
            return (Outcome.met if since <= window else Outcome.not_met)(f"{said}; {needs}.")
        if taking.never_investigational_agent:
            return Outcome.not_met(f"The profile says the child has never had an investigational medicine; {needs}.")
        return Outcome.unknown(
            f"The profile does not give the last investigational medicine; {needs}.",
            "trial_participation.last_investigational_agent",
        )
    needs = "the trial asks about another clinical trial " + (f"in the last {rule.span()}" if window else "now")
    if taking.in_other_trial_now:
        return Outcome.met(f"The profile says the child is in another trial now; {needs}.")
    if window is None:
        if taking.in_other_trial_now is False:
            return Outcome.not_met(f"The profile says the child is not in another trial now; {needs}.")
        return Outcome.unknown(f"The profile does not say whether the child is in another trial; {needs}.",
                               "trial_participation.in_other_trial_now")  # fmt: skip
    if taking.last_other_trial_end is not None and taking.in_other_trial_now is False:
        since = days_since(taking.last_other_trial_end, on)
        ended = taking.last_other_trial_end
        said = f"Last other trial ended on {ended.isoformat()} ({since} days ago{_clear(ended, since, window)})"
        return (Outcome.met if since <= window else Outcome.not_met)(f"{said}; {needs}.")
    return Outcome.unknown(
        f"The profile does not say when the child last took part in another trial; {needs}.",
        "trial_participation.last_other_trial_end",
    )


KIND = RuleKind(
    TrialParticipationRule, general_wording, ("trial_now", "trial_within", "investigational_within"),
    evaluate_trial_participation,
    (Step(extract_trial_participation, patterns()["trial_participation"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "TrialParticipationRule", "evaluate_trial_participation", "extract_trial_participation"]
