"""Rules no realistic profile can meet (or fail), over all real criteria text in ../shared/data.

Run:  .venv/bin/python benchmarks/unmeetable_rules.py [--data DIR]   (prints JSON)

Every leaf rule of the 141 registry records and the 986 LCT texts goes through
`eligo.matching.reachability.reach`: profiles built to satisfy it and to fail it over realistic
values. Reported: counts by rule kind of meetable / unmeetable / unchecked and of unfailable
rules, and every flagged rule with its NCT id and criterion text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from criteria_coverage import DEFAULT_DATA, REGISTRY_SOURCES, lct_parses, registry_parses

from eligo.criteria.parse import PARSER_VERSION, ParsedCriteria
from eligo.criteria.stats import leaf_criteria
from eligo.matching.reachability import reach

ON = date(2026, 1, 1)


def check(parses: list[ParsedCriteria]) -> dict[str, Any]:
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    flagged: list[dict[str, str]] = []
    for trial in parses:
        for node in leaf_criteria(trial.criteria):
            if node.rule is None:
                continue
            found = reach(node.rule, ON)
            counts = by_kind[node.rule.kind]
            counts[found.meet] += 1
            if found.fail == "unfailable":
                counts["unfailable"] += 1
            if found.meet == "unmeetable" or found.fail == "unfailable":
                flagged.append(
                    {
                        "nct_id": trial.nct_id,
                        "id": node.id,
                        "flag": found.meet if found.meet == "unmeetable" else found.fail,
                        "text": node.text[:200],
                        "rule": node.rule.model_dump_json(exclude_defaults=True),
                    }
                )
    total: Counter[str] = Counter()
    for counts in by_kind.values():
        total.update(counts)
    return {
        "total": dict(total),
        "by_kind": {kind: dict(counts) for kind, counts in sorted(by_kind.items())},
        "flagged": flagged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    parses = [parsed for name in REGISTRY_SOURCES for parsed in registry_parses(args.data / name)]
    parses += list(lct_parses(args.data / "lct-criteria"))
    report = {"parser_version": PARSER_VERSION, "trials": len(parses), **check(parses)}
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
