"""Web latency under load: `eligo serve` with 2 workers on 127.0.0.1, a bounded asyncio + httpx load generator.

Scenarios: a trial page (GET /trials/{id}), a search page (GET /search?q=neuroblastoma&age=7) and a match
(POST /api/match with docs/examples/child-relapsed.json). Two kinds of run, both localhost only and bounded
in requests and time:

- closed loop (always): --concurrency connections each send a request as soon as the last one returned,
  until --requests are done or --time-cap seconds pass. Measures the most requests/s the server gives; the
  latency it reports is mostly queueing (Little's law: latency = connections / throughput).
- open loop (--rate R[,R...]): requests are scheduled at a fixed rate R for --duration seconds and sent over
  up to --concurrency connections; each latency is measured from the request's *scheduled* time, so time
  spent waiting for a free connection or in the server's queue counts (no coordinated omission). Requests
  still unsent --drain seconds after the last scheduled one are counted as "late", with the time they had
  waited as a lower bound of their latency (they are in the percentiles, never dropped).

Each row also gives the server's CPU milliseconds per request (its processes' user + system time over the
run): the service time, steadier than latency when the machine is shared. Clients keep the session cookie
the app sets, as a browser would (--no-cookies: each request a new visitor). The app writes sessions to the
store: point --store at a copy.

    .venv/bin/python benchmarks/bench_web.py --store /tmp/eligo-bench/web-10k.db --size 10000 --rate 20,50
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
import tempfile
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
REQUEST_TIMEOUT_S = 30.0


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
    late: int = 0

    def fresh(self, requests: int | None = None) -> Scenario:
        return Scenario(self.name, self.method, self.paths, self.requests if requests is None else requests, self.body)


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server and its worker processes (Linux /proc).

    Steadier than latency on a shared machine: it is the service time the requests cost, whatever else runs.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`eligo serve`, as users run it (its workers warm up, and share one socket with Nagle off)."""
    # The match API's per-client limit (30 a minute) is off: every request here comes from one address.
    env = {**os.environ, "ELIGO_DATABASE_URL": url, "ELIGO_ENV": "development", "ELIGO_API_MATCH_PER_MINUTE": "0"}
    eligo = Path(sys.executable).with_name("eligo")
    command = [str(eligo), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
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


def new_clients(base: str, count: int) -> list[httpx.AsyncClient]:
    # One client (and cookie jar) per connection: each behaves as one visitor.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return [httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT_S) for _ in range(count)]


async def send(client: httpx.AsyncClient, scenario: Scenario, index: int, since: float, *, cookies: bool) -> None:
    """One request; its latency counts from `since` (the send time, or the scheduled time in an open loop)."""
    path = scenario.paths[index % len(scenario.paths)]
    try:
        if scenario.method == "POST":
            response = await client.post(path, json=scenario.body)
        else:
            response = await client.get(path)
        await response.aread()
    except httpx.HTTPError as error:
        scenario.errors[type(error).__name__] += 1
        return
    scenario.latencies.append(time.perf_counter() - since)
    scenario.statuses[response.status_code] += 1
    if not cookies:
        client.cookies.clear()


async def closed_loop(base: str, scenario: Scenario, concurrency: int, time_cap: float, *, cookies: bool) -> None:
    sent = 0

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < scenario.requests and time.perf_counter() < deadline:
            index = sent
            sent += 1
            await send(client, scenario, index, time.perf_counter(), cookies=cookies)

    clients = new_clients(base, concurrency)
    started = time.perf_counter()
    deadline = started + time_cap
    try:
        await asyncio.gather(*(one_client(client) for client in clients))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    scenario.seconds = time.perf_counter() - started


async def open_loop(
    base: str, scenario: Scenario, rate: float, concurrency: int, drain: float, *, cookies: bool
) -> None:
    """scenario.requests arrivals, one every 1/rate seconds, over at most `concurrency` connections."""
    queue: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
    # Clients first: creating 50 of them takes a second or more (each loads a CA bundle), and arrivals
    # scheduled meanwhile would count that as latency.
    clients = new_clients(base, concurrency)
    started = time.perf_counter()
    last_arrival = started + (scenario.requests - 1) / rate
    deadline = last_arrival + drain

    async def schedule() -> None:
        for index in range(scenario.requests):
            at = started + index / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait((index, at))

    async def connection(client: httpx.AsyncClient) -> None:
        while True:
            index, at = await queue.get()
            if time.perf_counter() > deadline:
                # Never sent: count it, with the wait so far as a lower bound of its latency.
                scenario.late += 1
                scenario.latencies.append(time.perf_counter() - at)
            else:
                await send(client, scenario, index, at, cookies=cookies)
            queue.task_done()

    workers = [asyncio.create_task(connection(client)) for client in clients]
    try:
        await schedule()
        await queue.join()
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        await asyncio.gather(*(client.aclose() for client in clients))
    scenario.seconds = time.perf_counter() - started


WRK_SCRIPT = """
local paths = {%(paths)s}
local method, body = "%(method)s", %(body)s
local headers = {["Content-Type"] = "application/json"}
local n = 0
request = function()
  n = n + 1
  if method == "POST" then return wrk.format("POST", paths[(n %% #paths) + 1], headers, body) end
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%.3f %%.3f %%.3f %%.3f %%d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk_closed_loop(base: str, scenario: Scenario, concurrency: int, seconds: float, server_pid: int) -> dict[str, Any]:
    """Closed loop with wrk (C, Debian's package): the load generator costs the machine almost nothing.

    wrk keeps no cookies, so every request is a new visitor; non-2xx answers count as errors.
    """
    lua = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(path) for path in scenario.paths),
        "method": scenario.method,
        "body": json.dumps(json.dumps(scenario.body)) if scenario.body is not None else "nil",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        cpu = server_cpu_seconds(server_pid)
        command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "30s", "-s", script.name, base]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        cpu = server_cpu_seconds(server_pid) - cpu
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    requests, micros, median, p95, p99, longest, errors = line.split()[1:]
    done = int(requests)
    return {
        "scenario": scenario.name,
        "mode": f"closed (wrk, {concurrency} conn.)",
        "offered_per_s": "",
        "requests": done,
        "seconds": round(int(micros) / 1e6, 1),
        "req_per_s": round(done / (int(micros) / 1e6), 1),
        "median_ms": float(median),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
        "max_ms": float(longest),
        "statuses": {},
        "errors": {"wrk": int(errors)} if int(errors) else {},
        "late": 0,
        "server_cpu_ms_per_req": round(cpu * 1000 / done, 1) if done else 0.0,
    }


def row_of(scenario: Scenario, mode: str, offered: float | None, cpu_s: float) -> dict[str, Any]:
    done = len(scenario.latencies) - scenario.late
    return {
        "scenario": scenario.name,
        "mode": mode,
        "offered_per_s": offered if offered is not None else "",
        "requests": done,
        "seconds": round(scenario.seconds, 1),
        "req_per_s": round(done / scenario.seconds, 1) if scenario.seconds else 0.0,
        **{key: value for key, value in summarize_ms(scenario.latencies).items() if key != "n"},
        "statuses": dict(scenario.statuses),
        "errors": dict(scenario.errors),
        "late": scenario.late,
        "server_cpu_ms_per_req": round(cpu_s * 1000 / done, 1) if done else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="SQLite store (ideally with parsed criteria)")
    parser.add_argument("--url", default=None, help="any store URL instead of --store")
    parser.add_argument("--size", type=int, default=10_000, help="studies in the store (for trial ids)")
    parser.add_argument("--trial-ids", type=int, default=200, help="distinct trial pages requested")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--scenarios", default="trial,search,match", help="comma-separated: trial, search, match")
    parser.add_argument("--requests", type=int, default=1000, help="closed loop: per page scenario")
    parser.add_argument("--match-requests", type=int, default=200, help="closed loop: match scenario")
    parser.add_argument("--time-cap", type=float, default=60.0, help="closed loop: seconds per scenario at most")
    parser.add_argument("--no-closed", action="store_true", help="skip the closed-loop runs")
    parser.add_argument("--wrk", type=float, default=0.0, help="also a closed loop with wrk for this many seconds")
    parser.add_argument("--rate", default="", help="open loop: comma-separated offered rates, requests/s")
    parser.add_argument("--match-rate", default=None, help="open loop rates for the match scenario (default --rate)")
    parser.add_argument("--duration", type=float, default=20.0, help="open loop: seconds of arrivals per rate")
    parser.add_argument("--drain", type=float, default=30.0, help="open loop: seconds after the last arrival")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to wait after the first worker is ready")
    parser.add_argument("--no-cookies", action="store_true", help="every request a new visitor (no session cookie)")
    args = parser.parse_args()
    url = args.url or sqlite_url(args.store)
    rates = [float(rate) for rate in args.rate.split(",") if rate]
    match_rates = rates if args.match_rate is None else [float(rate) for rate in args.match_rate.split(",") if rate]
    cookies = not args.no_cookies

    rng = random.Random(args.seed)
    trial_paths = [f"/trials/{nct_id(rng.randrange(args.size))}" for _ in range(args.trial_ids)]
    known = {
        "trial": Scenario("trial page", "GET", trial_paths, args.requests),
        "search": Scenario("search page", "GET", ["/search?q=neuroblastoma&age=7"], args.requests),
        "match": Scenario(
            "api match",
            "POST",
            ["/api/match"],
            args.match_requests,
            body={"profile": json.loads(EXAMPLE.read_text()), "on": "2026-11-20"},
        ),
    }
    chosen = [known[name.strip()] for name in args.scenarios.split(",") if name.strip()]
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = start_server(url, port, args.workers)
    rows = []
    try:
        wait_ready(base, trial_paths[0])
        # The first worker answers as soon as it has warmed up; give the others time to finish theirs.
        time.sleep(args.settle)
        for template in chosen:
            # Warm both workers (templates, vocabularies, connections) before timing.
            warm = template.fresh(2 * args.workers * 2)
            asyncio.run(closed_loop(base, warm, args.workers * 2, args.time_cap, cookies=cookies))
            if not args.no_closed:
                print(f"web: {template.name}, closed loop ...", file=sys.stderr, flush=True)
                scenario = template.fresh()
                cpu = server_cpu_seconds(server.pid)
                asyncio.run(closed_loop(base, scenario, args.concurrency, args.time_cap, cookies=cookies))
                rows.append(row_of(scenario, "closed", None, server_cpu_seconds(server.pid) - cpu))
            if args.wrk:
                print(f"web: {template.name}, closed loop with wrk ...", file=sys.stderr, flush=True)
                rows.append(wrk_closed_loop(base, template, args.concurrency, args.wrk, server.pid))
            for rate in match_rates if template.name == "api match" else rates:
                print(f"web: {template.name}, open loop at {rate:g}/s ...", file=sys.stderr, flush=True)
                scenario = template.fresh(max(1, round(rate * args.duration)))
                cpu = server_cpu_seconds(server.pid)
                asyncio.run(open_loop(base, scenario, rate, args.concurrency, args.drain, cookies=cookies))
                rows.append(row_of(scenario, "open", rate, server_cpu_seconds(server.pid) - cpu))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    print_table(
        rows,
        [
            "scenario",
            "mode",
            "offered_per_s",
            "requests",
            "seconds",
            "req_per_s",
            "median_ms",
            "p95_ms",
            "p99_ms",
            "max_ms",
            "server_cpu_ms_per_req",
            "statuses",
            "errors",
            "late",
        ],
    )
    failures = sum(
        sum(n for code, n in row["statuses"].items() if code >= 500) + sum(row["errors"].values()) + row["late"]
        for row in rows
    )
    if failures:
        print(
            f"WARNING: {failures} requests failed (5xx, transport errors or never sent); see the table", file=sys.stderr
        )
    payload = {"rows": rows, "concurrency": args.concurrency, "cookies": cookies, "workers": args.workers}
    print(f"results: {save_results('web', payload)}", file=sys.stderr)


if __name__ == "__main__":
    main()
