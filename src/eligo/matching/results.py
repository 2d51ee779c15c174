"""Result records of an evaluation: per criterion, per trial, and the questions still open."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligo.matching.remedies import Remedy
from eligo.rules.verdicts import CriterionVerdict, TrialVerdict

# Where a criterion's verdict came from: the profile's facts, a pre-screener answer, or nothing yet.
Source = Literal["profile", "answer", "none"]
# Why a criterion decides nothing for this child although it is not met: it is the limit of an arm or
# cohort for another group of patients; an option of an any-of group that another option already
# fulfils; or an option that does not fit while another option of the group may still.
SetAside = Literal["other_group", "not_needed", "other_option"]


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
    # True when this criterion, as evaluated, rules the child out: against the child today and
    # neither waiting nor a transfusion the trial allows changes that.
    rules_out: bool = False
    # Against the child today, but waiting (until `clears_on`) or a transfusion the trial allows
    # changes that: a temporary barrier, never a reason the child cannot take part.
    remedy: Remedy | None = None
    clears_on: date | None = None
    set_aside: SetAside | None = None
    # One option of an inclusion "at least one of" group: alone it neither admits nor rules out.
    option: bool = False
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
    # Top-level criteria against the child today that waiting or a transfusion would clear.
    temporary: tuple[str, ...] = ()
    # The first day every waiting time among `temporary` has passed (None when none is dated, or
    # when something else rules the child out).
    eligible_from: date | None = None

    # The top-level criteria whose outcome decides the verdict: those that rule the child out; else
    # the temporary barriers and the open ones; none when the child looks eligible.
    deciding: tuple[str, ...] = ()

    def deciding_criteria(self) -> tuple[CriterionResult, ...]:
        wanted = set(self.deciding)
        return tuple(item for item in self.criteria if item.id in wanted)

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
            elif node.verdict is CriterionVerdict.NOT_APPLICABLE or node.set_aside is not None:
                tally["not_applicable"] += 1
            elif node.verdict is CriterionVerdict.UNKNOWN:
                tally["unknown"] += 1
            elif node.rules_out or node.remedy is not None:  # against the child today, for good or not yet
                tally["not_met"] += 1
            else:
                tally["met"] += 1
        return tally
