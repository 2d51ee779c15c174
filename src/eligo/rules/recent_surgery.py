"""The recent-surgery rule kind ("Major surgery within 4 weeks prior to the first dose", "Surgery
within six weeks of the study", "Planned major surgery within the next 12 months"): model, question,
extractor, evaluator and record (issue #12). Minor procedures (biopsy, line insertion) are not major
surgery; a criterion that adds another event ("or significant trauma") is not read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._general import days_since, general_wording, span_days, span_text
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome


class RecentSurgeryRule(RuleBase):
    """Major surgery in the last `amount` `unit`s; any surgery, major or minor, when `any_surgery`;
    with `planned`, major surgery the child is due to have in the next `amount` `unit`s."""

    kind: Literal["recent_surgery"] = "recent_surgery"
    amount: int = Field(gt=0, le=1000)
    unit: Literal["days", "weeks", "months", "years"]
    any_surgery: Literal[True] | None = None
    planned: Literal[True] | None = None

    @model_validator(mode="after")
    def _one_reading(self) -> RecentSurgeryRule:
        if self.planned and self.any_surgery:
            raise ValueError("a planned operation is read as major surgery only")
        return self

    def span(self) -> str:
        # "in the last month", not "in the last 1 month".
        return self.unit.rstrip("s") if self.amount == 1 else span_text(self.amount, self.unit)

    def question(self, section: Section) -> str:
        key = "surgery_planned_within" if self.planned else "surgery_within"
        if self.any_surgery:
            key = "any_surgery_within"
        return general_wording()[key].format(span=self.span())


def extract_recent_surgery(context: CriterionContext) -> RecentSurgeryRule | None:
    block = patterns()["recent_surgery"]
    if context.section != "exclusion":
        return None  # read only as an exclusion: an inclusion that mentions it says something else
    text = context.normalized.strip().rstrip(".;,").strip()
    for pattern in block.compiled:
        match = pattern.match(text)
        if match is not None:
            groups = match.groupdict()
            # "within the past month": one of the unit.
            amount = 1 if match["amount"] is None else block.number(match["amount"])
            unit = match["unit"] or match["one"]
            return RecentSurgeryRule(
                amount=amount,
                unit=unit.lower().rstrip("s") + "s",
                any_surgery=True if groups.get("any") is not None else None,
                planned=True if groups.get("planned") is not None else None,
            )
    return None


def _last_major(profile: PatientProfile) -> date | None:
    dates = [p.date for p in profile.procedures if p.major and p.date is not None]
    if profile.last_major_surgery is not None:
        dates.append(profile.last_major_surgery)
    return max(dates) if dates else None


def _evaluate_any_surgery(rule: RecentSurgeryRule, profile: PatientProfile, on: date) -> Outcome:
    """Any operation counts; the profile records major surgery and a list of procedures, neither of
    which is sure to hold every minor one, so only an operation inside the window settles it."""
    needs = f"the trial asks about any surgery in the last {rule.span()}"
    window = span_days(rule.amount, rule.unit)
    dated = [p for p in profile.procedures if p.date is not None and days_since(p.date, on) <= window]
    if dated:
        latest = max(dated, key=lambda p: p.date or on)
        return Outcome.met(f"{latest.name} on {latest.date} ({days_since(latest.date or on, on)} days ago); {needs}.")
    last = _last_major(profile)
    if last is not None and days_since(last, on) <= window:
        return Outcome.met(f"Major surgery on {last.isoformat()} ({days_since(last, on)} days ago); {needs}.")
    return Outcome.unknown(
        f"The profile does not say whether the child had any operation, major or minor, in the window; {needs}.",
        "procedures",
    )


def _evaluate_planned(rule: RecentSurgeryRule, profile: PatientProfile, on: date) -> Outcome:
    """Met on a planned major operation dated inside the window ahead; otherwise unknown: the list of
    planned procedures is not sure to hold every one, nor to say which are major."""
    needs = f"the trial asks about major surgery planned in the next {rule.span()}"
    window = span_days(rule.amount, rule.unit)
    unsure: list[str] = []
    for procedure in profile.planned_procedures:
        if procedure.major is False:
            continue
        if procedure.date is not None and not 0 <= (procedure.date - on).days <= window:
            continue
        if procedure.major and procedure.date is not None:
            ahead = (procedure.date - on).days
            said = f"Major surgery ({procedure.name}) planned for {procedure.date} (in {ahead} days)"
            return Outcome.met(f"{said}; {needs}.")
        unsure.append(procedure.name if procedure.date is not None else f"{procedure.name} (no date)")
    said = "The profile lists no major operation planned in the window, but may not list every one"
    if unsure:
        said = f"The profile lists planned {', '.join(unsure)}, but not whether each is major and inside the window"
    return Outcome.unknown(f"{said}; {needs}.", "planned_procedures")


def evaluate_recent_surgery(rule: RecentSurgeryRule, profile: PatientProfile, on: date) -> Outcome:
    if rule.planned:
        return _evaluate_planned(rule, profile, on)
    if rule.any_surgery:
        return _evaluate_any_surgery(rule, profile, on)
    needs = f"the trial asks about major surgery in the last {rule.span()}"
    last = _last_major(profile)
    window = span_days(rule.amount, rule.unit)
    if last is not None:
        since = days_since(last, on)
        if since <= window:
            clear = (last + timedelta(days=window + 1)).isoformat()
            said = f"Major surgery on {last.isoformat()} ({since} days ago, outside the window from {clear})"
            return Outcome.met(f"{said}; {needs}.")
        if profile.last_major_surgery is not None and profile.last_major_surgery >= last:
            return Outcome.not_met(f"Last major surgery on {last.isoformat()} ({since} days ago); {needs}.")
        # Only a listed procedure: the list may not hold every operation.
        return Outcome.unknown(
            f"The profile lists major surgery on {last.isoformat()}, but not whether it was the last; {needs}.",
            "last_major_surgery",
        )
    if profile.never_major_surgery:
        return Outcome.not_met(f"The profile says the child has never had major surgery; {needs}.")
    return Outcome.unknown(f"The profile does not give the last major surgery; {needs}.", "last_major_surgery")


KIND = RuleKind(
    RecentSurgeryRule, general_wording, ("surgery_within", "any_surgery_within", "surgery_planned_within"),
    evaluate_recent_surgery,
    (Step(extract_recent_surgery, patterns()["recent_surgery"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "RecentSurgeryRule", "evaluate_recent_surgery", "extract_recent_surgery"]
