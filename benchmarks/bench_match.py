"""match_profile wall time against a store whose criteria were parsed at import, over varied profiles.

Profiles vary the example (docs/examples/child-relapsed.json): age, sex, diagnosis, disease state,
labs, and for a third of the runs a place + radius. Two passes over the same profiles:

- cold: matching's in-process caches are emptied before each run (parsed trees, shared rules), as for
  the first match of a new process (vocabularies and Pint already loaded; lab units are converted when
  a profile or a rule is loaded, never during evaluation);
- warm: the caches were first filled by a pass over other profiles (same diagnoses, other ages, sexes and
  lab values), as in a long-lived web worker;
- frozen: as warm, then `gc.collect(); gc.freeze()` before the timed runs, as `eligo serve` workers do
  after warming up, so full collections no longer walk the cached trees;
- relaxed: as frozen, with the collector's thresholds raised (`eligo.process.RELAXED_GC_THRESHOLDS`) during the
  timed runs, so a match triggers fewer collections;
- cold-relaxed: as cold, with the thresholds raised the same way.

The time spent in garbage collection during each pass is reported (longest pause and total).

The store search alone is timed too, so the table shows how much of a match is search.

    # a store built with criteria parsed (bench_import --parse yes --keep-sqlite PATH)
    .venv/bin/python benchmarks/bench_match.py --store /tmp/eligo-bench/store-10k-parsed.db --runs 20
    # or build a small one here
    .venv/bin/python benchmarks/bench_match.py --build 500
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from corpus import CITIES
from measure import WORKDIR, print_table, save_results, sqlite_url, summarize_ms

from eligo.process import RELAXED_GC_THRESHOLDS

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "child-relapsed.json"
DIAGNOSES = (
    "neuroblastoma",
    "neuroblastoma",
    "neuroblastoma",
    "osteosarcoma",
    "ewing sarcoma",
    "rhabdomyosarcoma",
    "medulloblastoma",
    "wilms tumor",
)
ON = date(2026, 11, 20)
PASSES = ("cold", "cold-relaxed", "warm", "frozen", "relaxed")


def profiles(runs: int, seed: int) -> list[tuple[dict[str, Any], tuple[float, float] | None, float | None]]:
    base = json.loads(EXAMPLE.read_text())
    rng = random.Random(seed)
    out = []
    for run in range(runs):
        data = json.loads(json.dumps(base))
        data["birth_date"] = f"{rng.randint(2008, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        data["sex"] = rng.choice(("female", "male"))
        data["diagnosis"] = DIAGNOSES[run % len(DIAGNOSES)]
        data["disease_states"] = [rng.choice(("relapsed", "refractory", "progressive"))]
        for lab in data["labs"]:
            lab["value"] = round(lab["value"] * rng.uniform(0.5, 1.5), 2)
        near = within = None
        if run % 3 == 2:
            city = rng.choice(CITIES)
            near, within = (city[4], city[5]), rng.choice((100.0, 300.0, 1000.0))
        out.append((data, near, within))
    return out


def _timed(run: Any) -> tuple[Any, float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="SQLite store with parsed criteria")
    parser.add_argument("--url", default=None, help="any store URL (instead of --store)")
    parser.add_argument("--build", type=int, default=None, help="build a store of this many studies, parsed")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--passes", default=",".join(PASSES), help=f"some of {', '.join(PASSES)}")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed runs, print the top functions")
    args = parser.parse_args()
    passes = [name.strip() for name in args.passes.split(",") if name.strip()]
    if not passes or set(passes) - set(PASSES):
        parser.error(f"--passes takes some of {', '.join(PASSES)}, comma-separated")

    if args.build:
        args.store = WORKDIR / f"match-{args.build}.db"
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("bench_import.py")),
                "--sizes",
                str(args.build),
                "--backends",
                "sqlite",
                "--parse",
                "yes",
                "--keep-sqlite",
                str(args.store),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    url = args.url or sqlite_url(args.store)

    from eligo.matching.match import candidate_query, match_profile
    from eligo.patients.load import profile_from_data
    from eligo.process import Caches
    from eligo.store import open_store

    store = open_store(url)
    stored, parsed = store.count(), sum(1 for _ in store.iter_criteria())

    def prepared(seed: int) -> list[tuple[Any, Any]]:
        out = []
        for data, near, within in profiles(args.runs, seed):
            profile = profile_from_data(data)
            out.append((profile, candidate_query(profile, ON, near=near, within_km=within)))
        return out

    cases = prepared(args.seed)
    # One untimed run: first use loads the vocabularies and Pint and warms the page cache; a web
    # worker has done this before its first request.
    # The benchmark is the entry point here: it owns the caches, as a serve worker or the CLI does.
    caches = Caches()
    match_profile(store, cases[0][0], ON, query=cases[0][1], cache=caches.parsed)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    rows: list[dict[str, Any]] = []
    candidates: list[int] = []
    eligible: list[int] = []
    searches = [_timed(lambda q=query: store.search(q))[1] for _, query in cases]
    pauses: list[float] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append(time.perf_counter() - started.pop())

    gc.callbacks.append(on_gc)
    thresholds = gc.get_threshold()
    for name in passes:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        if not name.startswith("cold"):
            # Warm as a long-lived web worker is: other children's matches (same diagnoses, other ages,
            # sexes and lab values) have filled the caches; this child's own lab values are new to them.
            caches = Caches()
            for profile, query in prepared(args.seed + 1):
                match_profile(store, profile, ON, query=query, cache=caches.parsed)
            hits_before, misses_before = caches.parsed.hits, caches.parsed.misses
            if name in ("frozen", "relaxed"):
                gc.collect()
                gc.freeze()
        if name in ("relaxed", "cold-relaxed"):
            gc.set_threshold(*RELAXED_GC_THRESHOLDS)
        totals, cpus = [], []
        pauses.clear()
        for profile, query in cases:
            if name.startswith("cold"):
                # As a new process would: caches of its own.
                caches = Caches()
            if profiler:
                profiler.enable()
            matches, wall, cpu = _timed(
                lambda p=profile, q=query, c=caches.parsed: match_profile(store, p, ON, query=q, cache=c)
            )
            if profiler:
                profiler.disable()
            totals.append(wall)
            cpus.append(cpu)
            if name == passes[0]:
                candidates.append(len(matches))
                eligible.append(sum(1 for m in matches if m.result.verdict.value != "ineligible"))
        rows.append({"part": f"match_profile, {name} (wall)", **summarize_ms(totals)})
        rows.append({"part": f"match_profile, {name} (CPU of this process)", **summarize_ms(cpus)})
        per_candidate = [t / c * 1000 for t, c in zip(totals, candidates, strict=True) if c]
        if per_candidate:
            print(f"{name}: ms per evaluated candidate (median): {statistics.median(per_candidate):.3f}")
        print(
            f"{name}: {len(pauses)} collections, longest {max(pauses, default=0) * 1000:.0f} ms, "
            f"total {sum(pauses) * 1000:.0f} ms; {gc.get_freeze_count():,} objects frozen"
        )
        if not name.startswith("cold"):
            hits, misses = caches.parsed.hits - hits_before, caches.parsed.misses - misses_before
            print(f"warm: parsed-criteria cache {hits:,} hits, {misses:,} misses; {len(caches.parsed):,} trees held")
    rows.append({"part": "store.search alone", **summarize_ms(searches)})
    store.close()
    print(
        f"store: {stored:,} trials, {parsed:,} with parsed criteria; candidates evaluated per run: median "
        f"{statistics.median(candidates):.0f}, max {max(candidates)}; not-ineligible median "
        f"{statistics.median(eligible):.0f}"
    )
    print_table(rows, ["part", "n", "median_ms", "p95_ms", "p99_ms", "max_ms"])
    if profiler:
        import io
        import pstats

        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
    payload = {"store_trials": stored, "parsed": parsed, "rows": rows, "candidates": candidates}
    print(f"results: {save_results('match', payload)}", file=sys.stderr)


if __name__ == "__main__":
    main()
