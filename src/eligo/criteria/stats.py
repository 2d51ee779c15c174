"""How much of a set of parsed trials' criteria the rules cover: counts by outcome and rule kind.

Each *leaf criterion* counts once, in exactly one bucket:
- `computable`: a rule a profile can settle, covering the whole text;
- `partial`: a computable rule covering only part of the text (the rest is an open question);
- `attestation`: a typed rule that a person answers at least in part -- consent, assent,
  willingness, ability, language, residence, a clinician's judgement (`clinician_review`), the
  protocol's other criteria (`protocol_reference`), or a `conditional` whose requirement
  is untyped or a judgement (the profile settles it only when the condition is known absent);
- `free_text`: no rule; the family is asked the text itself.
Permissive statements (`permitted`: "patients with marrow disease will be eligible as long as
...") count as computable: they are typed and always evaluate, from no fact, to not_applicable.
Leaves are criteria without children, or whose children are detail rows (a creatinine table),
plus criteria with sub-criteria (they state a condition of their own). Groups, headings and
detail rows are not criteria, nor are the lines the splitter keeps as notes ("Not specified" under an old
NCI PDQ field heading). `by_kind` counts the rule kinds inside each leaf's rule (an
`all_of` of a lab and a washout counts one of each; a `conditional` counts itself and its
parts). `stale` counts trials parsed by another
parser version than `current_version`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.registry import Rule
from eligo.rules.walk import walk


def leaf_criteria(criteria: Iterable[ParsedCriterion]) -> Iterator[ParsedCriterion]:
    for node in criteria:
        if node.kind == "criterion":
            yield node
        if node.group_op is not None:
            yield from leaf_criteria(node.children)


def _kinds(rule: Rule) -> Iterator[str]:
    """The kinds inside a rule: a conditional counts itself and its parts, an all_of / any_of only its parts."""
    return (part.kind for part in walk(rule) if not isinstance(part, AllOf | AnyOf))


def bucket(node: ParsedCriterion) -> str:
    if node.rule is None:
        return "free_text"
    if not node.computable:
        return "attestation"
    return "partial" if node.partial else "computable"


def criteria_stats(parsed: Iterable[ParsedCriteria], current_version: str) -> dict[str, Any]:
    buckets: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    stale = 0
    for trial in parsed:
        stale += trial.parser_version != current_version
        for node in leaf_criteria(trial.criteria):
            buckets[bucket(node)] += 1
            if node.rule is not None:
                by_kind.update(_kinds(node.rule))
    total = sum(buckets.values())
    return {
        "criteria": total,
        "computable": buckets["computable"],
        "share": round(buckets["computable"] / total, 3) if total else 0.0,
        "partial": buckets["partial"],
        "attestation": buckets["attestation"],
        "free_text": buckets["free_text"],
        "by_kind": dict(sorted(by_kind.items())),
        "stale": stale,
    }


__all__ = ["bucket", "criteria_stats", "leaf_criteria"]
