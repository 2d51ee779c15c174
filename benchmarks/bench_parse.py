"""Criteria parsing throughput: parse_trial over synthetic trials, counted in leaf criteria per second.

Leaf criteria are counted as `eligo.criteria.stats.leaf_criteria` counts them. Each pass parses every
trial once (after one warm-up parse, so vocabularies load outside the timing); --repeat N makes N passes
and reports the median pass and the p95 (slow) pass as criteria/s, and per-trial latency over all passes.
--max-seconds stops a pass early (the figures are then for the trials parsed so far, and say so).

Comparing variants on a shared, noisy machine: --baseline-src DIR times another copy of the `eligo`
source (a directory holding `eligo/`, e.g. the last commit's `src`) against the working tree, and
--compare-prefilter adds the working tree with every extractor run on every criterion. Variants then run
back to back, one fresh interpreter per pass, in turn within each repeat, so load from other work falls
on all of them alike.

--real parses the real criteria text in ../shared/data instead (after one untimed pass that loads the
vocabularies, and with the text-keyed caches emptied before each timed pass) (the 986 LCT criteria texts and the
registry records, each trial once), the measure issue #12 asks for: synthetic trials parse about five
times faster per trial than real records, so they flatter. --data DIR points elsewhere.

    .venv/bin/python benchmarks/bench_parse.py --real --repeat 3

--by-extractor also times every extractor on every leaf criterion of a sample (each extractor on its own,
not stopping at the first that reads the text; `runs` counts the criteria its keyword prefilter let
through), to show where parsing time goes; --profile prints cProfile's top functions.

    .venv/bin/python benchmarks/bench_parse.py --count 10000 --max-seconds 600
    .venv/bin/python benchmarks/bench_parse.py --count 300 --by-extractor --profile
    git archive HEAD src | tar -x -C /tmp/eligo-base   # the committed parser, to compare against
    .venv/bin/python benchmarks/bench_parse.py --count 1000 --repeat 5 --baseline-src /tmp/eligo-base/src \\
        --compare-prefilter
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import make_study
from measure import percentile, print_table, save_results, summarize_ms


@dataclass(frozen=True)
class Variant:
    label: str
    source: Path | None  # a directory holding `eligo/`; None = the installed working tree
    prefilter: bool = True


def _trials(count: int, seed: int) -> list[Any]:
    from eligo.trials.ctgov_v2 import study_to_trial

    return [study_to_trial(make_study(index, seed)) for index in range(count)]


def one_pass(trials: list[Any], prefilter: bool, max_seconds: float | None) -> dict[str, Any]:
    """Parse every trial once: wall and CPU seconds, leaf criteria and per-trial seconds."""
    from eligo.criteria.parse import parse_trial
    from eligo.criteria.stats import leaf_criteria

    # The baseline source may predate the prefilter switch: only pass it when it is off.
    options: dict[str, Any] = {} if prefilter else {"prefilter": False}
    per_trial: list[float] = []
    leaves = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for trial in trials:
        t0 = time.perf_counter()
        parsed = parse_trial(trial, **options)
        per_trial.append(time.perf_counter() - t0)
        leaves += sum(1 for _ in leaf_criteria(parsed.criteria))
        if max_seconds and time.perf_counter() - started > max_seconds:
            print(
                f"stopped after {len(per_trial):,} of {len(trials):,} trials (--max-seconds {max_seconds})",
                file=sys.stderr,
            )
            break
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "leaf_criteria": leaves,
        "per_trial": per_trial,
    }


def real_items(data: Path) -> list[Any]:
    """The real criteria: LCT texts (plain strings) and registry trials (each once)."""
    from eligo.trials.model import Trial
    from eligo.trials.readers import read_path

    items: list[Any] = [path.read_text("utf-8") for path in sorted((data / "lct-criteria").glob("NCT*.txt"))]
    seen: set[str] = set()
    for folder in ("ctgov-samples/legacy-xml", "ctgov-samples/trec2022-legacy-xml", "ctgov-samples/v2-json"):
        for item in read_path(data / folder):
            if isinstance(item, Trial) and item.nct_id not in seen:
                seen.add(item.nct_id)
                items.append(item)
    return items


def real_pass(items: list[Any]) -> dict[str, Any]:
    """Parse every real text or trial once: seconds and leaf criteria."""
    from eligo.criteria.parse import parse_criteria, parse_trial
    from eligo.criteria.stats import leaf_criteria

    leaves = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for item in items:
        criteria = parse_criteria(item) if isinstance(item, str) else parse_trial(item).criteria
        leaves += sum(1 for _ in leaf_criteria(criteria))
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(time.process_time() - cpu_started, 3),
        "leaf_criteria": leaves,
        "criteria_per_s": round(leaves / seconds),
        # On a shared machine the wall clock counts other work too; CPU time counts only this parse.
        "criteria_per_cpu_s": round(leaves / max(time.process_time() - cpu_started, 1e-9)),
    }


def forget_texts() -> int:
    """Empty every bounded (`lru_cache(maxsize=N)`) cache in eligo, the ones keyed on criterion text, so a
    pass over texts parsed before is timed as a first reading; unbounded vocabulary caches stay."""
    emptied = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("eligo"):
            continue
        for value in list(vars(module).values()):
            info = getattr(value, "cache_info", None)
            if callable(info) and info().maxsize is not None:
                value.cache_clear()
                emptied += 1
    return emptied


def summarize(label: str, passes: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [p["seconds"] for p in passes]
    leaves = passes[0]["leaf_criteria"]
    median_s, p95_s = statistics.median(seconds), percentile(seconds, 95)
    latency = summarize_ms([s for p in passes for s in p["per_trial"]])
    return {
        "variant": label,
        "trials": len(passes[0]["per_trial"]),
        "leaf_criteria": leaves,
        "passes": len(passes),
        "median_s": round(median_s, 2),
        "criteria_per_s_median": round(leaves / median_s, 1),
        "criteria_per_s_p95": round(leaves / p95_s, 1),  # the rate of the p95 (slow) pass
        # CPU time counts only this process's work: steadier than wall time when others share the cores.
        "criteria_per_cpu_s_median": round(leaves / statistics.median(p["cpu_seconds"] for p in passes), 1),
        **{f"trial_{key}": value for key, value in latency.items() if key in ("median_ms", "p95_ms", "max_ms")},
    }


def worker(args: argparse.Namespace) -> None:
    from eligo.criteria.parse import parse_trial

    trials = _trials(args.count, args.seed)
    parse_trial(trials[0])  # vocabularies load once; not part of the rate
    result = one_pass(trials, not args.no_prefilter, args.max_seconds)
    per_trial = result.pop("per_trial")
    print(json.dumps({**result, "per_trial": [round(s, 6) for s in per_trial]}))


def run_variant(variant: Variant, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--count",
        str(args.count),
        "--seed",
        str(args.seed),
    ]
    if not variant.prefilter:
        command.append("--no-prefilter")
    if args.max_seconds:
        command += ["--max-seconds", str(args.max_seconds)]
    env = dict(os.environ)
    if variant.source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(variant.source), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{variant.label} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(variants: list[Variant], args: argparse.Namespace) -> list[dict[str, Any]]:
    passes: dict[str, list[dict[str, Any]]] = {variant.label: [] for variant in variants}
    for repeat in range(args.repeat):
        # Rotate the order so that no variant always runs first (after a quiet or a busy spell).
        order = variants[repeat % len(variants) :] + variants[: repeat % len(variants)]
        for variant in order:
            result = run_variant(variant, args)
            passes[variant.label].append(result)
            print(
                f"pass {repeat + 1}/{args.repeat} {variant.label}: {result['leaf_criteria'] / result['seconds']:,.0f}"
                " criteria/s",
                file=sys.stderr,
            )
    rows = [summarize(label, found) for label, found in passes.items()]
    leaves = {row["leaf_criteria"] for row in rows}
    if len(leaves) > 1:
        print(f"warning: variants counted different leaf criteria {sorted(leaves)}", file=sys.stderr)
    reference = rows[0]["median_s"]
    for row in rows:
        row["speedup_vs_first"] = round(reference / row["median_s"], 2)
    return rows


def by_extractor(trials: list[Any]) -> list[dict[str, Any]]:
    from eligo.criteria.parse import parse_trial
    from eligo.criteria.stats import leaf_criteria
    from eligo.rules.base import CriterionContext
    from eligo.rules.extract import extractors, trigger_of
    from eligo.rules.prefilter import TriggerText

    chain = extractors()
    spent: dict[str, float] = defaultdict(float)
    found: dict[str, int] = defaultdict(int)
    ran: dict[str, int] = defaultdict(int)
    leaves = 0
    for trial in trials:
        for leaf in leaf_criteria(parse_trial(trial).criteria):
            if not leaf.source_text:
                continue  # structured age / sex, not text
            leaves += 1
            ctx = CriterionContext(text=leaf.text, section=leaf.section)
            words = TriggerText.of(ctx.text)
            for extractor in chain:
                name = f"{extractor.__module__.rsplit('.', 1)[-1]}.{extractor.__name__}"
                trigger = trigger_of(extractor)
                ran[name] += trigger is None or trigger.fires(words, None)
                started = time.perf_counter()
                try:
                    rule = extractor(ctx)
                except ValueError:
                    rule = None
                spent[name] += time.perf_counter() - started
                found[name] += rule is not None
    total = sum(spent.values())
    return [
        {
            "extractor": name,
            "ms_per_criterion": round(seconds / leaves * 1000, 3),
            "share_pct": round(100 * seconds / total, 1),
            "runs": ran[name],
            "reads": found[name],
        }
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="passes over the trials (median and p95 pass)")
    parser.add_argument("--max-seconds", type=float, default=None, help="stop each pass after this long")
    parser.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="a directory holding another `eligo` package to time against the working tree",
    )
    parser.add_argument(
        "--compare-prefilter",
        action="store_true",
        help="also time the working tree with every extractor run on every criterion",
    )
    parser.add_argument("--no-prefilter", action="store_true", help="run every extractor on every criterion")
    parser.add_argument("--by-extractor", action="store_true")
    parser.add_argument("--extractor-sample", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--real", action="store_true", help="parse the real criteria text in --data")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    args = parser.parse_args()
    if args.real:
        items = real_items(args.data)
        real_pass(items)  # vocabularies load and patterns compile once; not part of the rate
        passes = []
        for _ in range(args.repeat):
            forget_texts()  # each pass reads the texts as if for the first time
            passes.append(real_pass(items))
        rates = sorted(p["criteria_per_s"] for p in passes)
        cpu_rates = sorted(p["criteria_per_cpu_s"] for p in passes)
        payload_real = {
            "texts": len(items),
            "passes": passes,
            "median_criteria_per_s": rates[len(rates) // 2],
            "median_criteria_per_cpu_s": cpu_rates[len(cpu_rates) // 2],
        }
        print(json.dumps(payload_real, indent=2))
        return
    if args.worker:
        worker(args)
        return

    if args.baseline_src or args.compare_prefilter:
        variants = []
        if args.baseline_src:
            if not (args.baseline_src / "eligo" / "criteria" / "parse.py").exists():
                parser.error(f"--baseline-src {args.baseline_src} holds no eligo/criteria/parse.py")
            variants.append(Variant("baseline", args.baseline_src.resolve()))
        variants.append(Variant("working tree", None))
        if args.compare_prefilter:
            variants.append(Variant("working tree, no prefilter", None, prefilter=False))
        rows = compare(variants, args)
        print_table(rows, list(rows[0]))
        payload: dict[str, Any] = {"compare": rows, "count": args.count, "seed": args.seed, "repeat": args.repeat}
        print(f"results: {save_results(f'parse-compare-{args.count}', payload)}", file=sys.stderr)
        return

    from eligo.criteria.parse import parse_trial

    trials = _trials(args.count, args.seed)
    parse_trial(trials[0])  # vocabularies load once; not part of the rate
    profiler = cProfile.Profile() if args.profile else None
    passes = []
    for _ in range(args.repeat):
        if profiler:
            profiler.enable()
        passes.append(one_pass(trials, not args.no_prefilter, args.max_seconds))
        if profiler:
            profiler.disable()
    row = summarize("working tree" + (", no prefilter" if args.no_prefilter else ""), passes)
    print_table([row], list(row))
    payload = {"parse": row, "profiled": bool(profiler)}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
    if args.by_extractor:
        rows = by_extractor(trials[: args.extractor_sample])
        print()
        print_table(rows, ["extractor", "ms_per_criterion", "share_pct", "runs", "reads"])
        payload["by_extractor"] = rows
    print(f"results: {save_results(f'parse-{args.count}', payload)}", file=sys.stderr)


if __name__ == "__main__":
    main()
