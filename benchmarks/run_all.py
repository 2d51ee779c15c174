"""Run every benchmark in sequence: small sizes by default (a few minutes), --full for the documented sizes.

    .venv/bin/python benchmarks/run_all.py            # smoke sizes: 2,000 studies, 300 parsed
    .venv/bin/python benchmarks/run_all.py --full     # 10k/100k import, 100k search, 10k parse/match/web
    .venv/bin/python benchmarks/run_all.py --only import,search

Results land in $ELIGO_BENCH_DIR (default /tmp/eligo-bench) as results-*.json; tables go to stdout.
Needs the PostgreSQL server of $ELIGO_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/postgres)
for the PostgreSQL cases; --no-postgres skips them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from measure import WORKDIR, drop_postgres

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> None:
    command = [sys.executable, str(HERE / script), *args]
    print(f"\n## {' '.join([script, *args])}\n", flush=True)
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        print(f"({script} failed with exit status {done.returncode}; going on)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--only", default="import,search,parse,match,web")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    backends = "read,sqlite" if args.no_postgres else "read,sqlite,postgresql"
    small, parsed = (100_000, 10_000) if args.full else (2_000, 300)
    sizes = "10000,100000" if args.full else str(small)
    search_db, search_pg = WORKDIR / f"store-{small}.db", f"eligo_bench_{small}"
    match_db = WORKDIR / f"store-{parsed}-parsed.db"

    if "import" in only:
        run("bench_import.py", "--sizes", sizes, "--backends", backends)
        run(
            "bench_import.py",
            "--sizes",
            str(parsed),
            "--backends",
            backends.replace("read,", ""),
            "--parse",
            "yes",
            "--parse-max",
            str(parsed),
        )
    if "search" in only:
        run("bench_import.py", "--sizes", str(small), "--backends", "sqlite", "--keep-sqlite", str(search_db))
        search_args = ["--size", str(small), "--sqlite", str(search_db)]
        if not args.no_postgres:
            run("bench_import.py", "--sizes", str(small), "--backends", "postgresql", "--keep-postgres", search_pg)
            search_args += ["--postgres", search_pg]
        run("bench_search.py", *search_args)
        if not args.no_postgres:
            drop_postgres(search_pg)
    if "parse" in only:
        run("bench_parse.py", "--count", str(parsed), "--max-seconds", "600", "--by-extractor")
    if ("match" in only or "web" in only) and not match_db.exists():
        run(
            "bench_import.py",
            "--sizes",
            str(parsed),
            "--backends",
            "sqlite",
            "--parse",
            "yes",
            "--parse-max",
            str(parsed),
            "--keep-sqlite",
            str(match_db),
        )
    if "match" in only:
        run("bench_match.py", "--store", str(match_db), "--runs", "40")
    if "web" in only:
        requests = (
            ["--requests", "1000", "--match-requests", "200"]
            if args.full
            else ["--requests", "200", "--match-requests", "30"]
        )
        run("bench_web.py", "--store", str(match_db), "--size", str(parsed), *requests)


if __name__ == "__main__":
    main()
