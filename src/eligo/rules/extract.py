"""Turning one criterion's text into a typed rule: the registry's extractor chain, each in turn.

A criterion often states several conditions ("bilirubin <2x normal and AST/ALT <10x normal";
"Prior Therapy: ... At least 2 weeks ... Three months ... Cytokine therapy ..."). `extract`
tries the whole text first; when no extractor reads it, it tries each sentence (then each
";"-clause) on its own and combines what it finds: into `AllOf` in an inclusion, into `AnyOf` in an
exclusion (each part a reason to exclude). When some parts give rules and
others none, the result is *partial*: the rules found are kept and the parts left over are
returned as `unparsed`. A partial criterion is evaluated as: the parsed rule decides what it
can, and the unparsed remainder is one more open question for the family (so a partial
criterion is never reported `met` on the strength of its parsed part alone).

Precision first (issue #12): every rule found is checked against the whole text it was read
from (`eligo.rules.guards`): a negation, scope, qualifier or other part the rule does not carry
makes it partial, corrects it, or drops it (the criterion then stays free text). A criterion
that numbers its own items inline ("1. ... 2. ... 3. ...") is read item by item.

An extractor whose trigger words (`eligo.rules.prefilter`) are all missing from a
criterion is skipped: it could not have read it. `prefilter=False` runs every extractor, for tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import ValidationError

from eligo.rules import guards
from eligo.rules._clinical_text import continues_the_one_before
from eligo.rules.base import CriterionContext
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.prefilter import Trigger, TriggerIndex
from eligo.rules.pregnancy import merged_states
from eligo.rules.registry import CHAIN, Rule
from eligo.yamlfile import load_yaml

Extractor = Callable[[CriterionContext], "Rule | None"]

_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Extraction:
    rule: Rule | None
    partial: bool = False
    unparsed: tuple[str, ...] = ()


@cache
def _chain() -> tuple[tuple[Extractor, Trigger | None], ...]:
    """Every extractor in precedence order, with its trigger (None: it always runs)."""
    return tuple((step.extract, step.trigger) for step in CHAIN)


@cache
def _index() -> TriggerIndex:
    return TriggerIndex([trigger for _, trigger in _chain()])


def extractors() -> tuple[Extractor, ...]:
    return tuple(extractor for extractor, _ in _chain())


def trigger_of(extractor: Extractor) -> Trigger | None:
    """The words without which `extractor` reads nothing (None: it is never skipped)."""
    return next((trigger for known, trigger in _chain() if known is extractor), None)


def _first_rule(ctx: CriterionContext, prefilter: bool) -> Rule | None:
    firing = _index().firing(ctx.text, ctx.parent_text) if prefilter else -1  # -1: every bit set
    for position, (extractor, _) in enumerate(_chain()):
        if not firing >> position & 1:
            continue
        try:
            rule = extractor(ctx)
        except ValidationError:  # a rule that fails its own validation is no reading of the text
            continue
        if rule is not None:
            return rule
    return None


def _parts(text: str, section: str = "inclusion") -> list[str]:
    sentences = [part.strip() for part in _SENTENCE.split(text) if part.strip()]
    # A part that goes on from the one before ("Diabetes mellitus; with neuropathy") is no reason of its own.
    if len(sentences) > 1 and not continues_the_one_before(sentences):
        return sentences
    clauses = [part.strip() for part in text.split(";") if part.strip()]
    # "Major surgery within 4 weeks ..., or anticipated need for major surgery during the study": the
    # window is read, the event still to come is left over (issue #12).
    if len(clauses) > 1 and not continues_the_one_before(clauses):
        return clauses
    to_come = guards.still_to_come(text)
    if len(to_come) > 1 or section != "exclusion":
        return to_come
    # An exclusion's second therapy named only by its target: each is a reason to exclude, the one read
    # decides what it can (in an inclusion either would do, and the unread one may be the child's).
    return guards.other_target(text)


def _checked(ctx: CriterionContext, prefilter: bool, depth: int = 0) -> guards.Checked | None:
    """The first rule the chain finds for `ctx`, checked against its whole text (None: none found)."""
    rule = _first_rule(ctx, prefilter)
    if rule is None:
        return None

    def read(text: str) -> guards.Checked | None:
        return _checked(ctx.with_text(text), prefilter, depth + 1) if depth < 1 and text.strip() else None

    return guards.check(ctx, rule, read)


# An exclusion no extractor reads whole is tried as a list of reasons only when it names a pregnancy
# (a cheap gate: reading each item of every listing exclusion would cost the parser its speed).
_PREGNANCY_LISTED = re.compile(r"pregnan|lactat|breast[- ]?feed|parturient", re.IGNORECASE)

# Kinds that only say who another item is about ("Women, pregnant or breastfeeding"): not a reason of their own.
_NOT_A_REASON = frozenset({"sex", "permitted"})


def _listed_reasons(ctx: CriterionContext, prefilter: bool) -> Extraction | None:
    """An exclusion that lists its reasons in one sentence, each item read whole ("Pregnant women,
    breastfeeding and younger than 18 years"): any one excludes (issue #12). None unless every item
    gives a rule that accounts for all of it."""
    items = guards.listed(ctx.text)
    if items is None:
        return None
    rules: list[Rule] = []
    for item in items:
        found = _checked(ctx.with_text(item), prefilter, depth=1)
        if found is None or found.rule is None or found.unparsed or found.rule.kind in _NOT_A_REASON:
            return None
        rules.extend(found.rule.rules if isinstance(found.rule, AnyOf) else (found.rule,))
    reasons = merged_states(tuple(rules))
    return Extraction(AnyOf(rules=reasons) if len(reasons) > 1 else reasons[0])


# An exclusion that says so at its end ("Patients who have received prior 131I-MIBG therapy are not
# eligible", "Pregnant or breast-feeding women will not be entered on this study"): the words before it are
# what excludes (issue #12).
# "Participants with known brain metastases should be excluded from this clinical trial because of their poor
# prognosis and because they often develop progressive neurologic dysfunction ..." (NCI's template,
# NCT03861975): the reason after "because" says why, not who (oncdx, issue #12).
_SAYS_EXCLUDED = re.compile(
    r"\s*,?\s+(?:(?:are|is|will be|shall be|should be)\s+(?:ineligible|not eligible|excluded)"
    r"(?:\s+from\s+(?:this|the)\s+(?:clinical\s+)?(?:study|trial|protocol))?"
    r"|(?:will|shall)\s+not\s+be\s+(?:eligible|entered|enrolled|included)"
    r"(?:\s+(?:on|in|into|for|from)\s+(?:this|the)\s+(?:study|trial|protocol))?)"
    r"(?:\s+because\s+of\s+their\s+poor\s+prognosis\b[^;]*)?\s*[.;]?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _FieldCues:
    subjects: frozenset[str]
    value_start: re.Pattern[str]


@cache
def _field_cues() -> _FieldCues:
    raw = load_yaml(resources.files("eligo.criteria.vocab").joinpath("structure.yaml").read_text("utf-8"))
    return _FieldCues(frozenset(raw["field_subjects"]), re.compile(raw["field_value_start"], re.IGNORECASE))


# The "or" that ends a criterion links it to the next one, and the criteria splitter reads it so (an any-of
# group, eligo.criteria.tree): it is no part of this criterion's own condition ("Creatinine clearance or
# radioisotope GFR at least 70 mL/min/1.73 m^2 OR" / "Serum creatinine based on age ...", issue #12).
_LINKING_OR = re.compile(r"(?<=\S)[\s;,]+(?:or|and/or)\s*[;,:]?\s*$", re.IGNORECASE)


def field_value(text: str, parent_text: str | None) -> str | None:
    """A bare value under an old NCI PDQ field heading read with the heading's subject ("Age:" / "1 to 21" ->
    "Age: 1 to 21"; `field_subjects` in vocab/structure.yaml), or None when the heading names no such subject
    or the line does not start like a value (issue #12)."""
    if not parent_text:
        return None
    cues = _field_cues()
    label = parent_text.strip().rstrip(":").strip()
    if label.lower() not in cues.subjects or not cues.value_start.match(text.strip()):
        return None
    return f"{label}: {text.strip()}"


def extract(ctx: CriterionContext, *, prefilter: bool = True) -> Extraction:
    """The rule for one criterion, sentence by sentence when the whole does not read as one."""
    if guards.about_someone_else(ctx):
        return Extraction(None)
    linked = _LINKING_OR.search(ctx.text)
    if linked is not None:
        ctx = ctx.with_text(ctx.text[: linked.start()])
    subject = field_value(ctx.text, ctx.parent_text)
    if subject is not None:
        ctx = ctx.with_text(subject)  # "Age:" / "1 to 21": the heading names what the value is
    if ctx.section == "exclusion" and (said := _SAYS_EXCLUDED.search(ctx.text)) is not None and said.start() > 0:
        ctx = ctx.with_text(ctx.text[: said.start()])
    items = guards.enumerated(ctx.text)
    if items is None:
        whole = _checked(ctx, prefilter)
        if whole is not None and whole.rule is not None:
            if whole.unparsed:
                better = _read_apart(ctx, whole.rule, prefilter)
                if better is not None:
                    return better
            return Extraction(whole.rule, partial=bool(whole.unparsed), unparsed=whole.unparsed)
        if ctx.section == "exclusion" and _PREGNANCY_LISTED.search(ctx.text):
            # "contraindication for MRI, or pregnancy": no one reading of the whole, each item one reason
            listed = _listed_reasons(ctx, prefilter)
            if listed is not None:
                return listed
        return _from_parts(ctx, _parts(ctx.text, ctx.section), None, prefilter)
    return _from_parts(ctx, items, items, prefilter)


def _read_apart(ctx: CriterionContext, rule: Rule, prefilter: bool) -> Extraction | None:
    """A reading of a criterion the whole read left partial that accounts for all of it, or None: an
    exclusion's one-sentence list of reasons; a pregnancy criterion's sentences each read whole
    ("Pregnancy or breastfeeding. Women must use adequate contraception during the study.")."""
    if ctx.section == "exclusion":
        listed = _listed_reasons(ctx, prefilter)
        if listed is not None:
            return listed
    if not any(part.kind == "pregnancy" for part in _leaves(rule)):
        return None
    parts = _parts(ctx.text)
    if len(parts) < 2:
        return None
    apart = _from_parts(ctx, parts, None, prefilter)
    return apart if apart.rule is not None and not apart.partial else None


def _leaves(rule: Rule) -> list[Rule]:
    if isinstance(rule, AllOf | AnyOf):
        return [leaf for part in rule.rules for leaf in _leaves(part)]
    return [rule]


def _from_parts(ctx: CriterionContext, parts: list[str], items: list[str] | None, prefilter: bool) -> Extraction:
    """The rules of a criterion's parts (numbered `items`, else sentences or clauses), combined."""
    if len(parts) < 2:
        return Extraction(None)
    rules: list[Rule] = []
    unparsed: list[str] = []
    for part in parts:
        found = _checked(ctx.with_text(part), prefilter)
        if found is None or found.rule is None:
            if guards.says_something(part):  # not a stray "AND" or "Note:"
                unparsed.append(part)
        else:
            rules.append(found.rule)
            unparsed.extend(found.unparsed)
    if not rules:
        return Extraction(None)
    if any(guards.lab_exception_left(ctx.section, rule, unparsed) for rule in rules):
        return Extraction(None)
    one_of = items is not None and guards.alternatives(ctx.text)
    if one_of and unparsed:
        # Any one item will do, and an unread one may be the child's: the items read settle nothing.
        return Extraction(None)
    if items is not None and unparsed and guards.defines(ctx.text):
        # The items define what the lead names: read in part, they say something else.
        return Extraction(None)
    combined: Rule = rules[0]
    if len(rules) > 1:
        # Numbered items, sentences and ";"-clauses of an exclusion are each a reason to exclude
        # ("Multiple trigger finger; local infection; malignancy"), and so are items the criterion calls
        # alternatives; an inclusion's sentences are each required.
        either = ctx.section == "exclusion" or (items is not None and one_of)
        combined = AnyOf(rules=tuple(rules)) if either else AllOf(rules=tuple(rules))
    return Extraction(combined, partial=bool(unparsed), unparsed=tuple(unparsed))


def extract_rule(ctx: CriterionContext) -> Rule | None:
    """Conditional, therapy, labs, then clinical extractors; None when none reads the criterion."""
    return extract(ctx).rule


__all__ = ["Extraction", "Extractor", "extract", "extract_rule", "extractors", "field_value", "trigger_of"]
