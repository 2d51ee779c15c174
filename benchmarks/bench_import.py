"""Import throughput and peak memory: read_path + TrialStore.import_records, SQLite file and PostgreSQL.

Each case runs in its own interpreter so its peak RSS is its own. The "read" case only streams the
corpus through read_path (no store) to separate reader cost from store cost.

    .venv/bin/python benchmarks/bench_import.py --sizes 10000,100000 --backends read,sqlite,postgresql
    .venv/bin/python benchmarks/bench_import.py --sizes 2000 --parse yes   # criteria parsed at import
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from corpus import ensure_corpus
from measure import (
    WORKDIR,
    admin_execute,
    drop_postgres,
    fresh_postgres,
    fresh_sqlite,
    peak_rss_mb,
    print_table,
    run_worker,
    save_results,
)

PG_DATABASE = "eligo_bench_import"


def worker(args: argparse.Namespace) -> None:
    from eligo.trials.readers import read_path

    baseline = peak_rss_mb()
    if args.backend == "read":
        started, cpu_started = time.perf_counter(), time.process_time()
        counts = {"trials": 0, "problems": 0}
        for item in read_path(Path(args.input)):
            kind = type(item).__name__
            if kind in ("Trial", "ImportProblem"):  # notes (a field trimmed, an empty entry) are neither
                counts["trials" if kind == "Trial" else "problems"] += 1
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        done = counts["trials"]
        failed = counts["problems"]
    else:
        from eligo.finish import ImportFinisher, derive_criteria
        from eligo.store import open_store

        store = open_store(args.url)
        baseline = peak_rss_mb()

        def progress(summary: object) -> None:
            if args.verbose:
                print(f"  {summary}", file=sys.stderr, flush=True)

        started, cpu_started = time.perf_counter(), time.process_time()
        summary = store.import_records(
            read_path(Path(args.input)),
            # Overlays and geocoded sites, as every import gets; criteria only with --parse.
            finisher=ImportFinisher(derive_criteria if args.parse else None),
            on_progress=progress,
            batch_size=args.batch_size,
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        done = summary.imported + summary.updated
        failed = summary.failed
        if failed:
            print(f"  {failed} failed, first: {summary.problems[:3]}", file=sys.stderr)
        store.close()
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 2),
                "studies": done,
                "failed": failed,
                "studies_per_s": round(done / elapsed, 1) if elapsed else 0.0,
                # CPU seconds of this process (not the database server's): steadier than wall time on a busy machine.
                "cpu_s": round(cpu, 1),
                "studies_per_cpu_s": round(done / cpu, 1) if cpu else 0.0,
                "baseline_rss_mb": round(baseline, 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated corpus sizes")
    parser.add_argument("--backends", default="read,sqlite,postgresql")
    parser.add_argument(
        "--parse",
        choices=("no", "yes", "both"),
        default="no",
        help="derive_criteria at import (the criteria parser runs per study)",
    )
    parser.add_argument(
        "--parse-max", type=int, default=10_000, help="largest size run with parsing (it is far slower)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--keep-sqlite",
        type=Path,
        default=None,
        help="copy the last SQLite store (with parsed criteria when --parse) here for bench_match/web",
    )
    parser.add_argument(
        "--keep-postgres",
        default=None,
        help="keep the last PostgreSQL store under this database name (for bench_search)",
    )
    parser.add_argument("--verbose", action="store_true")
    # worker mode
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--parse-flag", dest="parse_flag", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.parse = args.parse_flag
        worker(args)
        return

    sizes = [int(size) for size in args.sizes.split(",")]
    backends = args.backends.split(",")
    parse_modes = {"no": [False], "yes": [True], "both": [False, True]}[args.parse]
    rows = []
    for size in sizes:
        corpus = ensure_corpus(WORKDIR / f"corpus-{size // 1000}k-s{args.seed}.jsonl", size, args.seed)
        for backend in backends:
            for parse in parse_modes:
                if backend == "read" and parse:
                    continue
                if parse and size > args.parse_max:
                    print(f"skip {backend} parse=yes at {size:,} (> --parse-max {args.parse_max:,})", file=sys.stderr)
                    continue
                url = ""
                sqlite_path = WORKDIR / f"import-{size}-{int(parse)}.db"
                if backend == "sqlite":
                    url = fresh_sqlite(sqlite_path)
                elif backend == "postgresql":
                    url = fresh_postgres(PG_DATABASE)
                worker_args = [
                    "--backend",
                    backend,
                    "--input",
                    str(corpus),
                    "--url",
                    url,
                    "--batch-size",
                    str(args.batch_size),
                ]
                if parse:
                    worker_args.append("--parse-flag")
                if args.verbose:
                    worker_args.append("--verbose")
                print(f"import {size:,} -> {backend} parse={'yes' if parse else 'no'} ...", file=sys.stderr, flush=True)
                result = run_worker("bench_import.py", worker_args)
                row = {"size": size, "backend": backend, "parse": "yes" if parse else "no", **result}
                if backend == "sqlite":
                    row["db_mb"] = round(sqlite_path.stat().st_size / 1e6, 1)
                    if args.keep_sqlite is not None:
                        args.keep_sqlite.parent.mkdir(parents=True, exist_ok=True)
                        sqlite_path.replace(args.keep_sqlite)
                    else:
                        fresh_sqlite(sqlite_path)
                if backend == "postgresql":
                    if args.keep_postgres:
                        drop_postgres(args.keep_postgres)
                        admin_execute(f'ALTER DATABASE "{PG_DATABASE}" RENAME TO "{args.keep_postgres}"')
                    else:
                        drop_postgres(PG_DATABASE)
                print(f"  {row}", file=sys.stderr, flush=True)
                rows.append(row)
    print_table(
        rows,
        [
            "size",
            "backend",
            "parse",
            "studies",
            "failed",
            "seconds",
            "studies_per_s",
            "cpu_s",
            "studies_per_cpu_s",
            "baseline_rss_mb",
            "peak_rss_mb",
        ],
    )
    tag = f"import-{args.sizes}-{args.backends}-{args.parse}".replace(",", "_")
    print(f"results: {save_results(tag, {'rows': rows})}", file=sys.stderr)


if __name__ == "__main__":
    main()
