"""Criteria parsing throughput: parse_trial over synthetic trials, counted in leaf criteria per second.

Leaf criteria are counted as `eligo.criteria.stats.leaf_criteria` counts them. --max-seconds stops early
(the figures are then for the trials parsed so far, and say so). --by-extractor also times every extractor
on every leaf criterion of a sample (each extractor on its own, not stopping at the first that reads the
text), to show where parsing time goes; --profile prints cProfile's top functions.

    .venv/bin/python benchmarks/bench_parse.py --count 10000 --max-seconds 600
    .venv/bin/python benchmarks/bench_parse.py --count 300 --by-extractor --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from typing import Any

from corpus import make_study
from measure import print_table, save_results, summarize_ms


def _trials(count: int, seed: int) -> list[Any]:
    from eligo.trials.ctgov_v2 import study_to_trial

    return [study_to_trial(make_study(index, seed)) for index in range(count)]


def by_extractor(trials: list[Any]) -> list[dict[str, Any]]:
    from eligo.criteria.extractors import extractors
    from eligo.criteria.parse import parse_trial
    from eligo.criteria.rules import CriterionContext
    from eligo.criteria.stats import leaf_criteria

    chain = extractors()
    spent: dict[str, float] = defaultdict(float)
    found: dict[str, int] = defaultdict(int)
    leaves = 0
    for trial in trials:
        for leaf in leaf_criteria(parse_trial(trial).criteria):
            if not leaf.source_text:
                continue  # structured age / sex, not text
            leaves += 1
            ctx = CriterionContext(text=leaf.text, section=leaf.section)
            for extractor in chain:
                name = f"{extractor.__module__.rsplit('.', 1)[-1]}.{extractor.__name__}"
                started = time.perf_counter()
                try:
                    rule = extractor(ctx)
                except ValueError:
                    rule = None
                spent[name] += time.perf_counter() - started
                found[name] += rule is not None
    total = sum(spent.values())
    return [
        {"extractor": name, "ms_per_criterion": round(seconds / leaves * 1000, 3),
         "share_pct": round(100 * seconds / total, 1), "reads": found[name]}
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=None)
    parser.add_argument("--by-extractor", action="store_true")
    parser.add_argument("--extractor-sample", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from eligo.criteria.parse import parse_trial
    from eligo.criteria.stats import leaf_criteria

    trials = _trials(args.count, args.seed)
    parse_trial(trials[0])  # vocabularies load once; not part of the rate
    profiler = cProfile.Profile() if args.profile else None
    per_trial: list[float] = []
    leaves = 0
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    for trial in trials:
        t0 = time.perf_counter()
        parsed = parse_trial(trial)
        per_trial.append(time.perf_counter() - t0)
        leaves += sum(1 for _ in leaf_criteria(parsed.criteria))
        if args.max_seconds and time.perf_counter() - started > args.max_seconds:
            print(f"stopped after {len(per_trial):,} of {len(trials):,} trials (--max-seconds {args.max_seconds})",
                  file=sys.stderr)
            break
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    row = {
        "trials": len(per_trial),
        "leaf_criteria": leaves,
        "seconds": round(elapsed, 1),
        "trials_per_s": round(len(per_trial) / elapsed, 1),
        "criteria_per_s": round(leaves / elapsed, 1),
        **{f"trial_{key}": value for key, value in summarize_ms(per_trial).items() if key != "n"},
    }
    print_table([row], list(row))
    payload: dict[str, Any] = {"parse": row, "profiled": bool(profiler)}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
    if args.by_extractor:
        rows = by_extractor(trials[: args.extractor_sample])
        print()
        print_table(rows, ["extractor", "ms_per_criterion", "share_pct", "reads"])
        payload["by_extractor"] = rows
    print(f"results: {save_results(f'parse-{args.count}', payload)}", file=sys.stderr)


if __name__ == "__main__":
    main()
