"""Web latency under load: uvicorn with 2 workers on 127.0.0.1, a bounded asyncio + httpx load generator.

Scenarios: a trial page (GET /trials/{id}), a search page (GET /search?q=neuroblastoma&age=7) and a match
(POST /api/match with docs/examples/child-relapsed.json). Each scenario sends a fixed number of requests
from --concurrency connections and stops early at --time-cap seconds; localhost only. Clients keep the
session cookie the app sets, as a browser would (--no-cookies: each request a new visitor).

    .venv/bin/python benchmarks/bench_web.py --store /tmp/eligo-bench/store-10k-parsed.db --size 10000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from corpus import nct_id
from measure import print_table, save_results, sqlite_url, summarize_ms

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "child-relapsed.json"
HOST = "127.0.0.1"


@dataclass
class Scenario:
    name: str
    method: str
    paths: list[str]
    requests: int
    body: dict[str, Any] | None = None
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ELIGO_DATABASE_URL": url, "ELIGO_ENV": "development"}
    uvicorn = Path(sys.executable).with_name("uvicorn")
    command = [str(uvicorn), "--factory", "eligo.web.app:app_factory", "--host", HOST, "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, env=env, cwd=REPO)


def wait_ready(base: str, probe: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(base + probe, timeout=5)
            if response.status_code < 500:
                return
            last = RuntimeError(f"{probe}: HTTP {response.status_code}: {response.text[:300]}")
        except httpx.HTTPError as error:
            last = error
        time.sleep(0.5)
    raise RuntimeError(f"server not ready after {timeout:.0f} s: {last}")


async def run_scenario(base: str, scenario: Scenario, concurrency: int, time_cap: float, *, cookies: bool) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sent = 0
    deadline = time.perf_counter() + time_cap

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < scenario.requests and time.perf_counter() < deadline:
            path = scenario.paths[sent % len(scenario.paths)]
            sent += 1
            started = time.perf_counter()
            try:
                if scenario.method == "POST":
                    response = await client.post(path, json=scenario.body)
                else:
                    response = await client.get(path)
                await response.aread()
            except httpx.HTTPError as error:
                scenario.errors[type(error).__name__] += 1
                continue
            scenario.latencies.append(time.perf_counter() - started)
            scenario.statuses[response.status_code] += 1
            if not cookies:
                client.cookies.clear()

    started = time.perf_counter()
    # One client (and cookie jar) per connection: each behaves as one visitor.
    clients = [httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) for _ in range(concurrency)]
    try:
        await asyncio.gather(*(one_client(client) for client in clients))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    scenario.seconds = time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="SQLite store (ideally with parsed criteria)")
    parser.add_argument("--url", default=None, help="any store URL instead of --store")
    parser.add_argument("--size", type=int, default=10_000, help="studies in the store (for trial ids)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000, help="per page scenario")
    parser.add_argument("--match-requests", type=int, default=200)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per scenario at most")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-cookies", action="store_true", help="every request a new visitor (no session cookie)")
    args = parser.parse_args()
    url = args.url or sqlite_url(args.store)

    rng = random.Random(args.seed)
    trial_paths = [f"/trials/{nct_id(rng.randrange(args.size))}" for _ in range(200)]
    scenarios = [
        Scenario("trial page", "GET", trial_paths, args.requests),
        Scenario("search page", "GET", ["/search?q=neuroblastoma&age=7"], args.requests),
        Scenario("api match", "POST", ["/api/match"], args.match_requests,
                 body={"profile": json.loads(EXAMPLE.read_text()), "on": "2026-11-20"}),
    ]
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = start_server(url, port, args.workers)
    rows = []
    try:
        wait_ready(base, trial_paths[0])
        for scenario in scenarios:
            # Warm both workers (templates, vocabularies, connections) before timing.
            warm = Scenario(scenario.name, scenario.method, scenario.paths, 2 * args.workers * 2, scenario.body)
            asyncio.run(run_scenario(base, warm, args.workers * 2, args.time_cap, cookies=not args.no_cookies))
            print(f"web: {scenario.name} ...", file=sys.stderr, flush=True)
            asyncio.run(run_scenario(base, scenario, args.concurrency, args.time_cap, cookies=not args.no_cookies))
            done = len(scenario.latencies)
            rows.append({
                "scenario": scenario.name,
                "requests": done,
                "seconds": round(scenario.seconds, 1),
                "req_per_s": round(done / scenario.seconds, 1) if scenario.seconds else 0.0,
                **{key: value for key, value in summarize_ms(scenario.latencies).items() if key != "n"},
                "statuses": dict(scenario.statuses),
                "errors": dict(scenario.errors),
            })
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    print_table(rows, ["scenario", "requests", "seconds", "req_per_s", "median_ms", "p95_ms", "p99_ms", "max_ms",
                       "statuses", "errors"])
    failures = sum(sum(n for code, n in row["statuses"].items() if code >= 500) + sum(row["errors"].values())
                   for row in rows)
    if failures:
        print(f"WARNING: {failures} requests failed (5xx or transport errors); latencies include them",
              file=sys.stderr)
    payload = {"rows": rows, "concurrency": args.concurrency, "cookies": not args.no_cookies}
    print(f"results: {save_results('web', payload)}", file=sys.stderr)


if __name__ == "__main__":
    main()
