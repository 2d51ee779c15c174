"""The menopause rule kind ("Postmenopausal women", "perimenopausal", "Postmenopausal for at least 12
months prior to study"): model, question, extractor, evaluator and record (issue #12). The profile's
`menopause` (pre / peri / post) and `last_period` answer it; a boy or man is none of the three."""

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
from eligo.rules.verdicts import Outcome

_PATTERNS = patterns()["menopause"]
_MONTH_DAYS = 365.25 / 12
_WORDS = {
    "pre": "has not yet been through the menopause",
    "peri": "is going through the menopause (perimenopause)",
    "post": "has been through the menopause (her periods have stopped for good)",
}


class MenopauseRule(RuleBase):
    """A woman's menopause `status`; for `post`, her last period at least `min_months` ago (more
    than, when `strict`)."""

    kind: Literal["menopause"] = "menopause"
    status: Literal["pre", "peri", "post"]
    min_months: int | None = Field(default=None, gt=0)
    strict: bool | None = None

    @model_validator(mode="after")
    def _coherent(self) -> MenopauseRule:
        if self.min_months is not None and self.status != "post":
            raise ValueError("a time since the last period is about post-menopausal women")
        return self

    def describe(self) -> str:
        said = _WORDS[self.status]
        if self.min_months is not None:
            when = f"{'more than' if self.strict else 'at least'} {describe_months(self.min_months)} ago"
            said += f", and her last period was {when}"
        return said

    def question(self, section: Section) -> str:
        return general_wording()["menopause"].format(what=self.describe())


def extract_menopause(context: CriterionContext) -> MenopauseRule | None:
    found = short_matches(context.text, context.normalized, len(context.sentences), _PATTERNS.compiled)
    for match in found:
        status: Literal["pre", "peri", "post"] = match["status"].lower()  # type: ignore[assignment]
        if match["num"] is None:
            return MenopauseRule(status=status)
        months = _PATTERNS.number(match["num"]) * (12 if match["unit"].lower().startswith("year") else 1)
        return MenopauseRule(status=status, min_months=months, strict=True if match["cmp"] == ">" else None)
    return None


def evaluate_menopause(rule: MenopauseRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial's condition is that the patient {rule.describe()}"
    if profile.sex is not None and profile.sex is not Sex.FEMALE:
        return Outcome.not_met(f"The child is {profile.sex.value}; {needs}.")
    status, said = profile.menopause, f"Menopause: {profile.menopause}"
    months = profile.age_in_months_on(on)
    young = clinical_vocab().pregnancy.female_min_age_years
    if status is None and profile.sex is Sex.FEMALE and months is not None and months < young * 12:
        # Before puberty there has been no period, let alone a menopause (the age pregnancy criteria use).
        status = "pre"
        said = f"Age {describe_months(months)} on {on.isoformat()}; Eligo takes a girl under {young} as"
        said += " before the menopause"
    if status is None:
        return Outcome.unknown(
            f"The profile does not say whether she has been through the menopause; {needs}.", "menopause"
        )
    if status != rule.status:
        return Outcome.not_met(f"{said}; {needs}.")
    if rule.min_months is None:
        if profile.sex is None:
            return Outcome.unknown(f"{said}, sex not given; {needs}.", "sex")
        return Outcome.met(f"{said}; {needs}.")
    if profile.last_period is None:
        return Outcome.unknown(f"{said}, no date of the last period; {needs}.", "last_period")
    since = (on - profile.last_period).days / _MONTH_DAYS
    said += f", last period {profile.last_period.isoformat()}"
    holds = since > rule.min_months if rule.strict else since >= rule.min_months
    if holds and profile.sex is None:
        return Outcome.unknown(f"{said}, sex not given; {needs}.", "sex")
    return (Outcome.met if holds else Outcome.not_met)(f"{said}; {needs}.")


KIND = RuleKind(
    MenopauseRule,
    general_wording,
    ("menopause",),
    evaluate_menopause,
    (Step(extract_menopause, _PATTERNS.trigger),),
)

__all__ = ["KIND", "MenopauseRule", "evaluate_menopause", "extract_menopause"]
