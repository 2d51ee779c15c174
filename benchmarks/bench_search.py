"""Search latency: a fixed, seeded set of queries per family against a stored corpus, SQLite and PostgreSQL.

Families: text (condition words), drug (intervention names), nct (named ids), filters (status / phase /
age / sex, no text), text+filters, near (a real city + radius, with and without text). Every query runs
--rounds times (interleaved, after one warm-up round); latencies are per call of TrialStore.search.

    # reuse stores kept by bench_import (--keep-sqlite / --keep-postgres)
    .venv/bin/python benchmarks/bench_search.py --size 100000 --sqlite /tmp/eligo-bench/store-100k.db \\
        --postgres eligo_bench_100k
    # or build small stores here (imports without criteria parsing)
    .venv/bin/python benchmarks/bench_search.py --size 2000 --build
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from corpus import CITIES, NEUROBLASTOMA, OTHER_CONDITIONS, OTHER_DRUGS, PEDIATRIC_CANCERS, PEDIATRIC_DRUGS, nct_id
from measure import (
    WORKDIR,
    drop_postgres,
    postgres_url,
    print_table,
    run_worker,
    save_results,
    sqlite_url,
    summarize_ms,
)

STATUS_SETS = (
    ("RECRUITING",),
    ("RECRUITING", "NOT_YET_RECRUITING"),
    ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"),
    ("COMPLETED",),
)
PHASE_SETS = (("PHASE1",), ("PHASE2",), ("PHASE1", "PHASE2"), ("PHASE3",))
EXTRA_WORDS = ("relapsed", "refractory", "children", "high risk", "recurrent")


def build_queries(size: int, seed: int, per_family: int) -> list[tuple[str, dict[str, Any]]]:
    """(family, SearchQuery fields) pairs; the same for the same (size, seed, per_family)."""
    rng = random.Random(seed)
    conditions = (*NEUROBLASTOMA, *PEDIATRIC_CANCERS, *OTHER_CONDITIONS)
    drugs = (*PEDIATRIC_DRUGS, *OTHER_DRUGS)
    queries: list[tuple[str, dict[str, Any]]] = []

    def text() -> str:
        base = rng.choice(conditions).lower()
        return f"{rng.choice(EXTRA_WORDS)} {base}" if rng.random() < 0.4 else base

    def place() -> tuple[float, float]:
        city = rng.choice(CITIES)
        return (city[4], city[5])

    for _ in range(per_family):
        queries.append(("text", {"text": text()}))
        queries.append(("drug", {"text": rng.choice(drugs).split()[0]}))
        ids = [nct_id(rng.randrange(size)) for _ in range(rng.choice((1, 1, 2)))]
        queries.append(("nct", {"text": " ".join(ids)}))
        queries.append(
            (
                "filters",
                {
                    "statuses": rng.choice(STATUS_SETS),
                    "phases": rng.choice(PHASE_SETS),
                    "age_months": rng.randint(6, 240),
                    "sex": rng.choice((None, "female", "male")),
                },
            )
        )
        queries.append(
            (
                "text+filters",
                {
                    "text": text(),
                    "statuses": rng.choice(STATUS_SETS),
                    "age_months": rng.randint(6, 240),
                },
            )
        )
        near: dict[str, Any] = {"near": place(), "within_km": rng.choice((25.0, 50.0, 100.0, 300.0))}
        if rng.random() < 0.5:
            near["text"] = text()
        else:
            near["age_months"] = rng.randint(6, 240)
        queries.append(("near", near))
    return queries


def worker(args: argparse.Namespace) -> None:
    import json

    from eligo.store import SearchQuery, open_store

    store = open_store(args.url)
    queries = build_queries(args.size, args.seed, args.per_family)
    prepared = [(family, SearchQuery(**fields)) for family, fields in queries]
    times: dict[str, list[float]] = {}
    per_query: list[list[float]] = [[] for _ in prepared]
    hits: dict[str, list[int]] = {}
    for round_number in range(args.rounds + 1):
        order = list(range(len(prepared)))
        random.Random(args.seed + round_number).shuffle(order)
        for index in order:
            family, query = prepared[index]
            started = time.perf_counter()
            found = store.search(query)
            elapsed = time.perf_counter() - started
            if round_number == 0:  # warm-up: caches, prepared statements, page cache
                hits.setdefault(family, []).append(len(found))
                continue
            times.setdefault(family, []).append(elapsed)
            times.setdefault("all", []).append(elapsed)
            per_query[index].append(elapsed)
    slowest = sorted(
        (
            (round(statistics.median(t) * 1000, 1), family, str(fields))
            for (family, fields), t in zip(queries, per_query, strict=True)
        ),
        reverse=True,
    )[:8]
    rows = []
    for family, values in times.items():
        row: dict[str, Any] = {"family": family, **summarize_ms(values)}
        if family in hits:
            row["mean_hits"] = round(statistics.mean(hits[family]), 1)
        rows.append(row)
    store.close()
    print(json.dumps({"rows": rows, "queries": len(prepared), "slowest": slowest}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="studies in the store (ids of --nct queries)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-family", type=int, default=40, help="queries per family (6 families)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite", type=Path, default=None, help="an existing SQLite store")
    parser.add_argument("--postgres", default=None, help="an existing PostgreSQL store (database name)")
    parser.add_argument("--build", action="store_true", help="build both stores from the corpus first")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    built_pg = None
    if args.build:
        args.sqlite = WORKDIR / f"search-{args.size}.db"
        built_pg = f"eligo_bench_search_{args.size}"
        for backend, keep in (
            ("sqlite", ["--keep-sqlite", str(args.sqlite)]),
            ("postgresql", ["--keep-postgres", built_pg]),
        ):
            import subprocess

            subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("bench_import.py")),
                    "--sizes",
                    str(args.size),
                    "--backends",
                    backend,
                    "--seed",
                    str(args.seed),
                    *keep,
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        args.postgres = built_pg

    targets = []
    if args.sqlite:
        targets.append(("sqlite", sqlite_url(args.sqlite)))
    if args.postgres:
        targets.append(("postgresql", postgres_url(args.postgres)))
    all_rows = []
    for backend, url in targets:
        print(f"search {args.size:,} on {backend} ...", file=sys.stderr, flush=True)
        result = run_worker(
            "bench_search.py",
            [
                "--url",
                url,
                "--size",
                str(args.size),
                "--seed",
                str(args.seed),
                "--per-family",
                str(args.per_family),
                "--rounds",
                str(args.rounds),
            ],
        )
        for row in result["rows"]:
            all_rows.append({"backend": backend, "size": args.size, **row})
        for median, family, fields in result["slowest"]:
            print(f"  slow: {median} ms {family} {fields}", file=sys.stderr)
    print_table(all_rows, ["backend", "size", "family", "n", "mean_hits", "median_ms", "p95_ms", "p99_ms", "max_ms"])
    print(f"results: {save_results(f'search-{args.size}', {'rows': all_rows})}", file=sys.stderr)
    if built_pg:
        drop_postgres(built_pg)


if __name__ == "__main__":
    main()
