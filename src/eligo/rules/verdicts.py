"""Verdict vocabulary and result records for criteria and trials."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class CriterionVerdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class TrialVerdict(StrEnum):
    ELIGIBLE = "eligible"
    POSSIBLY_ELIGIBLE = "possibly_eligible"
    INELIGIBLE = "ineligible"


class Outcome(BaseModel):
    """What one rule says about one profile: a verdict and the evidence behind it.

    `evidence` is a full sentence a clinician can check, naming the fact used, its date and
    the threshold ("ANC 800/µL on 2026-11-02; the trial needs ≥ 1,000/µL"), or saying what is
    missing ("No recent ANC in the profile").
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: CriterionVerdict
    evidence: str
    # Profile fields that would settle an `unknown` ("labs.anc", "therapies").
    missing: tuple[str, ...] = ()

    @classmethod
    def met(cls, evidence: str) -> Outcome:
        return cls(verdict=CriterionVerdict.MET, evidence=evidence)

    @classmethod
    def not_met(cls, evidence: str) -> Outcome:
        return cls(verdict=CriterionVerdict.NOT_MET, evidence=evidence)

    @classmethod
    def unknown(cls, evidence: str, *missing: str) -> Outcome:
        return cls(verdict=CriterionVerdict.UNKNOWN, evidence=evidence, missing=missing)

    @classmethod
    def not_applicable(cls, evidence: str) -> Outcome:
        return cls(verdict=CriterionVerdict.NOT_APPLICABLE, evidence=evidence)


def combine_all(verdicts: Sequence[CriterionVerdict]) -> CriterionVerdict:
    """Logical AND over three-valued verdicts; not-applicable parts are ignored."""
    relevant = [v for v in verdicts if v is not CriterionVerdict.NOT_APPLICABLE]
    if not relevant:
        return CriterionVerdict.NOT_APPLICABLE
    if CriterionVerdict.NOT_MET in relevant:
        return CriterionVerdict.NOT_MET
    return CriterionVerdict.UNKNOWN if CriterionVerdict.UNKNOWN in relevant else CriterionVerdict.MET


def combine_at_least(verdicts: Sequence[CriterionVerdict], count: int) -> CriterionVerdict:
    """At least `count` of the parts hold ("at least two of the following"); not-applicable parts are ignored.

    Met once `count` parts are met; not met once too few parts are left that could still be met;
    otherwise unknown.
    """
    relevant = [v for v in verdicts if v is not CriterionVerdict.NOT_APPLICABLE]
    if not relevant:
        return CriterionVerdict.NOT_APPLICABLE
    met = relevant.count(CriterionVerdict.MET)
    if met >= count:
        return CriterionVerdict.MET
    if met + relevant.count(CriterionVerdict.UNKNOWN) < count:
        return CriterionVerdict.NOT_MET
    return CriterionVerdict.UNKNOWN


def combine_any(verdicts: Sequence[CriterionVerdict]) -> CriterionVerdict:
    """Logical OR over three-valued verdicts; not-applicable parts are ignored."""
    relevant = [v for v in verdicts if v is not CriterionVerdict.NOT_APPLICABLE]
    if not relevant:
        return CriterionVerdict.NOT_APPLICABLE
    if CriterionVerdict.MET in relevant:
        return CriterionVerdict.MET
    return CriterionVerdict.UNKNOWN if CriterionVerdict.UNKNOWN in relevant else CriterionVerdict.NOT_MET
