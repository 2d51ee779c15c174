"""Parse every criterion of every record under /work/shared/data (and the bundled trials) and
report what escaped: exceptions, dropped trials, and criteria recorded with a parse problem.

    PYTHONPATH=src .venv/bin/python benchmarks/parse_robustness.py [--data /work/shared/data]

Registry records are read with `eligo.trials.readers.read_path`; the LCT corpus's bare criteria
texts (`lct-criteria/NCT*.txt`) are parsed with `parse_criteria`. Exit status 1 when anything
escaped, so it can gate a release.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from eligo.criteria.parse import ParsedCriterion, parse_criteria, parse_trial
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "src" / "eligo" / "trials" / "bundled"


def _problems(criteria: tuple[ParsedCriterion, ...]) -> list[str]:
    return [node.problem for root in criteria for node in root.walk() if getattr(node, "problem", "")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    escaped: list[str] = []
    problems: list[str] = []
    for root in (args.data, BUNDLED):
        for item in read_path(root):
            if not isinstance(item, Trial):
                continue
            counts["trials"] += 1
            try:
                parsed = parse_trial(item)
            except Exception:  # the point of this script: report every exception that escapes
                escaped.append(f"{item.nct_id}: {traceback.format_exc(limit=3)}")
                continue
            counts["criteria"] += sum(1 for node in parsed.criteria for _ in node.walk())
            problems.extend(f"{item.nct_id}: {p}" for p in _problems(parsed.criteria))
    for text_file in sorted((args.data / "lct-criteria").glob("NCT*.txt")):
        counts["lct texts"] += 1
        try:
            found = parse_criteria(text_file.read_text("utf-8", errors="replace"))
        except Exception:  # as above
            escaped.append(f"{text_file.name}: {traceback.format_exc(limit=3)}")
            continue
        counts["criteria"] += sum(1 for node in found for _ in node.walk())
        problems.extend(f"{text_file.name}: {p}" for p in _problems(found))
    seconds = time.perf_counter() - started
    print(
        f"trials {counts['trials']}, LCT texts {counts['lct texts']}, criteria nodes {counts['criteria']}, "
        f"escaped {len(escaped)}, dropped {len(escaped)}, parse problems recorded {len(problems)}, {seconds:.1f} s"
    )
    for line in escaped[:20] + problems[:20]:
        print(line, file=sys.stderr)
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())
