"""match_profile wall time against a store whose criteria were parsed at import, over varied profiles.

Profiles vary the example (docs/examples/child-relapsed.json): age, sex, diagnosis, disease state,
labs, and for a third of the runs a place + radius. Each run also times the store search alone, so the
table shows how much of a match is search and how much is loading and evaluating rules.

    # a store built with criteria parsed (bench_import --parse yes --keep-sqlite PATH)
    .venv/bin/python benchmarks/bench_match.py --store /tmp/eligo-bench/store-10k-parsed.db --runs 40
    # or build a small one here
    .venv/bin/python benchmarks/bench_match.py --build 500
"""

from __future__ import annotations

import argparse
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

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "child-relapsed.json"
DIAGNOSES = ("neuroblastoma", "neuroblastoma", "neuroblastoma", "osteosarcoma", "ewing sarcoma", "rhabdomyosarcoma",
             "medulloblastoma", "wilms tumor")
ON = date(2026, 11, 20)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="SQLite store with parsed criteria")
    parser.add_argument("--url", default=None, help="any store URL (instead of --store)")
    parser.add_argument("--build", type=int, default=None, help="build a store of this many studies, parsed")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the runs, print the top functions")
    args = parser.parse_args()

    if args.build:
        args.store = WORKDIR / f"match-{args.build}.db"
        subprocess.run([sys.executable, str(Path(__file__).with_name("bench_import.py")), "--sizes", str(args.build),
                        "--backends", "sqlite", "--parse", "yes", "--keep-sqlite", str(args.store)], check=True,
                       stdout=subprocess.DEVNULL)
    url = args.url or sqlite_url(args.store)

    from eligo.matching.match import candidate_query, match_profile
    from eligo.patients.load import profile_from_data
    from eligo.store import open_store

    store = open_store(url)
    stored, parsed = store.count(), sum(1 for _ in store.iter_criteria())
    cases = profiles(args.runs, args.seed)
    # One untimed run: first use loads vocabularies and warms the page cache.
    match_profile(store, profile_from_data(cases[0][0]), ON)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    totals, cpus, searches, candidates, eligible = [], [], [], [], []
    for data, near, within in cases:
        profile = profile_from_data(data)
        query = candidate_query(profile, ON, near=near, within_km=within)
        t0 = time.perf_counter()
        hits = store.search(query)
        searches.append(time.perf_counter() - t0)
        if profiler:
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        matches = match_profile(store, profile, ON, query=query)
        totals.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        if profiler:
            profiler.disable()
        candidates.append(len(hits))
        eligible.append(sum(1 for m in matches if m.result.verdict.value != "ineligible"))
    store.close()
    rows = [
        {"part": "match_profile (total)", **summarize_ms(totals)},
        {"part": "match_profile (CPU time of this process)", **summarize_ms(cpus)},
        {"part": "store.search alone", **summarize_ms(searches)},
    ]
    print(f"store: {stored:,} trials, {parsed:,} with parsed criteria; candidates per run: median "
          f"{statistics.median(candidates):.0f}, max {max(candidates)}; not-ineligible median "
          f"{statistics.median(eligible):.0f}")
    print_table(rows, ["part", "n", "median_ms", "p95_ms", "p99_ms", "max_ms"])
    per_candidate = [t / c * 1000 for t, c in zip(totals, candidates, strict=True) if c]
    if per_candidate:
        print(f"ms per candidate trial (median): {statistics.median(per_candidate):.2f}")
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
