"""What every typed rule shares: its kind, its scope, its source span, and its question."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

Section = Literal["inclusion", "exclusion"]


class RuleBase(BaseModel):
    """A computable reading of one criterion.

    A rule states a *condition about the child*. For an inclusion criterion the child must
    satisfy it (`met` is good); for an exclusion criterion `met` means the exclusion applies.
    Rules are immutable, validate themselves on construction and round-trip through JSON
    (`model_dump(mode="json")` / `Rule` type adapter in `eligo.criteria.rules`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    # An arm or cohort the criterion is limited to ("Arm A", "Cohort B1"); None = whole trial.
    scope: str | None = None

    # False for attestation rules (consent, assent, willingness): a person answers them,
    # no profile fact settles them.
    computable: ClassVar[bool] = True

    def question(self, section: Section) -> str:
        """A plain-language question a parent can answer yes / no / not sure.

        "Yes" must mean the rule's condition holds (so for an exclusion, "yes" excludes).
        """
        raise NotImplementedError


class CriterionContext(BaseModel):
    """What an extractor sees of one criterion: its cleaned text and its neighbours in the tree."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str  # escapes undone ("\\>=" -> ">="), whitespace normalised, line-wrap repaired
    section: Section
    # The heading or parent criterion ("Radiation:", "Stem Cell Transplant (SCT):", "Organ Function").
    parent_text: str | None = None
    # Direct children's texts, e.g. the rows of an age-adjusted creatinine table.
    children: tuple[str, ...] = ()
