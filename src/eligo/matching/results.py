"""Result records of an evaluation: per criterion, per trial, and the questions still open."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligo.matching.verdicts import CriterionVerdict, TrialVerdict

# Where a criterion's verdict came from: the profile's facts, a pre-screener answer, or nothing yet.
Source = Literal["profile", "answer", "none"]


class CriterionResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    section: Literal["inclusion", "exclusion"]
    text: str
    # The arm or cohort the criterion is limited to, when it says so.
    scope: str | None = None
    verdict: CriterionVerdict
    evidence: str
    missing: tuple[str, ...] = ()
    question: str = ""
    computable: bool = False
    # True when this criterion, as evaluated, rules the child out.
    rules_out: bool = False
    source: Source = "profile"
    children: tuple[CriterionResult, ...] = ()

    def walk(self) -> Iterator[CriterionResult]:
        yield self
        for child in self.children:
            yield from child.walk()


class OpenQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    section: Literal["inclusion", "exclusion"]
    question: str
    text: str


class TrialResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    nct_id: str
    verdict: TrialVerdict
    criteria: tuple[CriterionResult, ...]
    ruled_out_by: tuple[str, ...]
    open_questions: tuple[OpenQuestion, ...]
    evaluated_on: date

    def leaves(self) -> Iterator[CriterionResult]:
        for result in self.criteria:
            for node in result.walk():
                if not node.children:
                    yield node

    def counts(self) -> dict[str, int]:
        """How many leaf criteria are confirmed in the child's favour, against, or open."""
        tally = {"met": 0, "not_met": 0, "unknown": 0, "not_applicable": 0}
        # An explicit stack rather than `leaves()`: ranking counts every candidate of a match.
        stack = list(self.criteria)
        while stack:
            node = stack.pop()
            if node.children:
                stack.extend(node.children)
            elif node.verdict is CriterionVerdict.NOT_APPLICABLE:
                tally["not_applicable"] += 1
            elif node.verdict is CriterionVerdict.UNKNOWN:
                tally["unknown"] += 1
            elif node.rules_out:
                tally["not_met"] += 1
            else:
                tally["met"] += 1
        return tally
