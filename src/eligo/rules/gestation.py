"""The gestation rule kind: gestational age in weeks, of a pregnancy now ("Pregnancy between 36 and 42
weeks of gestation") or at the child's own birth ("preterm neonates born at 26 to 34 weeks of
gestational age"): model, question, extractor, evaluator and record (issue #12). An inclusive upper
bound counts completed weeks, as obstetrics does ("at most 34 weeks" takes in 34 weeks and 6 days);
"more than 20 weeks" is any day past 20 weeks 0 days."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile, Sex
from eligo.rules._clinical import clinical_vocab, describe_months
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns, short_matches
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome

_PATTERNS = patterns()["gestation"]
_TERM_DAYS = 280  # 40 weeks: a due date is 40 weeks of gestation


class GestationRule(RuleBase):
    """Completed weeks of gestation within [min_weeks, max_weeks] (each bound inclusive unless said),
    of a pregnancy now (`subject` "pregnancy": she is pregnant and this far on) or at birth."""

    kind: Literal["gestation"] = "gestation"
    subject: Literal["pregnancy", "birth"]
    min_weeks: int | None = Field(default=None, ge=0, le=45)
    max_weeks: int | None = Field(default=None, ge=0, le=45)
    min_inclusive: bool = True
    max_inclusive: bool = True

    @model_validator(mode="after")
    def _a_range(self) -> GestationRule:
        if self.min_weeks is None and self.max_weeks is None:
            raise ValueError("give a lowest or a highest week")
        if self.min_weeks is not None and self.max_weeks is not None and self.min_weeks > self.max_weeks:
            raise ValueError("the lowest week is above the highest")
        return self

    def holds(self, weeks: float) -> bool:
        """`weeks` with its days (34 weeks 6 days is 34.86): "at most 34 weeks" counts completed weeks and
        takes it in; "more than 20 weeks" is any day past 20 weeks 0 days."""
        low = self.min_weeks is None or (weeks >= self.min_weeks if self.min_inclusive else weeks > self.min_weeks)
        high = self.max_weeks is None or (weeks < self.max_weeks + 1 if self.max_inclusive else weeks < self.max_weeks)
        return low and high

    def range_text(self) -> str:
        if self.min_weeks is not None and self.max_weeks is not None:
            return f"between {self.min_weeks} and {self.max_weeks} weeks"
        if self.min_weeks is not None:
            return f"{'at least' if self.min_inclusive else 'more than'} {self.min_weeks} weeks"
        return f"{'at most' if self.max_inclusive else 'less than'} {self.max_weeks} weeks"

    def question(self, section: Section) -> str:
        key = "gestation_pregnancy" if self.subject == "pregnancy" else "gestation_birth"
        return general_wording()[key].format(range=self.range_text())


def extract_gestation(context: CriterionContext) -> GestationRule | None:
    found = short_matches(context.text, context.normalized, len(context.sentences), _PATTERNS.compiled)
    for match in found:
        subject: Literal["pregnancy", "birth"] = "pregnancy" if match.groupdict().get("pregnancy") else "birth"
        if match.groupdict().get("lo") is not None:
            return GestationRule(subject=subject, min_weeks=int(match["lo"]), max_weeks=int(match["hi"]))
        written = match["cmp"].lower()
        cmp = {"before": "<", "after": ">"}.get(written, written.replace("or ", "or"))
        weeks = int(match["num"])
        if cmp in (">", "≥", "or>"):
            return GestationRule(subject=subject, min_weeks=weeks, min_inclusive=cmp != ">")
        return GestationRule(subject=subject, max_weeks=weeks, max_inclusive=cmp != "<")
    return None


_BARE = patterns()["gestation.bare"]
_BARE_RANGE = _BARE.regex("range")
_BARE_BOUND = _BARE.regex("bound")


def extract_bare_gestation(context: CriterionContext) -> GestationRule | None:
    """ "Gestational age < 32 weeks": whose is said by the trial's inclusions, of newborns (at birth) or of
    pregnant women (now); read only when they speak of one and not the other (issue #12)."""
    if context.newborn_participants == context.pregnant_participants:
        return None
    subject: Literal["pregnancy", "birth"] = "birth" if context.newborn_participants else "pregnancy"
    tidy = " ".join(context.normalized.split()).strip().rstrip(".;,").strip()
    match = _BARE_RANGE.match(tidy)
    if match is not None:
        low, high = int(match["lo"]), int(match["hi"])
        return GestationRule(subject=subject, min_weeks=low, max_weeks=high) if low < high else None
    match = _BARE_BOUND.match(tidy)
    if match is None:
        return None
    cmp, weeks = match["cmp"], int(match["num"])
    if cmp in (">", "≥"):
        return GestationRule(subject=subject, min_weeks=weeks, min_inclusive=cmp == "≥")
    return GestationRule(subject=subject, max_weeks=weeks, max_inclusive=cmp == "≤")


def evaluate_gestation(rule: GestationRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial's condition is {rule.range_text()} of gestation"
    if rule.subject == "birth":
        born = profile.gestational_age_at_birth_weeks
        if born is None:
            return Outcome.unknown(
                f"The profile does not give the gestational age at birth; {needs} at birth.",
                "gestational_age_at_birth_weeks",
            )
        verdict = Outcome.met if rule.holds(born) else Outcome.not_met
        return verdict(f"Born at {born:g} weeks of gestation; {needs} at birth.")
    needs += " in a pregnancy now"
    if profile.sex is not None and profile.sex is not Sex.FEMALE:
        return Outcome.not_met(f"The child is {profile.sex.value}; {needs}.")
    if profile.pregnant is False:
        return Outcome.not_met(f"Profile pregnant: no; {needs}.")
    months = profile.age_in_months_on(on)
    young = clinical_vocab().pregnancy.female_min_age_years
    if profile.pregnant is None and profile.sex is Sex.FEMALE and months is not None and months < young * 12:
        # The age below which pregnancy criteria do not apply (clinical.yaml): a young girl is not pregnant.
        said = f"Age {describe_months(months)} on {on.isoformat()}; Eligo takes a girl under {young} as not pregnant"
        return Outcome.not_met(f"{said}; {needs}.")
    if profile.pregnant is None:
        return Outcome.unknown(f"The profile does not say whether she is pregnant; {needs}.", "pregnant")
    if profile.due_date is None:
        return Outcome.unknown(f"Profile pregnant: yes, no due date; {needs}.", "due_date")
    days = _TERM_DAYS - (profile.due_date - on).days
    weeks, rest = divmod(days, 7)
    said = f"Due {profile.due_date.isoformat()}: {weeks} weeks {rest} days on {on.isoformat()}"
    return (Outcome.met if rule.holds(days / 7) else Outcome.not_met)(f"{said}; {needs}.")


KIND = RuleKind(
    GestationRule,
    general_wording,
    ("gestation_pregnancy", "gestation_birth"),
    evaluate_gestation,
    (Step(extract_gestation, _PATTERNS.trigger), Step(extract_bare_gestation, Trigger(("gestation", "gestational")))),
)

__all__ = ["KIND", "GestationRule", "evaluate_gestation", "extract_bare_gestation", "extract_gestation"]
