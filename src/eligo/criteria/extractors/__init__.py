"""Turning one criterion's text into a typed rule: the conditional, therapy, labs and clinical extractors, in turn.

A criterion often states several conditions ("bilirubin <2x normal and AST/ALT <10x normal";
"Prior Therapy: ... At least 2 weeks ... Three months ... Cytokine therapy ..."). `extract`
tries the whole text first; when no extractor reads it, it tries each sentence (then each
";"-clause) on its own and combines what it finds into `AllOf`. When some parts give rules and
others none, the result is *partial*: the rules found are kept and the parts left over are
returned as `unparsed`. A partial criterion is evaluated as: the parsed rule decides what it
can, and the unparsed remainder is one more open question for the family (so a partial
criterion is never reported `met` on the strength of its parsed part alone).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from eligo.criteria.rules import AllOf, CriterionContext, Rule

Extractor = Callable[[CriterionContext], Rule | None]

# Order matters: conditional and permissive statements mention drugs, labs and conditions that
# the others would read as plain rules, so they read first; a washout sentence mentions drugs
# *and* lab-like numbers, so therapy reads before labs.
_MODULES = ("conditional", "therapy", "labs", "clinical")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


@dataclass(frozen=True)
class Extraction:
    rule: Rule | None
    partial: bool = False
    unparsed: tuple[str, ...] = ()


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"eligo.criteria.extractors.{name}")
    except ImportError:  # an extractor module still being written must not break parsing
        return None


def extractors() -> tuple[Extractor, ...]:
    found: list[Extractor] = []
    for name in _MODULES:
        module = _load(name)
        if module is not None:
            found.extend(getattr(module, "EXTRACTORS", ()))
    return tuple(found)


def _first_rule(ctx: CriterionContext, chain: tuple[Extractor, ...]) -> Rule | None:
    for extractor in chain:
        try:
            rule = extractor(ctx)
        except ValueError:  # a rule that fails its own validation is no reading of the text
            continue
        if rule is not None:
            return rule
    return None


def _parts(text: str) -> list[str]:
    sentences = [part.strip() for part in _SENTENCE.split(text) if part.strip()]
    return sentences if len(sentences) > 1 else [part.strip() for part in text.split(";") if part.strip()]


def extract(ctx: CriterionContext) -> Extraction:
    """The rule for one criterion, sentence by sentence when the whole does not read as one."""
    chain = extractors()
    whole = _first_rule(ctx, chain)
    if whole is not None:
        return Extraction(whole)
    parts = _parts(ctx.text)
    if len(parts) < 2:
        return Extraction(None)
    rules: list[Rule] = []
    unparsed: list[str] = []
    for part in parts:
        rule = _first_rule(ctx.model_copy(update={"text": part}), chain)
        if rule is None:
            unparsed.append(part)
        else:
            rules.append(rule)
    if not rules:
        return Extraction(None)
    combined: Rule = rules[0] if len(rules) == 1 else AllOf(rules=tuple(rules))
    return Extraction(combined, partial=bool(unparsed), unparsed=tuple(unparsed))


def extract_rule(ctx: CriterionContext) -> Rule | None:
    """Conditional, therapy, labs, then clinical extractors; None when none reads the criterion."""
    return extract(ctx).rule


__all__ = ["Extraction", "Extractor", "extract", "extract_rule", "extractors"]
