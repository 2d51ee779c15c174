"""The prior-lines rule kind ("at least one prior line of systemic therapy", "no more than 2 prior
regimens"): model, question, evaluator and record (the washout step reads it).

A line (regimen) is one treatment plan, however many drugs it combines; the profile holds the
care team's count of the child's lines of systemic anticancer therapy for this cancer
(`prior_lines_of_therapy`), not which class each line was; without it, a recorded anticancer
therapy (of the class, where one is named) still shows at least one line. A rule about lines of one class
("≥2 previous platinum-containing regimens") is therefore settled only where the total decides
it: the lines of a class are never more than the lines in all, so a total below the minimum is
not met and a total within the maximum is met; otherwise it is unknown. A recorded therapy of the
class shows at least one such line."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._therapy import Exposure, _history, therapy_wording
from eligo.rules.base import RuleBase, Section
from eligo.rules.drugs import questions
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome


class PriorLinesRule(RuleBase):
    """The child has had between `min_lines` and `max_lines` (either may be open) prior lines of
    systemic anticancer therapy; of `exposure` only (a drug class) when one is named."""

    kind: Literal["prior_lines"] = "prior_lines"
    min_lines: int | None = Field(default=None, ge=0, le=30)
    max_lines: int | None = Field(default=None, ge=0, le=30)
    exposure: Exposure | None = None  # None: lines of any systemic anticancer therapy

    @model_validator(mode="after")
    def _shape(self) -> PriorLinesRule:
        if self.min_lines is None and self.max_lines is None:
            raise ValueError("a prior-lines rule gives a minimum, a maximum or both")
        if self.min_lines is not None and self.max_lines is not None and self.min_lines > self.max_lines:
            raise ValueError("min_lines is above max_lines")
        if self.min_lines == 0 and self.max_lines is None:
            raise ValueError("at least 0 lines says nothing")
        if self.exposure is not None and (
            not self.exposure.covers_therapies or self.exposure.radiation_fields or self.exposure.transplant
        ):
            raise ValueError("lines are counted of drug therapies")
        return self

    def count_text(self) -> str:
        low, high = self.min_lines, self.max_lines
        if low is not None and high is not None:
            return f"exactly {low}" if low == high else f"between {low} and {high}"
        return f"at least {low}" if low is not None else f"no more than {high}"

    def question(self, section: Section) -> str:
        q = questions()
        one = self.max_lines == 1 if self.min_lines in (None, 1) else False
        plans = q.prior_line_one if one or (self.min_lines == 1 and self.max_lines is None) else q.prior_lines_many
        if self.exposure is None:
            return q.prior_lines.format(count=self.count_text(), plans=plans)
        return q.prior_lines_of.format(count=self.count_text(), plans=plans, what=self.exposure.described())


@cache
def _any_line() -> Exposure:
    """What a line of any systemic anticancer therapy holds: a recorded one shows at least one line."""
    return Exposure(therapy_classes=("systemic_anticancer_therapy",), label="anti-cancer therapy")


def _within(count: int, rule: PriorLinesRule) -> bool:
    return (rule.min_lines is None or count >= rule.min_lines) and (rule.max_lines is None or count <= rule.max_lines)


def evaluate_prior_lines(rule: PriorLinesRule, profile: PatientProfile, on: date) -> Outcome:
    what = "" if rule.exposure is None else f" of {rule.exposure.label}"
    needs = f"the trial needs {rule.count_text()} prior lines{what}"
    total = profile.prior_lines_of_therapy
    seen = [i.name for i in _history(rule.exposure or _any_line(), profile).items]
    if total is None:
        if seen and rule.min_lines == 1 and rule.max_lines is None:
            return Outcome.met(f"The child has had {', '.join(seen)}, so at least one line{what}.")
        missing = "The number of prior lines of therapy is not recorded"
        return Outcome.unknown(f"{missing}; {needs}.", "prior_lines_of_therapy")
    have = f"{total} prior line{'' if total == 1 else 's'} of therapy in all"
    if rule.exposure is None:
        text = f"{have}; {needs}."
        return Outcome.met(text) if _within(total, rule) else Outcome.not_met(text)
    # Lines of one class: never more than the lines in all, and at least one where a therapy of it is recorded.
    if rule.min_lines is not None and total < rule.min_lines:
        return Outcome.not_met(f"{have}; {needs}.")
    high_ok = rule.max_lines is None or total <= rule.max_lines
    low_ok = rule.min_lines is None or rule.min_lines == 0 or (rule.min_lines == 1 and bool(seen))
    if high_ok and low_ok:
        return Outcome.met(f"{have}; {needs}.")
    return Outcome.unknown(
        f"{have}; the profile does not say how many of them were {rule.exposure.label}; {needs}.", "therapies"
    )


KIND = RuleKind(
    PriorLinesRule, therapy_wording, ("prior_lines", "prior_lines_of", "prior_line_one", "prior_lines_many"),
    evaluate_prior_lines, produced_by="washout",
)  # fmt: skip

__all__ = ["KIND", "PriorLinesRule", "evaluate_prior_lines"]
