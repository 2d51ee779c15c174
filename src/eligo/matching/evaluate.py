"""Evaluate one rule, or a trial's whole criteria tree, against a patient profile.

Verdicts are computed in *condition space*: a criterion is `met` when what it states is true
of the child. Whether that helps or harms depends on the section: an inclusion criterion that
is `not_met`, or an exclusion criterion that is `met`, rules the child out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from importlib import import_module
from typing import Any

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.criteria.rules import AllOf, AnyOf, ConditionalRule, Rule
from eligo.matching.results import CriterionResult, OpenQuestion, TrialResult
from eligo.matching.verdicts import CriterionVerdict, Outcome, TrialVerdict
from eligo.patients.answers import Answer, Answers
from eligo.patients.profile import PatientProfile

Evaluator = Callable[[Any, PatientProfile, date], Outcome]

EVALUATOR_MODULES = (
    "eligo.matching.evaluators.clinical",
    "eligo.matching.evaluators.labs",
    "eligo.matching.evaluators.therapy",
)

MET, NOT_MET, UNKNOWN, NA = (
    CriterionVerdict.MET,
    CriterionVerdict.NOT_MET,
    CriterionVerdict.UNKNOWN,
    CriterionVerdict.NOT_APPLICABLE,
)


@cache
def _evaluators() -> Mapping[type, Evaluator]:
    table: dict[type, Evaluator] = {}
    for name in EVALUATOR_MODULES:
        table.update(import_module(name).EVALUATORS)
    return table


def evaluate_rule(rule: Rule, profile: PatientProfile, on: date) -> Outcome:
    """One rule against one profile on one date; never raises for missing or odd facts."""
    if isinstance(rule, AllOf | AnyOf):
        parts = [evaluate_rule(part, profile, on) for part in rule.rules]
        verdict = (
            combine_all([p.verdict for p in parts])
            if isinstance(rule, AllOf)
            else combine_any([p.verdict for p in parts])
        )
        missing = tuple(field for part in parts for field in part.missing)
        evidence = "; ".join(part.evidence for part in parts if part.evidence)
        return Outcome(verdict=verdict, evidence=evidence, missing=missing)
    if isinstance(rule, ConditionalRule):
        return evaluate_conditional(rule, profile, on)
    evaluator = _evaluators().get(type(rule))
    if evaluator is None:
        return Outcome.unknown(f"Eligo cannot yet evaluate a '{rule.kind}' rule; please answer the question.")
    try:
        return evaluator(rule, profile, on)
    except (ValueError, ArithmeticError) as error:  # an odd value must never become a silent verdict
        return Outcome.unknown(f"Could not evaluate this criterion: {error}")


def evaluate_conditional(rule: ConditionalRule, profile: PatientProfile, on: date) -> Outcome:
    """Not applicable when the condition is known absent; else the requirement decides, and an
    untyped requirement (or an unknown condition) leaves the question open."""
    condition = evaluate_rule(rule.if_present, profile, on)
    if condition.verdict in (NOT_MET, NA):
        return Outcome.not_applicable(
            f"{condition.evidence} This criterion is only about children with {rule.condition}.".strip()
        )
    if condition.verdict is UNKNOWN:
        return Outcome.unknown(
            f"{condition.evidence} If your child has {rule.condition}: {rule.requirement}".strip(),
            *condition.missing,
        )
    if rule.requirement_rule is None:
        return Outcome.unknown(
            f"{condition.evidence} So this applies: {rule.requirement} (not computed; please answer the question)."
        )
    requirement = evaluate_rule(rule.requirement_rule, profile, on)
    return Outcome(
        verdict=requirement.verdict,
        evidence=f"{condition.evidence} So this applies: {requirement.evidence}",
        missing=requirement.missing,
    )


def combine_all(verdicts: Sequence[CriterionVerdict]) -> CriterionVerdict:
    """Logical AND over three-valued verdicts; not-applicable parts are ignored."""
    relevant = [v for v in verdicts if v is not NA]
    if not relevant:
        return NA
    if NOT_MET in relevant:
        return NOT_MET
    return UNKNOWN if UNKNOWN in relevant else MET


def combine_any(verdicts: Sequence[CriterionVerdict]) -> CriterionVerdict:
    """Logical OR over three-valued verdicts; not-applicable parts are ignored."""
    relevant = [v for v in verdicts if v is not NA]
    if not relevant:
        return NA
    if MET in relevant:
        return MET
    return UNKNOWN if UNKNOWN in relevant else NOT_MET


def rules_out(section: str, verdict: CriterionVerdict) -> bool:
    return (section == "inclusion" and verdict is NOT_MET) or (section == "exclusion" and verdict is MET)


_ANSWERED = {
    Answer.YES: Outcome.met("You answered “Yes”."),
    Answer.NO: Outcome.not_met("You answered “No”."),
    Answer.NOT_SURE: Outcome.unknown("You answered “Not sure”: a question to ask your child's doctor."),
}


def _from_answer(answer: Answer) -> Outcome:
    return _ANSWERED[answer]


class RuleOutcomes:
    """The outcomes of the rules already evaluated for one profile on one date.

    Trials repeat rules word for word, and the parsed-criteria cache hands out one object per
    distinct rule, so a match that shares one `RuleOutcomes` across its candidates evaluates each
    distinct rule once. Rules are immutable and evaluation is a pure function of (rule, profile,
    date), so the outcome is the same either way. Keyed by identity: each entry keeps its rule, so
    an id cannot be reused while the entry lives. One instance per match; not shared between threads.
    """

    def __init__(self, profile: PatientProfile, on: date) -> None:
        self.profile = profile
        self.on = on
        self._seen: dict[int, tuple[Rule, Outcome]] = {}

    def outcome(self, rule: Rule) -> Outcome:
        seen = self._seen.get(id(rule))
        if seen is not None and seen[0] is rule:
            return seen[1]
        outcome = evaluate_rule(rule, self.profile, self.on)
        self._seen[id(rule)] = (rule, outcome)
        return outcome


_CriterionKey = tuple[str, str, tuple[str, ...], str, tuple[int, ...]]


class ResultReuse:
    """For one cached tree: the result each criterion got the last time it was evaluated, and the
    trial's result, handed out again when everything they are built from is the same.

    A criterion's result is built from the criterion itself plus its verdict, evidence, missing
    facts, source and its children's results; when those are equal (the children: the very same
    objects) the result would be equal, so the earlier object is returned instead of a new one.
    Most criteria come out the same for most children ("not computed; please answer the
    question", "not applicable for a young child"), so a warm match builds few new objects.

    The parsed-criteria cache keeps one with each tree, shared by concurrent matches: entries are
    immutable tuples, replaced whole and checked on every read, so a race only costs a rebuild.
    Each entry keeps alive the objects whose ids its key holds, so those ids cannot be reused.
    """

    def __init__(self) -> None:
        self._criteria: dict[int, tuple[ParsedCriterion, _CriterionKey, CriterionResult]] = {}
        self._questions: dict[str, OpenQuestion] = {}
        self._trial: tuple[tuple[int, ...], date, TrialResult] | None = None

    def criterion(
        self, node: ParsedCriterion, outcome: Outcome, source: str, children: tuple[CriterionResult, ...]
    ) -> CriterionResult:
        # Plain strings and ints only, so the collector can stop tracking the key.
        key = (outcome.verdict.value, outcome.evidence, outcome.missing, source, tuple([id(c) for c in children]))
        last = self._criteria.get(id(node))
        if last is not None and last[0] is node and last[1] == key:
            return last[2]
        result = _criterion_result(node, outcome, source, children)
        self._criteria[id(node)] = (node, key, result)
        return result

    def question(self, result: CriterionResult) -> OpenQuestion:
        known = self._questions.get(result.id)
        if (
            known is not None
            and known.question == result.question
            and known.text == result.text
            and known.section == result.section
        ):
            return known
        question = self._questions[result.id] = _question_of(result)
        return question

    def trial(self, results: tuple[CriterionResult, ...], on: date) -> TrialResult | None:
        last = self._trial
        if last is not None and last[1] == on and last[0] == tuple([id(r) for r in results]):
            return last[2]
        return None

    def keep_trial(self, results: tuple[CriterionResult, ...], on: date, trial: TrialResult) -> None:
        self._trial = (tuple([id(r) for r in results]), on, trial)


# A group's outcome before its own rule (if any) is combined in: its items' verdict, no evidence.
_GROUP_OUTCOMES = {verdict: Outcome(verdict=verdict, evidence="") for verdict in CriterionVerdict}
# Every free-text criterion's outcome until someone answers it.
_NOT_COMPUTED = Outcome.unknown("This criterion is not computed from the profile; please answer the question.")


def _leaf_outcome(node: ParsedCriterion, outcomes: RuleOutcomes) -> Outcome:
    if node.rule is None:
        return _NOT_COMPUTED
    outcome = outcomes.outcome(node.rule)
    if not node.partial or outcome.verdict is NA:
        return outcome
    # Only part of the text became a rule. A failed inclusion clause still rules the child out
    # (the clauses of one inclusion criterion are conjunctive); anything else stays open.
    if node.section == "inclusion" and outcome.verdict is NOT_MET:
        return outcome
    return Outcome.unknown(
        f"{outcome.evidence} Part of this criterion was not computed; please answer the question.".strip(),
        *outcome.missing,
    )


def _evaluate_node(
    node: ParsedCriterion, outcomes: RuleOutcomes, answers: Mapping[str, Answer], reuse: ResultReuse | None
) -> CriterionResult:
    # Children of a criterion without a group operator are detail its own rule reads (the rows
    # of an age-adjusted table, "EXCEPT for" items): they are shown, not evaluated on their own.
    combine = node.group_op is not None
    children = tuple([_evaluate_node(child, outcomes, answers, reuse) for child in node.children]) if combine else ()
    source = "profile"
    if children:
        verdicts = [child.verdict for child in children]
        # In an exclusion section every listed condition excludes on its own (OR); in an
        # inclusion section a heading needs all its items (AND) and an any-of needs one.
        any_group = node.section == "exclusion" or node.group_op == "any"
        verdict = combine_any(verdicts) if any_group else combine_all(verdicts)
        if verdict is MET and node.group_op == "any":
            children = _set_aside_other_arms(children)
        outcome = _GROUP_OUTCOMES[verdict]
        if node.rule is not None:
            # A criterion with its own rule *and* sub-criteria ("fully recovered…" over the
            # washouts) needs both: its rule and its items are one requirement.
            own = _leaf_outcome(node, outcomes)
            both = [own.verdict, verdict]
            combined = combine_any(both) if node.section == "exclusion" else combine_all(both)
            outcome = Outcome(verdict=combined, evidence=own.evidence, missing=own.missing)
    else:
        outcome = _leaf_outcome(node, outcomes)
    if outcome.verdict is UNKNOWN:
        answer = answers.get(node.id)
        if answer is not None:
            outcome = _from_answer(answer)
            source = "answer"
        else:
            source = "none"
    if reuse is not None:
        return reuse.criterion(node, outcome, source, children)
    return _criterion_result(node, outcome, source, children)


def _criterion_result(
    node: ParsedCriterion, outcome: Outcome, source: str, children: tuple[CriterionResult, ...]
) -> CriterionResult:
    return CriterionResult(
        id=node.id,
        scope=node.rule.scope if node.rule is not None else None,
        section=node.section,
        text=node.text,
        verdict=outcome.verdict,
        evidence=outcome.evidence,
        missing=outcome.missing,
        question=node.question,
        computable=node.computable,
        rules_out=rules_out(node.section, outcome.verdict),
        source=source,
        children=children,
    )


def _set_aside_other_arms(children: tuple[CriterionResult, ...]) -> tuple[CriterionResult, ...]:
    """Once the child fits one arm or cohort of an any-of, the other arms' limits do not apply
    to them: show those as not applicable rather than as reasons against."""
    if not any(child.scope and child.verdict is MET for child in children):
        return children
    return tuple(
        child.model_copy(
            update={
                "verdict": NA,
                "rules_out": False,
                "evidence": f"{child.evidence} This limit is for {child.scope}; your child fits another arm.".strip(),
            }
        )
        if child.scope and child.verdict is not MET
        else child
        for child in children
    )


def _question_of(result: CriterionResult) -> OpenQuestion:
    return OpenQuestion(id=result.id, section=result.section, question=result.question, text=result.text)


def _open_questions(results: Iterable[CriterionResult], reuse: ResultReuse | None) -> list[OpenQuestion]:
    """The unknown criteria deepest in the tree that a person could answer."""
    found: list[OpenQuestion] = []
    for result in results:
        if result.verdict is not UNKNOWN:
            continue
        unknown_children = [child for child in result.children if child.verdict is UNKNOWN]
        if unknown_children and not result.question:
            found.extend(_open_questions(unknown_children, reuse))
        else:
            found.append(reuse.question(result) if reuse is not None else _question_of(result))
    return found


def evaluate_trial(
    parsed: ParsedCriteria,
    profile: PatientProfile,
    on: date,
    answers: Answers | None = None,
    *,
    outcomes: RuleOutcomes | None = None,
    reuse: ResultReuse | None = None,
) -> TrialResult:
    """Per-criterion verdicts, the trial verdict, the reasons and the questions still open.

    `outcomes` shares rule outcomes between the trials of one match (same profile and date);
    `reuse` is the tree's own ResultReuse, shared between matches. Neither changes the result.
    """
    if outcomes is None:
        outcomes = RuleOutcomes(profile, on)
    elif outcomes.profile is not profile or outcomes.on != on:
        raise ValueError("outcomes were computed for another profile or date")
    answered = answers.by_id if answers is not None else {}
    results = tuple(_evaluate_node(node, outcomes, answered, reuse) for node in parsed.criteria)
    earlier = reuse.trial(results, on) if reuse is not None else None
    if earlier is not None:
        return earlier
    ruled_out = tuple(result.id for result in results if result.rules_out)
    open_questions = tuple(_open_questions(results, reuse))
    decided = [result for result in results if result.verdict is not NA]
    if ruled_out:
        verdict = TrialVerdict.INELIGIBLE
    elif not decided:
        # A record with no criteria to check says nothing about the child: never "eligible".
        verdict = TrialVerdict.POSSIBLY_ELIGIBLE
        open_questions = (
            *open_questions,
            OpenQuestion(
                id="no-criteria",
                section="inclusion",
                question="This record lists no eligibility criteria Eligo can check: ask the study team who can join.",
                text="",
            ),
        )
    elif any(result.verdict is UNKNOWN for result in results):
        verdict = TrialVerdict.POSSIBLY_ELIGIBLE
    else:
        verdict = TrialVerdict.ELIGIBLE
    trial = TrialResult(
        nct_id=parsed.nct_id,
        verdict=verdict,
        criteria=results,
        ruled_out_by=ruled_out,
        open_questions=open_questions,
        evaluated_on=on,
    )
    if reuse is not None:
        reuse.keep_trial(results, on, trial)
    return trial
