"""The words a family reads about a trial verdict and each criterion, from an evaluation's result.

The JSON verdict values keep their meaning (eligible, possibly_eligible, ineligible); these words say
how much is known: "Not checked yet" before anything is known about the child, "May qualify from
DATE" when only waiting stands in the way, "Probably does not qualify" only for what no waiting,
transfusion or answer changes. The wording lives in explain/wording.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from pydantic import BaseModel, ConfigDict

from eligo.criteria.parse import ParsedCriterion
from eligo.matching.results import CriterionResult, TrialResult
from eligo.rules.verdicts import CriterionVerdict, TrialVerdict
from eligo.yamlfile import load_model


class _Words(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Headlines(_Words):
    not_checked: str
    no_criteria: str
    eligible: str
    possibly: str
    possibly_all_known: str
    from_date: str
    from_date_open: str
    transfusion: str
    ineligible: str


class SectionWords(_Words):
    met: str
    not_met: str
    unknown: str
    not_applicable: str


class CriterionWords(_Words):
    inclusion: SectionWords
    exclusion: SectionWords
    wait: str
    age: str
    transfusion: str
    other_group: str
    not_needed: str
    other_option: str
    option_fits: str


class GroupWords(_Words):
    met: str
    unknown: str
    not_met: str
    not_applicable: str


class WaitingWords(_Words):
    wait: str
    age: str
    transfusion: str


class Wording(_Words):
    # The file's other parts (availability, kinds, early phase) are read by eligo.matching.availability.
    model_config = ConfigDict(frozen=True, extra="ignore")

    headline: Headlines
    known: str
    known_waiting: str
    question: tuple[str, str]
    criterion: CriterionWords
    any_group: GroupWords
    waiting_reason: WaitingWords


@cache
def wording() -> Wording:
    return load_model(Wording, "eligo.explain", "wording.yaml")


def long_date(day: date) -> str:
    """ "4 December 2026": the way a nurse would say the date."""
    return f"{day.day} {day:%B %Y}"


def questions_words(count: int) -> str:
    singular, plural = wording().question
    return (singular if count == 1 else plural).format(count=count)


@dataclass(frozen=True)
class Reason:
    """One criterion that decides the verdict, as the family reads it."""

    id: str
    text: str
    evidence: str
    label: str


@dataclass(frozen=True)
class Explanation:
    headline: str
    # How much is known: "3 met, 0 not met, 1 not met yet, 12 still open".
    known: str
    # What rules the child out (only criteria no waiting, transfusion or answer changes).
    against: tuple[Reason, ...]
    # Against the child today, but waiting or a transfusion clears them.
    waiting: tuple[Reason, ...]
    # The day every waiting time is over, when one is.
    eligible_from: date | None


def _waiting_count(result: TrialResult) -> int:
    return sum(1 for leaf in result.leaves() if leaf.remedy is not None and leaf.set_aside is None)


def known_sentence(result: TrialResult) -> str:
    counts = result.counts()
    waiting = _waiting_count(result)
    words = wording()
    return words.known.format(
        met=counts["met"],
        not_met=counts["not_met"] - waiting,
        waiting=words.known_waiting.format(count=waiting) if waiting else "",
        unknown=counts["unknown"],
    )


def headline(result: TrialResult, *, checked: bool) -> str:
    """The verdict in words. `checked`: whether anything about the child is known (a profile or an
    answer); before that, no trial says more than how many questions it asks."""
    words = wording().headline
    open_count = len(result.open_questions)
    if any(question.id == "no-criteria" for question in result.open_questions):
        return words.no_criteria
    if not checked:
        return words.not_checked.format(questions=questions_words(open_count))
    if result.verdict is TrialVerdict.INELIGIBLE:
        return words.ineligible
    if result.verdict is TrialVerdict.ELIGIBLE:
        return words.eligible
    if result.eligible_from is not None:
        template = words.from_date_open if open_count else words.from_date
        return template.format(date=long_date(result.eligible_from), questions=questions_words(open_count))
    if result.temporary and not open_count:
        return words.transfusion
    if not open_count:
        return words.possibly_all_known
    return words.possibly.format(questions=questions_words(open_count))


def criterion_label(result: CriterionResult) -> str:
    """The words beside one criterion: never a red "rules out" for an option the child does not
    need, an arm for other patients, or a barrier that waiting or a transfusion clears."""
    words = wording().criterion
    if result.set_aside is not None:
        return str(getattr(words, result.set_aside))
    if result.remedy is not None:
        template: str = getattr(words, result.remedy)
        return template.format(date=long_date(result.clears_on) if result.clears_on else "")
    if result.option and result.verdict is CriterionVerdict.MET:
        return words.option_fits
    section = words.inclusion if result.section == "inclusion" else words.exclusion
    return str(getattr(section, result.verdict.value))


def group_label(result: CriterionResult) -> str:
    """The heading words of an "at least one of" group, naming the options that fit."""
    words = wording().any_group
    if result.verdict is CriterionVerdict.MET:
        fits = [child for child in result.children if child.verdict is CriterionVerdict.MET and child.set_aside is None]
        names = "; ".join(_short(child.text) for child in fits) or "one option"
        return words.met.format(fits=names)
    return str(getattr(words, result.verdict.value))


def _short(text: str, limit: int = 80) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reason(item: CriterionResult) -> Reason:
    return Reason(id=item.id, text=item.text, evidence=item.evidence, label=criterion_label(item))


def _waiting_reason(item: CriterionResult) -> Reason:
    words = wording().waiting_reason
    when = item.clears_on
    template: str = getattr(words, item.remedy or "wait")
    label = template.format(date=long_date(when) if when else "")
    return Reason(id=item.id, text=item.text, evidence=item.evidence, label=label)


def _remedied(item: CriterionResult) -> list[CriterionResult]:
    """The deepest criteria under `item` that a remedy clears (the washout, not its heading)."""
    found = [leaf for child in item.children for leaf in _remedied(child)]
    if found:
        return found
    return [item] if item.remedy is not None else []


def explain(result: TrialResult, *, checked: bool = True) -> Explanation:
    """The headline, how much is known, and the criteria that decide, for pages and the CLI."""
    against = tuple(_reason(item) for item in result.deciding_criteria() if item.id in result.ruled_out_by)
    waiting = tuple(
        _waiting_reason(leaf) for item in result.criteria if item.id in result.temporary for leaf in _remedied(item)
    )
    return Explanation(
        headline=headline(result, checked=checked),
        known=known_sentence(result),
        against=against,
        waiting=waiting,
        eligible_from=result.eligible_from,
    )


def asks_life_expectancy(node: ParsedCriterion) -> bool:
    return node.rule is not None and node.rule.kind == "life_expectancy"


def life_expectancy_last(nodes: list[ParsedCriterion]) -> list[ParsedCriterion]:
    """The criteria in the order a family is asked: how long a child is expected to live comes last
    (and is explained), after everything a parent can answer from the child's records."""
    return [node for node in nodes if not asks_life_expectancy(node)] + [
        node for node in nodes if asks_life_expectancy(node)
    ]
