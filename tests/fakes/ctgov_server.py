"""A real local HTTP server that answers /api/v2/studies like ClinicalTrials.gov, with faults on request."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.data import V2_JSON, sample_files

_RANGE = re.compile(r"^AREA\[LastUpdatePostDate\]RANGE\[([^,\]]+),([^\]]+)\]$")


def load_v2_samples(directory: Path = V2_JSON) -> list[dict[str, Any]]:
    """The real registry records in API v2 shape (top-level "protocolSection"), in NCT id order."""
    studies = []
    for path in sample_files(directory, "*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record, dict) and "protocolSection" in record:
            studies.append(record)
    return studies


def nct_id(study: dict[str, Any]) -> str:
    return str(study.get("protocolSection", {}).get("identificationModule", {}).get("nctId", ""))


def _status(study: dict[str, Any]) -> str | None:
    value = study.get("protocolSection", {}).get("statusModule", {}).get("overallStatus")
    return str(value) if value else None


def _last_update(study: dict[str, Any]) -> str | None:
    struct = study.get("protocolSection", {}).get("statusModule", {}).get("lastUpdatePostDateStruct") or {}
    value = struct.get("date")
    return str(value) if value else None


def _conditions(study: dict[str, Any]) -> list[str]:
    module = study.get("protocolSection", {}).get("conditionsModule", {})
    return [str(c) for c in module.get("conditions", []) + module.get("keywords", [])]


@dataclass
class Faults:
    """Scripted misbehaviour, keyed by page number (0 = first page); each one-shot fault fires once."""

    rate_limit: dict[int, str] = field(default_factory=dict)  # page -> Retry-After header value
    unavailable: set[int] = field(default_factory=set)  # 503 on first hit
    truncated: set[int] = field(default_factory=set)  # body cut in half on first hit
    always_truncated: set[int] = field(default_factory=set)  # body cut in half every time
    repeat_token_on: int | None = None  # this page (>= 1) answers with its own token as the next one
    fired: set[tuple[str, int]] = field(default_factory=set)

    def once(self, kind: str, page: int, pages: set[int] | dict[int, str]) -> bool:
        if page not in pages or (kind, page) in self.fired:
            return False
        self.fired.add((kind, page))
        return True


@dataclass(frozen=True)
class Request:
    path: str
    params: dict[str, str]
    status: int

    @property
    def page_token(self) -> str | None:
        return self.params.get("pageToken")


class FakeCtGov:
    """Serves `studies`; tokens are opaque to clients but readable here ("tok-5" starts at study 5)."""

    def __init__(self, studies: Sequence[dict[str, Any]]) -> None:
        self.studies = sorted(studies, key=nct_id)
        self.faults = Faults()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self.url = ""

    def study_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/api/v2/studies"]

    def answer(self, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
        params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
        with self._lock:
            status, headers, body = self._answer(path, params)
            self.requests.append(Request(path, params, status))
        return status, headers, body

    def _answer(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path != "/api/v2/studies":
            return _error(404, f"no such endpoint: {path}")
        try:
            matching = self._filter(params)
            size = int(params.get("pageSize", "10"))
            start = _token_offset(params.get("pageToken"))
        except ValueError as error:
            return _error(400, str(error))
        page_number = start // size
        if self.faults.once("rate_limit", page_number, self.faults.rate_limit):
            return 429, {"Retry-After": self.faults.rate_limit[page_number]}, b'{"message": "Too Many Requests"}'
        if self.faults.once("unavailable", page_number, self.faults.unavailable):
            return _error(503, "Service Unavailable")
        body: dict[str, Any] = {"studies": matching[start : start + size]}
        if start + size < len(matching):
            # A buggy server handing back the token the client just used (page 1 or later).
            repeat = self.faults.repeat_token_on == page_number and start > 0
            body["nextPageToken"] = _token(start if repeat else start + size)
        if params.get("countTotal") == "true":
            body["totalCount"] = len(matching)
        encoded = json.dumps(body).encode()
        truncate = self.faults.once("truncated", page_number, self.faults.truncated)
        if truncate or page_number in self.faults.always_truncated:
            encoded = encoded[: len(encoded) // 2]
        return 200, {"Content-Type": "application/json"}, encoded

    def _filter(self, params: dict[str, str]) -> list[dict[str, Any]]:
        studies = self.studies
        cond = params.get("query.cond", "").casefold()
        if cond:
            studies = [s for s in studies if any(cond in c.casefold() for c in _conditions(s))]
        term = params.get("query.term", "").casefold()
        if term:
            studies = [s for s in studies if term in json.dumps(s).casefold()]
        statuses = {word for word in params.get("filter.overallStatus", "").split(",") if word}
        if statuses:
            studies = [s for s in studies if _status(s) in statuses]
        advanced = params.get("filter.advanced")
        if advanced:
            match = _RANGE.match(advanced)
            if match is None:
                raise ValueError(f"unsupported filter.advanced: {advanced}")
            low, high = (None if bound in ("MIN", "MAX") else bound for bound in match.groups())
            studies = [s for s in studies if _in_range(_last_update(s), low, high)]
        return studies


def _in_range(day: str | None, low: str | None, high: str | None) -> bool:
    # A study with no update date cannot satisfy a date range, as on the real registry.
    return day is not None and (low is None or day >= low) and (high is None or day <= high)


def _token(offset: int) -> str:
    return f"tok-{offset}"


def _token_offset(token: str | None) -> int:
    if token is None:
        return 0
    if not token.startswith("tok-") or not token[4:].isdigit():
        raise ValueError(f"invalid pageToken: {token}")
    return int(token[4:])


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()


def _handler_for(fake: FakeCtGov) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, headers, body = fake.answer(parts.path, parts.query)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return Handler


@contextmanager
def running_fake_ctgov(studies: Sequence[dict[str, Any]] | None = None) -> Iterator[FakeCtGov]:
    """Start the fake on 127.0.0.1 on a free port in a thread; stop it on exit."""
    fake = FakeCtGov(load_v2_samples() if studies is None else studies)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    thread = threading.Thread(target=server.serve_forever, name="fake-ctgov", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    fake.url = f"http://{host!s}:{port}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
