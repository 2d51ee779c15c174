"""The criteria pipeline: a trial's eligibility text and structured fields in, a tree of rules and questions out.

Every node of `eligo.criteria.tree` becomes a `ParsedCriterion`:

- a *criterion* gets the rule its extractors find (or none) and a question: the rule's own
  question, else a plain-language question quoting the text (wording in vocab/questions.yaml);
- a *group* or *heading* gets no rule and no question (`question == ""`): it evaluates from its
  children with `group_op`;
- the children of a criterion with `group_op=None` (table rows, exceptions) are detail the
  parent's extractor already read: they carry no rule and no question and are not counted.

Arm and cohort scoping: a criterion that starts "Arm A:", "Cohort B1:", "Part 2:" carries that
scope on its rule (the prefix is removed before extraction). Sibling criteria of one scope
family ("Arm", "Cohort") and the same rule kind (or all without a rule), with different scopes,
are alternatives -- the child needs to fit one arm -- so parse wraps them in an any-of group with
id "<first id>+<second id>+..." at the place of the first.

Whom a list is for: an inclusion list that admits a healthy group by name ("preeclampsia" / "healthy
pregnancy") is a list of groups, so its disease and procedure requirements are marked `scoped` (the
patient group's, never ruling a healthy volunteer out). The exclusions are read knowing whether the
inclusion criteria name a cancer diagnosis (`CriterionContext.cancer_trial`).

`parse_trial` also turns the registry's structured fields into criteria: id "age" (minimum /
maximum age) and id "sex" (when the trial is for one sex only), before the text criteria.

PARSER_VERSION: bump it whenever the same input can give different output -- a change to the
splitter's heuristics, to question wording or structure vocabularies, to the node records, or
to the set of extractors -- so stored parses can be found stale and re-parsed (see
`eligo.criteria.stats`). Then run tests/criteria/regen_golden.py and review the diff by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from eligo.criteria.questions import QuestionPart, exception_in, question_parts
from eligo.criteria.sections import SectionSource
from eligo.criteria.tree import CriteriaNode, GroupOp, NodeKind, names_a_healthy_group, split_criteria
from eligo.rules.age import AgeRule
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, ConditionalRule
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.extract import extract
from eligo.rules.registry import Rule
from eligo.rules.sex import SexRule
from eligo.rules.walk import fold, walk
from eligo.trials.model import Trial
from eligo.yamlfile import load_yaml

PARSER_VERSION = "11"

# "Arm A: ...", "Cohort 1 only: ...", "In Part II: ...", "For cohort B - ..." (issue #12: the scope is kept).
_SCOPE = re.compile(
    r"^(?:(?:in|for)\s+)?(?P<scope>(?P<family>arm|cohort|part|stratum|group|dose level)\s+[A-Z0-9][A-Za-z0-9.\-]{0,5})"
    r"(?:\s+only)?\s*[:\-]\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)


class ParsedCriterion(BaseModel):
    """One node of a trial's criteria with its rule (or none) and the question a family answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    section: Section
    # "heading" when a heading declared the section; "wording"/"default" when it was inferred
    # (see eligo.criteria.sections): an inferred section never rules a child out on its own.
    section_source: SectionSource = "heading"
    kind: NodeKind
    group_op: GroupOp | None = None
    min_count: int | None = None  # an "at_least" group's count
    text: str
    source_text: str
    start: int
    end: int
    notes: tuple[str, ...] = ()
    rule: Rule | None = None
    # True when the rule covers only some of the text; `unparsed` holds the rest and
    # `open_question` asks about it (evaluate the rule, and add the open question as unknown).
    partial: bool = False
    unparsed: tuple[str, ...] = ()
    question: str = ""
    # A compound or conditional criterion's questions, one idea each (eligo.criteria.questions);
    # empty when `question` asks one thing. The pre-screener asks these instead of `question`.
    parts: tuple[QuestionPart, ...] = ()
    open_question: str = ""
    computable: bool = False
    # Set when reading this criterion failed unexpectedly (a bug, not a trial's wording): the
    # criterion stays free text, the rest of the trial is parsed, and `eligo criteria` shows why.
    problem: str | None = None
    children: tuple[ParsedCriterion, ...] = ()

    def walk(self) -> Iterator[ParsedCriterion]:
        yield self
        for child in self.children:
            yield from child.walk()

    @model_serializer(mode="wrap")
    def _without_usual_source(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Almost every criterion sits under a heading; leaving the usual value out keeps stored
        # parses and golden files readable and unchanged for headed text.
        data: dict[str, Any] = handler(self)
        if data.get("section_source") == "heading":
            del data["section_source"]
        return data


class ParsedCriteria(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    nct_id: str
    parser_version: str = PARSER_VERSION
    criteria: tuple[ParsedCriterion, ...] = ()

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, data: str | bytes) -> ParsedCriteria:
        return cls.model_validate_json(data)


@cache
def _wording() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(
        resources.files("eligo.criteria.vocab").joinpath("questions.yaml").read_text("utf-8")
    )
    return loaded


def shorten(text: str, limit: int | None = None) -> str:
    """Cut a long criterion for quoting: at a sentence end if one is near, else at a word."""
    wording = _wording()
    limit = limit or int(wording["max_quote_chars"])
    ellipsis = str(wording["ellipsis"])
    if len(text) <= limit:
        return text
    head = text[:limit]
    sentence_end = max(head.rfind(". "), head.rfind("; "))
    if sentence_end >= limit // 2:
        return head[: sentence_end + 1].rstrip(";") + " " + ellipsis
    return head[: head.rfind(" ")].rstrip(",;:") + " " + ellipsis


def free_text_question(section: Section, text: str, template: str = "free_text") -> str:
    return str(_wording()[template][section]).format(text=shorten(text))


def is_computable(rule: Rule) -> bool:
    """A rule a profile can settle: no attestation, and no untyped conditional requirement, inside it."""
    return fold(rule, _leaf_computable, _all_computable, _all_computable, _conditional_computable)


def _leaf_computable(rule: Rule) -> bool:
    return type(rule).computable


def _all_computable(_rule: Rule, parts: Sequence[bool]) -> bool:
    return all(parts)


def _conditional_computable(rule: ConditionalRule, visit: Callable[[Rule], bool]) -> bool:
    # Computable only when the requirement is typed and computable too; otherwise a person
    # (usually the doctor) answers it whenever the condition is present.
    return visit(rule.if_present) and rule.requirement_rule is not None and visit(rule.requirement_rule)


def _node_fields(node: CriteriaNode) -> dict[str, Any]:
    """What a parsed criterion copies from its tree node."""
    return {
        "id": node.id,
        "section": node.section,
        "section_source": node.section_source,
        "kind": node.kind,
        "group_op": node.group_op,
        "min_count": node.min_count,
        "text": node.text,
        "source_text": node.source_text,
        "start": node.start,
        "end": node.end,
        "notes": node.notes,
    }


def _detail(node: CriteriaNode) -> ParsedCriterion:
    return ParsedCriterion(**_node_fields(node), children=tuple(_detail(child) for child in node.children))


@dataclass(frozen=True)
class _TrialFacts:
    """What the trial's inclusion criteria say of everyone in it, read before the criteria that depend on it
    (see the fields of the same names on `CriterionContext`)."""

    cancer_trial: bool = False
    trial_diagnoses: tuple[str, ...] = ()
    newborn_participants: bool = False
    pregnant_participants: bool = False


_NO_FACTS = _TrialFacts()


def _parse_node(
    node: CriteriaNode, parent_text: str | None, prefilter: bool, facts: _TrialFacts = _NO_FACTS
) -> ParsedCriterion:
    if node.kind != "criterion":
        children = tuple(_parse_node(child, node.text or parent_text, prefilter, facts) for child in node.children)
        return ParsedCriterion(**_node_fields(node), children=_siblings(children))
    match = _SCOPE.match(node.text)
    scope = match["scope"] if match else None
    body = match["rest"] if match else node.text
    ctx = CriterionContext(
        text=body,
        section=node.section,
        parent_text=parent_text,
        children=tuple(child.text for child in node.children) if node.group_op is None else (),
        cancer_trial=facts.cancer_trial,
        trial_diagnoses=facts.trial_diagnoses,
        newborn_participants=facts.newborn_participants,
        pregnant_participants=facts.pregnant_participants,
    )
    if node.group_op is None:
        children = tuple(_detail(child) for child in node.children)
    else:
        children = _siblings(tuple(_parse_node(child, node.text, prefilter, facts) for child in node.children))
    try:
        found = extract(ctx, prefilter=prefilter)
        rule = found.rule
        if rule is not None and scope is not None:
            rule = rule.model_copy(update={"scope": scope})
        question = rule.question(node.section) if rule is not None else free_text_question(node.section, node.text)
    except Exception as error:  # a bug in one reader: recorded on the criterion, never hidden
        return ParsedCriterion(
            **_node_fields(node),
            question=free_text_question(node.section, node.text),
            problem=f"{type(error).__name__}: {error}"[:500],
            children=children,
        )
    return ParsedCriterion(
        **_node_fields(node),
        rule=rule,
        partial=found.partial,
        unparsed=found.unparsed,
        question=question,
        parts=question_parts(node.id, node.section, rule, shorten, exception_in(ctx.children)),
        open_question=free_text_question(node.section, " ".join(found.unparsed), "remainder") if found.partial else "",
        computable=rule is not None and is_computable(rule),
        children=children,
    )


def _siblings(items: tuple[ParsedCriterion, ...]) -> tuple[ParsedCriterion, ...]:
    """One list of sibling criteria, read together: patient groups' requirements scoped, arms combined."""
    return _combine_scopes(_scope_patient_groups(items))


# Rule kinds that require a disease or a procedure, which a healthy comparison group does not have.
_PATIENT_GROUP_KINDS = frozenset({"condition", "diagnosis", "procedure"})


def _requires_a_patient(rule: Rule | None) -> bool:
    if isinstance(rule, AllOf):
        return any(_requires_a_patient(part) for part in rule.rules)
    return rule is not None and rule.kind in _PATIENT_GROUP_KINDS and getattr(rule, "present", True)


def _scope_patient_groups(items: tuple[ParsedCriterion, ...]) -> tuple[ParsedCriterion, ...]:
    """An inclusion list that admits a healthy group by name ("preeclampsia" / "healthy pregnancy",
    NCT03927014) is a list of groups: a sibling's disease or procedure is the patient group's, so it is
    marked `scoped` and never rules a healthy volunteer out (see `names_a_healthy_group`)."""
    if not any(
        item.section == "inclusion" and item.kind == "criterion" and names_a_healthy_group(item.text) for item in items
    ):
        return items
    return tuple(
        item.model_copy(update={"section_source": "scoped"})
        if item.section == "inclusion" and item.section_source == "heading" and _requires_a_patient(item.rule)
        else item
        for item in items
    )


def _scope_key(item: ParsedCriterion) -> tuple[str, str] | None:
    if item.kind != "criterion":
        return None
    if item.rule is not None and item.rule.scope is not None:
        match = _SCOPE.match(item.text)
        family = match["family"].lower() if match else "scope"
        return family, item.rule.kind
    match = _SCOPE.match(item.text)
    return (match["family"].lower(), "") if match and item.rule is None else None


def _combine_scopes(items: tuple[ParsedCriterion, ...]) -> tuple[ParsedCriterion, ...]:
    """Arm- or cohort-scoped siblings of one kind become alternatives (an any-of group)."""
    members: dict[tuple[str, str], list[int]] = {}
    for index, item in enumerate(items):
        key = _scope_key(item)
        if key is not None:
            members.setdefault(key, []).append(index)
    # One criterion per arm ("Cohort B1: ...", "Cohort B2: ...") -> all of that family are alternatives,
    # whatever their rule kinds; several per arm -> alternatives only within one rule kind.
    families: dict[str, list[int]] = {}
    for (family, _kind), found in members.items():
        families.setdefault(family, []).extend(found)
    for family, found in families.items():
        scopes = [_SCOPE.match(items[i].text) for i in found]
        if len({match["scope"].lower() for match in scopes if match}) == len(found):
            members = {key: value for key, value in members.items() if key[0] != family}
            members[(family, "*")] = sorted(found)
    groups = {tuple(found) for found in members.values() if len(found) >= 2}
    if not groups:
        return items
    first_of = {found[0]: found for found in groups}
    grouped = {index for found in groups for index in found}
    out: list[ParsedCriterion] = []
    for index, item in enumerate(items):
        if index in first_of:
            parts = [items[i] for i in first_of[index]]
            out.append(
                ParsedCriterion(
                    id="+".join(part.id for part in parts),
                    section=item.section,
                    section_source=item.section_source,
                    kind="group",
                    group_op="any",
                    text="",
                    source_text="",
                    start=parts[0].start,
                    end=parts[0].start,
                    children=tuple(parts),
                )
            )
        elif index not in grouped:
            out.append(item)
    return tuple(out)


def parse_criteria(text: str, *, prefilter: bool = True) -> tuple[ParsedCriterion, ...]:
    """Parse eligibility text (CT.gov markdown, legacy XML text or plain lines).

    `prefilter=False` runs every extractor on every criterion (the output is the same; for tests).
    """
    tree = split_criteria(text)
    first = tuple(_parse_node(node, None, prefilter) for node in tree.inclusion)
    inclusion = _siblings(first)
    # The exclusions are read knowing whether the trial treats a cancer (see CriterionContext.cancer_trial).
    cancer_trial = any(_names_a_cancer(node) for node in inclusion)
    if cancer_trial and any(_may_count_lines(raw) for raw in tree.inclusion):
        # Read again knowing it the inclusions that may count lines of therapy: "at least one prior line of
        # therapy" counts lines of anticancer therapy only in a trial that treats a cancer (issue #12); so
        # with "biologic" therapy.
        first = tuple(
            _parse_node(raw, None, prefilter, _TrialFacts(cancer_trial=True)) if _may_count_lines(raw) else parsed
            for raw, parsed in zip(tree.inclusion, first, strict=True)
        )
        inclusion = _siblings(first)
    facts = _TrialFacts(
        cancer_trial=cancer_trial,
        trial_diagnoses=tuple(dict.fromkeys(name for node in inclusion for name in _required_diagnoses(node))),
        newborn_participants=any(_about_newborns(node) for node in tree.inclusion),
        pregnant_participants=any(_about_pregnancy(node) for node in tree.inclusion),
    )
    if facts.newborn_participants != facts.pregnant_participants and any(_names_gestation(n) for n in tree.inclusion):
        # Read again knowing whose a bare gestational age is: the inclusions that name one (issue #12).
        again = _TrialFacts(
            cancer_trial=cancer_trial,
            newborn_participants=facts.newborn_participants,
            pregnant_participants=facts.pregnant_participants,
        )
        inclusion = _siblings(
            tuple(
                _parse_node(raw, None, prefilter, again) if _names_gestation(raw) else parsed
                for raw, parsed in zip(tree.inclusion, inclusion, strict=True)
            )
        )
    return inclusion + _siblings(tuple(_parse_node(node, None, prefilter, facts) for node in tree.exclusion))


# Inclusions read differently in a cancer trial: a count of lines or regimens, and "biologic" therapy
# (an anti-cancer biologic only in a cancer trial; adalimumab and the like elsewhere), and the course of
# "disease" after a subject ("Patients must have refractory disease": the cancer's, in a cancer trial).
_LINES_WORDS = re.compile(
    r"\b(?:lines?|regimens?|biolog\w*|(?:recurrent|relapsed|refractory|progressive|persistent) disease)\b",
    re.IGNORECASE,
)


def _may_count_lines(node: CriteriaNode) -> bool:
    return bool(_LINES_WORDS.search(node.text or "")) or any(_may_count_lines(child) for child in node.children)


def _names_a_cancer(node: ParsedCriterion) -> bool:
    """Whether an inclusion criterion (or one under it) requires a cancer diagnosis (the diagnosis kind's
    vocabulary is cancers only); a scoped one (for part of the study) does not make the trial a cancer trial."""
    if (
        node.section_source == "heading"
        and node.rule is not None
        and fold(node.rule, _is_diagnosis, _any_part, _any_part, _conditional_if)
    ):
        return True
    return node.group_op is not None and any(_names_a_cancer(child) for child in node.children)


def _required_diagnoses(node: ParsedCriterion) -> Iterator[str]:
    """The diagnoses an inclusion criterion under a declared heading (or one under it) names."""
    if node.section_source == "heading" and node.rule is not None:
        for part in walk(node.rule):
            if isinstance(part, DiagnosisRule):
                yield from part.diagnoses
    if node.group_op is not None:
        for child in node.children:
            yield from _required_diagnoses(child)


# "Birthweight <1500 g" (NCT03860428) speaks of newborns too.
_NEWBORN_WORDS = re.compile(
    r"\b(?:births?|born|newborns?|neonates?|neonatal|infants?|birth ?weights?)\b", re.IGNORECASE
)


def _about_newborns(node: CriteriaNode) -> bool:
    """Whether an inclusion (or one under it) speaks of births or newborns ("All birth between 24 + 0 weeks")."""
    return bool(_NEWBORN_WORDS.search(node.text or "")) or any(_about_newborns(child) for child in node.children)


# "Nulliparous singleton pregnancy" (NCT03925922), "singleton parturient" (NCT03864692), "primipara and
# their spouses" with "routine prenatal visits" (NCT03863444: there "plan to have the birth" names a birth
# too, and a bare gestational age is left to the family).
_PREGNANCY_WORDS = re.compile(
    r"\b(?:pregnan\w*|parturients?|gravid\w*|primigravid\w*|(?:primi|nulli|multi)par\w*|prenatal|antenatal)\b",
    re.IGNORECASE,
)
_GESTATION_WORD = re.compile(r"\bgestation", re.IGNORECASE)


def _about_pregnancy(node: CriteriaNode) -> bool:
    """Whether an inclusion (or one under it) speaks of a pregnancy or a woman in labour."""
    return bool(_PREGNANCY_WORDS.search(node.text or "")) or any(_about_pregnancy(child) for child in node.children)


def _names_gestation(node: CriteriaNode) -> bool:
    return bool(_GESTATION_WORD.search(node.text or "")) or any(_names_gestation(child) for child in node.children)


def _is_diagnosis(rule: Rule) -> bool:
    return rule.kind == "diagnosis"


def _any_part(_rule: Rule, parts: Sequence[bool]) -> bool:
    return any(parts)


def _conditional_if(_rule: ConditionalRule, _visit: Callable[[Rule], bool]) -> bool:
    return False  # "if the child has X, then ...": X is not required


def _structured(trial: Trial) -> list[ParsedCriterion]:
    """Minimum / maximum age and sex from the registry's eligibility module, as rules."""
    eligibility = trial.eligibility
    found: list[ParsedCriterion] = []
    # The same limits the store's age prefilter reads, so the two never disagree.
    age: RuleBase | None = AgeRule.from_limits(eligibility.age_limits)
    if age is not None:
        low, high = eligibility.minimum_age, eligibility.maximum_age
        text = f"Age: {low} to {high}" if low and high else f"Age: at least {low}" if low else f"Age: at most {high}"
        found.append(_structured_criterion("age", text, age))
    sex = (eligibility.sex or "").upper()
    if sex in ("FEMALE", "MALE"):
        found.append(_structured_criterion("sex", f"Sex: {sex.lower()} only", SexRule(sex=sex.lower())))
    return found


def _structured_criterion(node_id: str, text: str, rule: Any) -> ParsedCriterion:
    return ParsedCriterion(
        id=node_id,
        section="inclusion",
        kind="criterion",
        text=text,
        source_text="",  # from the registry's fields, not from the criteria text
        start=0,
        end=0,
        rule=rule,
        question=rule.question("inclusion"),
        computable=is_computable(rule),
    )


def parse_trial(trial: Trial, *, prefilter: bool = True) -> ParsedCriteria:
    """A trial's criteria: structured age / sex first, then the parsed eligibility text."""
    text = trial.eligibility.criteria or ""
    return ParsedCriteria(
        nct_id=trial.nct_id,
        criteria=tuple(_structured(trial)) + parse_criteria(text, prefilter=prefilter),
    )


__all__ = [
    "PARSER_VERSION",
    "ParsedCriteria",
    "ParsedCriterion",
    "free_text_question",
    "is_computable",
    "parse_criteria",
    "parse_trial",
    "shorten",
]
