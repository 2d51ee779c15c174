"""Import beside a live site (issue #11): studies/s of `eligo import` while a visitor saves a pre-screener
answer every 0.2 s, and that visitor's answer-save latency, on a SQLite file and on PostgreSQL.

The visitor is a separate process (as a web worker would be) writing through the session store the
answer-save route uses; it runs alone first (the idle latency), then beside the import.

    .venv/bin/python benchmarks/bench_import_live.py --studies 5000 --backends sqlite,postgresql
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from corpus import ensure_corpus
from measure import WORKDIR, drop_postgres, fresh_postgres, fresh_sqlite, print_table, save_results, summarize_ms

PG_DATABASE = "eligo_bench_import_live"
SAVE_EVERY_SECONDS = 0.2


def saver(url: str, out: Path, stop: Path) -> None:
    """Save one more answer every 0.2 s until `stop` exists; write each save's latency (s) and any error.

    `out` with the suffix ".ready" appears after the first save, so the clock starts with the saver running.
    """
    from eligo.store import open_store
    from eligo.store.sessions import update_session

    store = open_store(url)
    latencies: list[float] = []
    errors: list[str] = []
    number = 0
    while not stop.exists():

        def answer(data: dict[str, Any], number: int = number) -> None:
            data.setdefault("answers", {})[f"q{number}"] = "yes"

        now = datetime.now(UTC)
        started = time.perf_counter()
        try:
            update_session(store.engine, "visitor", answer, now + timedelta(hours=1), now)
        except Exception as error:  # measured and reported, never hidden
            errors.append(f"{type(error).__name__}: {error}")
        latencies.append(time.perf_counter() - started)
        if number == 0:
            out.with_suffix(".ready").touch()
        number += 1
        time.sleep(max(0.0, SAVE_EVERY_SECONDS - latencies[-1]))
    out.write_text(json.dumps({"latencies": latencies, "errors": errors}))
    store.close()


def _with_saver(url: str, label: str, work: Any) -> tuple[Any, dict[str, Any]]:
    out, stop = WORKDIR / f"saver-{label}.json", WORKDIR / f"saver-{label}.stop"
    ready = out.with_suffix(".ready")
    for stale in (stop, ready):
        stale.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, __file__, "--saver", url, str(out), str(stop)])
    while not ready.exists():  # its start-up (imports, opening the store) is not part of the measurement
        if process.poll() is not None:
            raise RuntimeError(f"the answer saver exited with status {process.returncode} before its first save")
        time.sleep(0.1)
    try:
        result = work()
    finally:
        stop.touch()
        process.wait(timeout=120)
    saved = json.loads(out.read_text())
    return result, saved


def measure(backend: str, corpus: Path) -> dict[str, Any]:
    from eligo.ingest import import_paths
    from eligo.store import open_store

    url = fresh_sqlite(WORKDIR / "live.db") if backend == "sqlite" else fresh_postgres(PG_DATABASE)
    store = open_store(url)
    _, idle = _with_saver(url, f"{backend}-idle", lambda: time.sleep(20))

    def run_import() -> tuple[Any, float]:
        started = time.perf_counter()
        summary = import_paths(store, [corpus])
        return summary, time.perf_counter() - started

    (summary, elapsed), busy = _with_saver(url, f"{backend}-busy", run_import)
    store.close()
    if backend == "postgresql":
        drop_postgres(PG_DATABASE)
    idle_ms, busy_ms = summarize_ms(idle["latencies"]), summarize_ms(busy["latencies"])
    return {
        "backend": backend,
        "studies": summary.imported,
        "failed": summary.failed,
        "studies/s": summary.imported / elapsed,
        "idle saves": len(idle["latencies"]),
        "saves": len(busy["latencies"]),
        "save errors": len(busy["errors"]) + len(idle["errors"]),
        "idle save p50 ms": idle_ms["median_ms"],
        "idle save p95 ms": idle_ms["p95_ms"],
        "save p50 ms": busy_ms["median_ms"],
        "save p95 ms": busy_ms["p95_ms"],
        "save max ms": busy_ms["max_ms"],
    }


def main() -> None:
    if sys.argv[1:2] == ["--saver"]:
        saver(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=5_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    corpus = ensure_corpus(WORKDIR / f"corpus-live-{args.studies}.jsonl", args.studies)
    rows = [measure(backend, corpus) for backend in args.backends.split(",")]
    print_table(rows, list(rows[0]))
    save_results("import-live", {"rows": rows})


if __name__ == "__main__":
    main()
