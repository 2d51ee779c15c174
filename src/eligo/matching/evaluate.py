"""Evaluate one rule, or a trial's whole criteria tree, against a patient profile.

Verdicts are computed in *condition space*: a criterion is `met` when what it states is true
of the child. Whether that helps or harms depends on the section: an inclusion criterion that
is `not_met`, or an exclusion criterion that is `met`, rules the child out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.criteria.questions import QuestionPart, part_id, units
from eligo.matching.remedies import Later, combined, later_of
from eligo.matching.results import CriterionResult, OpenQuestion, SetAside, Source, TrialResult
from eligo.patients.answers import Answer, Answers
from eligo.patients.profile import PatientProfile
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.kind import Evaluator
from eligo.rules.registry import EVALUATORS, Rule
from eligo.rules.verdicts import CriterionVerdict, Outcome, TrialVerdict, combine_all, combine_any, combine_at_least
from eligo.rules.walk import fold
from eligo.units import UnitError

MET, NOT_MET, UNKNOWN, NA = (
    CriterionVerdict.MET,
    CriterionVerdict.NOT_MET,
    CriterionVerdict.UNKNOWN,
    CriterionVerdict.NOT_APPLICABLE,
)


def evaluate_rule(rule: Rule, profile: PatientProfile, on: date) -> Outcome:
    """One rule against one profile on one date; never raises for missing or odd facts."""
    evaluator = EVALUATORS.get(type(rule))
    if evaluator is not None:  # most rules are one plain kind: no walk needed
        return _evaluated(evaluator, rule, profile, on)

    def leaf(part: Rule) -> Outcome:
        found = EVALUATORS.get(type(part))
        if found is None:
            return Outcome.unknown(f"Eligo cannot yet evaluate a '{part.kind}' rule; please answer the question.")
        return _evaluated(found, part, profile, on)

    def conditional(part: ConditionalRule, visit: Callable[[Rule], Outcome]) -> Outcome:
        return _conditional(part, visit)

    return fold(rule, leaf, _all_of, _any_of, conditional)


def _evaluated(evaluator: Evaluator, rule: Rule, profile: PatientProfile, on: date) -> Outcome:
    try:
        return evaluator(rule, profile, on)
    except UnitError as error:  # a unit Eligo cannot convert is an open question, never a silent verdict
        return Outcome.unknown(f"Could not evaluate this criterion: {error}")


def _combined(parts: Sequence[Outcome], verdict: CriterionVerdict) -> Outcome:
    missing = tuple(field for part in parts for field in part.missing)
    # A failure's evidence is that of the parts that failed: a part that agrees with the child,
    # named beside a failure, reads as a contradiction ("relapsed; the trial needs relapsed").
    deciding = [part for part in parts if part.verdict is NOT_MET] if verdict is NOT_MET else parts
    evidence = "; ".join(part.evidence for part in deciding if part.evidence)
    return Outcome(verdict=verdict, evidence=evidence, missing=missing)


def _all_of(_rule: AllOf, parts: Sequence[Outcome]) -> Outcome:
    return _combined(parts, combine_all([p.verdict for p in parts]))


def _any_of(_rule: AnyOf, parts: Sequence[Outcome]) -> Outcome:
    return _combined(parts, combine_any([p.verdict for p in parts]))


def _conditional(rule: ConditionalRule, visit: Callable[[Rule], Outcome]) -> Outcome:
    condition = visit(rule.if_present)
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
    requirement = visit(rule.requirement_rule)
    return Outcome(
        verdict=requirement.verdict,
        evidence=f"{condition.evidence} So this applies: {requirement.evidence}",
        missing=requirement.missing,
    )


def _with_exception(node: ParsedCriterion, outcome: Outcome, answer: Answer | None = None) -> Outcome:
    """A criterion against the child stays open while the trial's exception to it may fit them
    ("The only exception is for patients known to require 2 mg/kg or less of hydrocortisone …")."""
    exception = _exception_of(node)
    if exception is None or not rules_out(node.section, outcome.verdict):
        return outcome
    if answer is Answer.YES:
        lifted = NOT_MET if node.section == "exclusion" else MET
        return Outcome(
            verdict=lifted,
            evidence=f"{outcome.evidence} You answered that the trial's exception fits your child.".strip(),
        )
    if answer is Answer.NO:
        return outcome
    return Outcome.unknown(
        f"{outcome.evidence} Unless the trial's exception fits your child: “{exception.quote}”".strip(),
        *outcome.missing,
    )


def _answered_parts(node: ParsedCriterion, outcomes: RuleOutcomes, answers: Mapping[str, Answer]) -> Outcome | None:
    """The criterion's outcome with the family's answers to its parts ("inc-13#1") filling what the
    profile leaves open; None when no part is answered. Parts follow `eligo.criteria.questions.units`."""
    if node.rule is None or not node.parts or not any(part.id in answers for part in node.parts):
        return None
    found = units(node.rule)
    given = {
        index: answers[part_id(node.id, index)] for index in range(len(found)) if part_id(node.id, index) in answers
    }

    def part(index: int, computed: Callable[[], Outcome]) -> Outcome:
        outcome = computed()
        if outcome.verdict is UNKNOWN and index in given:
            return _ANSWERED[given[index]]
        return outcome

    # Part numbers follow the rule's structure (as `units` lists them), never object identity: the
    # parsed-criteria cache may hand out one object for two equal parts of one criterion.
    def visit(rule: Rule, start: int) -> Outcome:
        if isinstance(rule, AllOf | AnyOf):
            found_parts: list[Outcome] = []
            index = start
            for member in rule.rules:
                found_parts.append(visit(member, index))
                index += len(units(member))
            return _all_of(rule, found_parts) if isinstance(rule, AllOf) else _any_of(rule, found_parts)
        if isinstance(rule, ConditionalRule):
            return conditional(rule, start)
        return part(start, lambda: outcomes.outcome(rule))

    def conditional(rule: ConditionalRule, start: int) -> Outcome:
        # The condition is asked as one question, whatever rules it is made of.
        condition = part(start, lambda: evaluate_rule(rule.if_present, outcomes.profile, outcomes.on))
        if condition.verdict in (NOT_MET, NA):
            return Outcome.not_applicable(
                f"{condition.evidence} This criterion is only about children with {rule.condition}.".strip()
            )
        if condition.verdict is UNKNOWN:
            return Outcome.unknown(f"If your child has {rule.condition}: {rule.requirement}", *condition.missing)
        if rule.requirement_rule is None:
            requirement = part(
                start + 1, lambda: Outcome.unknown(f"So this applies: {rule.requirement}; please answer.")
            )
        else:
            requirement = visit(rule.requirement_rule, start + 1)
        return Outcome(
            verdict=requirement.verdict,
            evidence=f"{condition.evidence} So this applies: {requirement.evidence}".strip(),
            missing=requirement.missing,
        )

    exception = _exception_of(node)
    outcome = visit(node.rule, 0)
    return _with_exception(node, outcome, answers.get(exception.id) if exception is not None else None)


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
        self._later: dict[int, tuple[Rule, Later | None]] = {}

    def outcome(self, rule: Rule) -> Outcome:
        seen = self._seen.get(id(rule))
        if seen is not None and seen[0] is rule:
            return seen[1]
        outcome = evaluate_rule(rule, self.profile, self.on)
        self._seen[id(rule)] = (rule, outcome)
        return outcome

    def later(self, rule: Rule) -> Later | None:
        """What waiting or a transfusion makes of the rule's outcome (see `eligo.matching.remedies`)."""
        seen = self._later.get(id(rule))
        if seen is not None and seen[0] is rule:
            return seen[1]
        later = later_of(rule, self.profile, self.on, self.outcome(rule), evaluate_rule)
        self._later[id(rule)] = (rule, later)
        return later


# A group's outcome before its own rule (if any) is combined in: its items' verdict, no evidence.
_GROUP_OUTCOMES = {verdict: Outcome(verdict=verdict, evidence="") for verdict in CriterionVerdict}
# Every free-text criterion's outcome until someone answers it.
_NOT_COMPUTED = Outcome.unknown("This criterion is not computed from the profile; please answer the question.")
_NO_CRITERIA = OpenQuestion(
    id="no-criteria",
    section="inclusion",
    question="This record lists no eligibility criteria Eligo can check: ask the study team who can join.",
    text="",
)


class TreePlan:
    """A criteria tree laid out for evaluation: the nodes that get a result, in pre-order.

    Children of a criterion without a group operator are detail its own rule reads (the rows of an
    age-adjusted table, "EXCEPT for" items): they are shown with it, not evaluated on their own, so
    they get no slot. In pre-order every child comes after its parent, so one backwards sweep over
    the slots evaluates children before the groups that combine them. Built once per tree: the
    parsed-criteria cache keeps one with each tree it holds.
    """

    __slots__ = ("any_group", "kids", "nodes", "parsed", "plain", "scopes", "top")

    def __init__(self, parsed: ParsedCriteria) -> None:
        self.parsed = parsed
        self.nodes: list[ParsedCriterion] = []
        self.kids: list[tuple[int, ...]] = []
        self.top = tuple([self._add(node) for node in parsed.criteria])
        # In an exclusion section every listed condition excludes on its own (OR); in an inclusion
        # section a heading needs all its items (AND) and an any-of needs one.
        self.any_group = [node.section == "exclusion" or node.group_op == "any" for node in self.nodes]
        self.scopes = [node.rule.scope if node.rule is not None else None for node in self.nodes]
        # Leaves whose outcome is their rule's as it stands (`_leaf_outcome` changes nothing): a
        # heading declared the section, the rule covers the whole criterion, and no exception is listed.
        self.plain = [
            node.rule is not None and node.section_source == "heading" and not node.partial and not _exception_of(node)
            for node in self.nodes
        ]

    def _add(self, node: ParsedCriterion) -> int:
        index = len(self.nodes)
        self.nodes.append(node)
        self.kids.append(())
        if node.group_op is not None and node.children:
            self.kids[index] = tuple([self._add(child) for child in node.children])
        return index


def _exception_of(node: ParsedCriterion) -> QuestionPart | None:
    for part in node.parts:
        if part.exception:
            return part
    return None


def _leaf_outcome(node: ParsedCriterion, outcomes: RuleOutcomes) -> Outcome:
    if node.rule is None:
        return _NOT_COMPUTED
    outcome = _with_exception(node, outcomes.outcome(node.rule))
    if node.section_source == "scoped" and rules_out(node.section, outcome.verdict):
        # Its heading or opener is for part of the study or other people ("Sub-study Exclusion Criteria",
        # "For patients with liver metastases:"): whether it applies to this child is for the study team.
        return Outcome.unknown(
            f"{outcome.evidence} This criterion is listed for some participants or part of the study only, "
            "so whether it applies needs checking.".strip(),
            *outcome.missing,
        )
    if node.section_source != "heading" and rules_out(node.section, outcome.verdict):
        # No heading said which section this is (eligo.criteria.sections inferred it), so a
        # verdict against the child is a question for a person, never a decision.
        return Outcome.unknown(
            f"{outcome.evidence} The trial's text has no section heading here, so whether this is a "
            "requirement or an exclusion needs checking.".strip(),
            *outcome.missing,
        )
    if not node.partial or outcome.verdict is NA:
        return outcome
    # Only part of the text became a rule, so it never decides on its own: what was not read may be
    # an alternative ("X or Y"), a scope ("for patients with ...") or an exception that changes it.
    if rules_out(node.section, outcome.verdict):
        note = "This part looks against the child, but part of this criterion was not computed: please answer it."
    else:
        note = "Part of this criterion was not computed; please answer the question."
    return Outcome.unknown(f"{outcome.evidence} {note}".strip(), *outcome.missing)


def _sweep(
    plan: TreePlan, outcomes: RuleOutcomes, answers: Mapping[str, Answer]
) -> tuple[list[Outcome], list[Source], set[int]]:
    """Every slot's outcome (after the family's answers), where it came from, and the slots set
    aside because they are another arm's limits."""
    nodes, kids, any_group, scopes, plain = plan.nodes, plan.kids, plan.any_group, plan.scopes, plan.plain
    size = len(nodes)
    results: list[Outcome] = [_NOT_COMPUTED] * size
    sources: list[Source] = ["profile"] * size
    aside: set[int] = set()
    for index in range(size - 1, -1, -1):
        node = nodes[index]
        members = kids[index]
        if members:
            verdicts = [results[member].verdict for member in members]
            if node.group_op == "at_least":
                verdict = combine_at_least(verdicts, node.min_count or 2)
            else:
                verdict = combine_any(verdicts) if any_group[index] else combine_all(verdicts)
            # Once the child fits one arm or cohort of an any-of, the other arms' limits do not
            # apply to them: shown as not applicable rather than as reasons against.
            fits = verdict is MET and node.group_op == "any"
            if fits and any(scopes[m] and results[m].verdict is MET for m in members):
                aside.update(m for m in members if scopes[m] and results[m].verdict is not MET)
            outcome = _GROUP_OUTCOMES[verdict]
            if node.rule is not None:
                # A criterion with its own rule *and* sub-criteria ("fully recovered…" over the
                # washouts) needs both: its rule and its items are one requirement.
                own = _leaf_outcome(node, outcomes)
                both = (own.verdict, verdict)
                combined = combine_any(both) if node.section == "exclusion" else combine_all(both)
                outcome = Outcome(verdict=combined, evidence=own.evidence, missing=own.missing)
        elif plain[index] and node.rule is not None:
            outcome = outcomes.outcome(node.rule)
        else:
            outcome = _leaf_outcome(node, outcomes)
        if outcome.verdict is UNKNOWN:
            answer = answers.get(node.id) if answers else None
            by_parts = _answered_parts(node, outcomes, answers) if answer is None and answers else None
            if answer is not None:
                outcome = _ANSWERED[answer]
                sources[index] = "answer"
            elif by_parts is not None:
                outcome = by_parts
                sources[index] = "answer" if by_parts.verdict is not UNKNOWN else "none"
            else:
                sources[index] = "none"
        results[index] = outcome
    return results, sources, aside


def _later_sweep(
    plan: TreePlan, outcomes: RuleOutcomes, results: list[Outcome], sources: list[Source]
) -> dict[int, Later]:
    """The slots whose verdict waiting or a transfusion changes, with what it becomes and from when.

    Leaves against the child today ask `RuleOutcomes.later`; groups combine their members' later
    verdicts as `_sweep` combines today's. A verdict that came from a family's answer stays as given.
    """
    nodes, kids, any_group = plan.nodes, plan.kids, plan.any_group
    later: dict[int, Later] = {}
    for index in range(len(nodes) - 1, -1, -1):
        node, members, now = nodes[index], kids[index], results[index]
        if sources[index] == "answer":
            continue
        if not members:
            if node.rule is None or not rules_out(node.section, now.verdict):
                continue
            found = outcomes.later(node.rule)
            if found is not None and node.partial and found.verdict is MET:
                found = Later(verdict=UNKNOWN, clears_on=found.clears_on, remedy=found.remedy)
            if found is not None and found.verdict is not now.verdict:
                later[index] = found
            continue
        changed = [later[m] for m in members if m in later]
        own = outcomes.later(node.rule) if node.rule is not None and rules_out(node.section, now.verdict) else None
        if not changed and own is None:
            continue
        verdicts = [later[m].verdict if m in later else results[m].verdict for m in members]
        verdict = combine_any(verdicts) if any_group[index] else combine_all(verdicts)
        if node.rule is not None:
            mine = own.verdict if own is not None else _leaf_outcome(node, outcomes).verdict
            both = (mine, verdict)
            verdict = combine_any(both) if node.section == "exclusion" else combine_all(both)
        if verdict is now.verdict:
            continue
        parts = [*changed, *([own] if own is not None else [])]
        one_is_enough = any_group[index] and node.section == "inclusion" and verdict is MET
        later[index] = combined(verdict, parts, one_is_enough=one_is_enough)
    return later


class Evaluation:
    """One trial's criteria evaluated for one child on one date.

    The verdict, the tallies, the criteria that rule the child out and the open questions are
    worked out at once; the per-criterion results (`result()`) are built only when something reads
    them, so a match can rank a thousand trials and build the details of the few on screen.
    """

    __slots__ = (
        "_open",
        "_result",
        "answered",
        "aside",
        "counts",
        "decided",
        "deciding",
        "eligible_from",
        "later",
        "moot",
        "on",
        "outcomes",
        "plan",
        "rule_outcomes",
        "ruled_out_by",
        "sources",
        "temporary",
        "verdict",
    )

    def __init__(
        self, plan: TreePlan, profile: PatientProfile, on: date, answers: Answers | None, outcomes: RuleOutcomes
    ) -> None:
        if outcomes.profile is not profile or outcomes.on != on:
            raise ValueError("outcomes were computed for another profile or date")
        self.plan = plan
        self.on = on
        answered = answers.by_id if answers is not None else {}
        self.answered = answered
        self.outcomes, self.sources, self.aside = _sweep(plan, outcomes, answered)
        self.rule_outcomes = outcomes
        self.moot = self._moot()
        self._result: TrialResult | None = None
        top, nodes, results = plan.top, plan.nodes, self.outcomes
        against = [i for i in top if rules_out(nodes[i].section, results[i].verdict)]
        self.later = _later_sweep(plan, outcomes, results, self.sources) if against else {}
        # Against the child today but cleared by waiting or a transfusion: not a reason they cannot join.
        temporary = [i for i in against if i in self.later and not rules_out(nodes[i].section, self.later[i].verdict)]
        self.ruled_out_by = tuple([nodes[i].id for i in against if i not in temporary])
        self.temporary = tuple([nodes[i].id for i in temporary])
        dates = [when for i in temporary if (when := self.later[i].clears_on) is not None]
        self.eligible_from: date | None = max(dates) if dates and not self.ruled_out_by else None
        self._open: list[int] = []
        for index in top:
            self._find_open(index)
        self.counts = self._tally()
        # Whether any criterion applies to the child at all.
        self.decided = any(results[i].verdict is not NA for i in top)
        if self.ruled_out_by:
            self.verdict = TrialVerdict.INELIGIBLE
        elif self.temporary:
            self.verdict = TrialVerdict.POSSIBLY_ELIGIBLE
        elif not self.decided:
            # A record with no criteria to check says nothing about the child: never "eligible".
            self.verdict = TrialVerdict.POSSIBLY_ELIGIBLE
        elif any(results[i].verdict is UNKNOWN for i in top):
            self.verdict = TrialVerdict.POSSIBLY_ELIGIBLE
        else:
            self.verdict = TrialVerdict.ELIGIBLE
        self.deciding = self._deciding()

    def _deciding(self) -> tuple[str, ...]:
        """The top-level criteria whose outcome decides the verdict (see `TrialResult.deciding`)."""
        if self.ruled_out_by:
            return self.ruled_out_by
        if self.verdict is TrialVerdict.ELIGIBLE:
            return ()
        nodes = self.plan.nodes
        return tuple(
            [nodes[i].id for i in self.plan.top if nodes[i].id in self.temporary or self._verdict_at(i) is UNKNOWN]
        )

    @property
    def nct_id(self) -> str:
        return self.plan.parsed.nct_id

    @property
    def open_question_count(self) -> int:
        """How many questions are still open: a compound criterion counts each part still asked."""
        return len(self.result().open_questions)

    def _verdict_at(self, index: int) -> CriterionVerdict:
        return NA if index in self.aside else self.outcomes[index].verdict

    def _find_open(self, index: int) -> None:
        """The unknown criteria deepest in the tree that a person could answer."""
        if self._verdict_at(index) is not UNKNOWN:
            return
        unknown = [kid for kid in self.plan.kids[index] if self._verdict_at(kid) is UNKNOWN]
        if unknown and not self.plan.nodes[index].question:
            for kid in unknown:
                self._find_open(kid)
        else:
            self._open.append(index)

    def _moot(self) -> dict[int, SetAside]:
        """The options of an inclusion any-of group that decide nothing (with everything under them):
        all but the fitting ones once one fits ("not_needed"), the ones that do not fit while the
        group is still open ("other_option"). They are neither reasons against the child nor counted
        as not met."""
        moot: dict[int, SetAside] = {}
        nodes, kids = self.plan.nodes, self.plan.kids
        for index, members in enumerate(kids):
            node = nodes[index]
            if not members or node.group_op != "any" or node.section != "inclusion" or index in moot:
                continue
            group = self._verdict_at(index)
            if group is not MET and group is not UNKNOWN:
                continue
            why: SetAside = "not_needed" if group is MET else "other_option"
            for member in members:
                verdict = self._verdict_at(member)
                if member not in self.aside and (verdict is NOT_MET or (group is MET and verdict is not MET)):
                    stack = [member]
                    while stack:
                        below = stack.pop()
                        moot[below] = why
                        stack.extend(kids[below])
        return moot

    def _set_aside(self, index: int) -> SetAside | None:
        """Why a criterion is set aside, for the words beside it (see `CriterionResult.set_aside`)."""
        if index in self.aside:
            return "other_group"
        why = self.moot.get(index)
        if why is None:
            return None
        rule = self.plan.nodes[index].rule
        if rule is not None and any(
            self.rule_outcomes.outcome(part).verdict is NOT_MET for part in _diagnosis_rules(rule)
        ):
            return "other_group"
        return why

    def _tally(self) -> dict[str, int]:
        """How many leaf criteria are confirmed in the child's favour, against, or open."""
        tally = {"met": 0, "not_met": 0, "unknown": 0, "not_applicable": 0}
        kids, results, aside, moot = self.plan.kids, self.outcomes, self.aside, self.moot
        for index, node in enumerate(self.plan.nodes):
            if kids[index]:
                continue
            verdict = NA if index in aside or index in moot else results[index].verdict
            if verdict is NA:
                tally["not_applicable"] += 1
            elif verdict is UNKNOWN:
                tally["unknown"] += 1
            elif rules_out(node.section, verdict):
                tally["not_met"] += 1
            else:
                tally["met"] += 1
        return tally

    def result(self) -> TrialResult:
        """Every criterion's verdict, evidence and source, as pages, reports and the API show them."""
        if self._result is None:
            questions = [
                question
                for index in self._open
                for question in _questions_of(self.plan.nodes[index], self.rule_outcomes, self.answered)
            ]
            if not self.decided:
                questions.append(_NO_CRITERIA)
            self._result = TrialResult(
                nct_id=self.nct_id,
                verdict=self.verdict,
                criteria=tuple([self._criterion(index) for index in self.plan.top]),
                ruled_out_by=self.ruled_out_by,
                open_questions=tuple(questions),
                evaluated_on=self.on,
                temporary=self.temporary,
                eligible_from=self.eligible_from,
                deciding=self.deciding,
            )
        return self._result

    def _is_options(self, index: int) -> bool:
        node = self.plan.nodes[index]
        return node.group_op == "any" and node.section == "inclusion"

    def _criterion(self, index: int, *, option: bool = False) -> CriterionResult:
        node, outcome, scope = self.plan.nodes[index], self.outcomes[index], self.plan.scopes[index]
        verdict, evidence = outcome.verdict, outcome.evidence
        if index in self.aside:
            verdict = NA
            evidence = f"{evidence} This limit is for {scope}; your child fits another arm.".strip()
        if node.section == "exclusion" and verdict in (MET, NOT_MET) and _reads_as_needs(node.rule):
            # "Sex female; the trial needs female." beside an exclusion that rules her out reads as a
            # contradiction: the limit is what the exclusion is for.
            evidence = evidence.replace("; the trial needs ", "; this exclusion is for ")
        later = self.later.get(index)
        remedied = later is not None and not rules_out(node.section, later.verdict)
        set_aside = self._set_aside(index)
        return CriterionResult(
            id=node.id,
            scope=scope,
            section=node.section,
            text=node.text,
            verdict=verdict,
            evidence=evidence,
            missing=outcome.missing,
            question=node.question,
            computable=node.computable,
            rules_out=rules_out(node.section, verdict) and not remedied and set_aside is None,
            set_aside=set_aside,
            remedy=later.remedy if later is not None and remedied else None,
            clears_on=later.clears_on if later is not None and remedied else None,
            source=self.sources[index],
            option=option,
            children=tuple([self._criterion(kid, option=self._is_options(index)) for kid in self.plan.kids[index]]),
        )


# Kinds whose evidence states the limit compared ("…; the trial needs ≥ 18 years"), the same in either section.
_LIMIT_KINDS = frozenset({"age", "sex", "lab_threshold", "performance"})


def _reads_as_needs(rule: Rule | None) -> bool:
    if isinstance(rule, AllOf | AnyOf):  # "Age < 20 or > 35 years"
        return all(_reads_as_needs(part) for part in rule.rules)
    return rule is not None and rule.kind in _LIMIT_KINDS


def _diagnosis_rules(rule: Rule) -> list[Rule]:
    """The diagnosis rules a rule is made of: an option for another diagnosis is another group's."""
    if isinstance(rule, AllOf | AnyOf):
        return [found for part in rule.rules for found in _diagnosis_rules(part)]
    return [rule] if isinstance(rule, DiagnosisRule) else []


def _question_of(node: ParsedCriterion) -> OpenQuestion:
    return OpenQuestion(id=node.id, section=node.section, question=node.question, text=node.text)


def _questions_of(node: ParsedCriterion, outcomes: RuleOutcomes, answers: Mapping[str, Answer]) -> list[OpenQuestion]:
    """An open criterion's questions, one idea to a line: a compound or conditional criterion's parts the
    record and the answers leave open (a follow-up only once its condition holds, the exception only when
    nothing else is asked), each under its part id; a plain criterion's own question."""
    if node.rule is None or not node.parts:
        return [_question_of(node)]
    found = units(node.rule)
    known: dict[str, CriterionVerdict] = {}
    for index, unit in enumerate(found):
        key = part_id(node.id, index)
        answer = answers.get(key)
        if answer is not None and answer is not Answer.NOT_SURE:
            known[key] = _ANSWERED[answer].verdict
        elif unit.kind == "condition" and unit.owner is not None:
            known[key] = evaluate_rule(unit.owner.if_present, outcomes.profile, outcomes.on).verdict
        elif unit.kind == "leaf":
            known[key] = outcomes.outcome(unit.rule).verdict
        else:
            known[key] = UNKNOWN
    asked = [
        part
        for part in node.parts
        if not part.exception
        and known.get(part.id) is UNKNOWN
        and (part.follows is None or known.get(part.follows) is MET)
    ]
    exception = _exception_of(node)
    if not asked and exception is not None and answers.get(exception.id) in (None, Answer.NOT_SURE):
        asked = [exception]
    if not asked:
        return [_question_of(node)]
    return [OpenQuestion(id=part.id, section=node.section, question=part.question, text=node.text) for part in asked]


def evaluate(
    criteria: ParsedCriteria | TreePlan,
    profile: PatientProfile,
    on: date,
    answers: Answers | None = None,
    *,
    outcomes: RuleOutcomes | None = None,
) -> Evaluation:
    """The trial verdict, tallies, reasons and open questions; per-criterion results on demand.

    `outcomes` shares rule outcomes between the trials of one match (same profile and date); it
    does not change the result.
    """
    plan = criteria if isinstance(criteria, TreePlan) else TreePlan(criteria)
    return Evaluation(plan, profile, on, answers, outcomes if outcomes is not None else RuleOutcomes(profile, on))


def evaluate_trial(
    parsed: ParsedCriteria,
    profile: PatientProfile,
    on: date,
    answers: Answers | None = None,
    *,
    outcomes: RuleOutcomes | None = None,
) -> TrialResult:
    """Per-criterion verdicts, the trial verdict, the reasons and the questions still open."""
    return evaluate(parsed, profile, on, answers, outcomes=outcomes).result()
