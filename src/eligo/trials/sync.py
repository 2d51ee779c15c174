"""Live sync from the ClinicalTrials.gov API v2: paging, retries, and a resumable cursor kept in the store."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from eligo.trials.ctgov_v2 import study_to_trial
from eligo.trials.json_bounds import JsonBoundsError, decode, split_array
from eligo.trials.limits import bounded
from eligo.trials.model import ImportNote, ImportProblem, Trial

logger = logging.getLogger(__name__)

STUDIES_PATH = "/api/v2/studies"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A server asking us to wait longer than this is treated as down: fail and let the next run resume.
MAX_WAIT_SECONDS = 300.0

RawStudy = dict[str, Any]


class SyncError(RuntimeError):
    """The registry could not be read; the message names the page so a re-run can be reasoned about."""


@dataclass(frozen=True)
class SyncQuery:
    """Which studies to fetch, in API v2 words (statuses such as RECRUITING, NOT_YET_RECRUITING)."""

    cond: str | None = "neuroblastoma"
    term: str | None = None
    statuses: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable short id of the query: sync state for one query never clobbers another's."""
        payload = json.dumps([self.cond, self.term, sorted(self.statuses)])
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def params(self, since: date | None) -> dict[str, str]:
        params: dict[str, str] = {"format": "json"}
        if self.cond:
            params["query.cond"] = self.cond
        if self.term:
            params["query.term"] = self.term
        if self.statuses:
            params["filter.overallStatus"] = ",".join(self.statuses)
        if since is not None:
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
        return params


@dataclass(frozen=True)
class Page:
    studies: list[RawStudy]
    next_page_token: str | None
    # The token this page was asked for with (None for the first page) and the URL it came from.
    page_token: str | None = None
    url: str = ""
    total_count: int | None = None
    # Set when paging stopped early because the server misbehaved (a repeated page token).
    warning: str | None = None
    # Studies of the page that could not be read (too deep, a huge number, bad UTF-8): (index, why).
    refused: tuple[tuple[int, str], ...] = ()
    # Each study's index in the page as served (studies refused above leave gaps).
    positions: tuple[int, ...] = ()


def _describe(token: str | None) -> str:
    return "the first page" if token is None else f"page token {token!r}"


class SyncClient:
    """Reads study pages from an API v2 server, retrying what is worth retrying."""

    def __init__(
        self,
        base_url: str,
        *,
        page_size: int = 100,
        max_retries: int = 6,
        backoff_base: float = 0.5,
        timeout: float = 30,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not 1 <= page_size <= 1000:
            raise ValueError(f"page_size must be between 1 and 1000 (the API's limit), got {page_size}")
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self._sleep = sleep
        self._jitter = jitter
        self._http = httpx.Client(timeout=timeout, transport=transport, headers={"Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def iter_pages(
        self, query: SyncQuery, *, resume_token: str | None = None, since: date | None = None
    ) -> Iterator[Page]:
        """Every page of the query, starting at `resume_token` when given; stops on a repeated token."""
        base = query.params(since) | {"pageSize": str(self.page_size)}
        seen: set[str] = set()
        token = resume_token
        while True:
            params = dict(base)
            if token is None:
                params["countTotal"] = "true"
            else:
                params["pageToken"] = token
                seen.add(token)
            page = self._fetch(params, token)
            if page.next_page_token is not None and page.next_page_token in seen:
                warning = (
                    f"the registry returned {_describe(page.next_page_token)} again after {_describe(token)}; "
                    "stopped paging instead of looping"
                )
                logger.warning(warning)
                yield Page(page.studies, None, token, page.url, page.total_count, warning, page.refused, page.positions)
                return
            yield page
            if page.next_page_token is None:
                return
            token = page.next_page_token

    def _fetch(self, params: dict[str, str], token: str | None) -> Page:
        url = f"{self.base_url}{STUDIES_PATH}"
        attempt = 0
        while True:
            retry_after: float | None = None
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as error:  # connect errors, timeouts, a connection cut mid-body
                failure = f"{type(error).__name__}: {error}"
            else:
                if response.status_code in RETRY_STATUSES:
                    failure = f"HTTP {response.status_code}"
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                elif response.is_error:
                    raise SyncError(
                        f"the registry refused {_describe(token)} with HTTP {response.status_code}: "
                        f"{response.text[:300]}"
                    )
                else:
                    try:
                        return _parse_page(response, token)
                    except ValueError as error:
                        failure = f"invalid response body: {error}"
            if attempt >= self.max_retries:
                raise SyncError(f"gave up on {_describe(token)} after {attempt + 1} attempts; last failure: {failure}")
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if delay > MAX_WAIT_SECONDS:
                raise SyncError(f"the registry asked to wait {delay:.0f} s before {_describe(token)}; try again later")
            logger.warning("%s failed (%s); retrying in %.1f s", _describe(token), failure, delay)
            self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many clients do not retry in step."""
        ceiling = self.backoff_base * 2.0**attempt
        return ceiling / 2 + self._jitter() * ceiling / 2


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delay-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _parse_page(response: httpx.Response, token: str | None) -> Page:
    """Raises ValueError for a body that is not a complete API v2 page (e.g. cut off in transit).

    The studies are cut out one by one with their depth and number sizes bounded, so a hostile study is
    named and skipped (its neighbours import) and can neither exhaust the stack nor the memory.
    """
    content = response.content
    studies: list[RawStudy] = []
    refused: list[tuple[int, str]] = []
    positions: list[int] = []
    first = last = None
    try:
        for item in split_array(io.BytesIO(content), ("studies",)):
            first = item.start if first is None else first
            last = item.end
            if item.data is None:
                refused.append((item.index, item.problem or "unreadable"))
                continue
            try:
                study = decode(item.data, checked=True)
            except JsonBoundsError as error:
                refused.append((item.index, str(error)))
                continue
            if isinstance(study, dict):
                studies.append(study)
                positions.append(item.index)
            else:
                refused.append((item.index, f"expected a study object, got {type(study).__name__}"))
        # What is left without the studies (the page token, the count) is small and bounded in turn.
        body = decode(content if first is None or last is None else content[:first] + content[last:])
    except JsonBoundsError as error:
        raise ValueError(str(error)) from None
    if not isinstance(body, dict) or not isinstance(body.get("studies", []), list):
        raise ValueError("expected an object with a 'studies' list")
    next_token = body.get("nextPageToken")
    total = body.get("totalCount")
    return Page(
        studies=studies,
        next_page_token=str(next_token) if next_token else None,
        page_token=token,
        url=str(response.url),
        total_count=int(total) if isinstance(total, int) else None,
        refused=tuple(refused),
        positions=tuple(positions),
    )


# -- sync ------------------------------------------------------------------------------------------


class ImportSummaryLike(Protocol):
    imported: int
    updated: int
    unchanged: int
    skipped: int
    failed: int
    problems: list[str]
    warnings: list[str]


class SyncStore(Protocol):
    """What sync needs from a store (eligo.store.TrialStore provides it)."""

    def import_records(self, items: Iterable[Any]) -> ImportSummaryLike: ...

    def get_sync_state(self, key: str) -> Any: ...

    def set_sync_state(self, key: str, value: Any) -> None: ...


@dataclass
class SyncReport:
    pages: int = 0
    studies: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)
    # The page token this run started from when it continued an interrupted run.
    resumed_from: str | None = None
    since: date | None = None
    total_count: int | None = None
    completed: bool = False
    warnings: list[str] = field(default_factory=list)
    # Studies imported with something left out or trimmed (an empty list entry, an over-long title), named.
    record_warnings: list[str] = field(default_factory=list)

    def add(self, page: Page, summary: ImportSummaryLike) -> None:
        self.pages += 1
        self.studies += len(page.studies) + len(page.refused)
        self.imported += summary.imported
        self.updated += summary.updated
        self.unchanged += summary.unchanged
        self.skipped += summary.skipped
        self.failed += summary.failed
        self.problems.extend(summary.problems)
        self.record_warnings.extend(summary.warnings)
        if page.total_count is not None:
            self.total_count = page.total_count
        if page.warning:
            self.warnings.append(page.warning)


def cursor_key(query: SyncQuery) -> str:
    return f"ctgov_sync:{query.key}:cursor"


def last_synced_key(query: SyncQuery) -> str:
    return f"ctgov_sync:{query.key}:last_synced"


def sync(
    store: SyncStore,
    client: SyncClient,
    query: SyncQuery,
    *,
    since: date | None = None,
    full: bool = False,
    on_page: Callable[[Page, SyncReport], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SyncReport:
    """Fetch the query's studies page by page and import each page through the store.

    `since` asks only for studies updated on or after that date; without it the run
    continues from the last completed run's start date (`full=True` fetches everything).
    An interrupted run with the same query and window resumes from its saved page token.
    """
    started_at = now()
    if since is None and not full:
        last = store.get_sync_state(last_synced_key(query))
        since = date.fromisoformat(last) if isinstance(last, str) else None
    run_id = f"{query.key}:{since.isoformat() if since else 'all'}"

    resume_token: str | None = None
    cursor = store.get_sync_state(cursor_key(query))
    if isinstance(cursor, dict) and cursor.get("query") == run_id and cursor.get("next_page_token"):
        resume_token = str(cursor["next_page_token"])
        # The window the interrupted run began is the one this run completes.
        started_at = datetime.fromisoformat(str(cursor["started_at"]))
        logger.info("resuming sync of %s from page token %r", run_id, resume_token)

    report = SyncReport(resumed_from=resume_token, since=since)
    for page in client.iter_pages(query, resume_token=resume_token, since=since):
        summary = store.import_records(_to_records(page))
        report.add(page, summary)
        if page.next_page_token is not None:
            state = {"query": run_id, "next_page_token": page.next_page_token, "started_at": started_at.isoformat()}
            store.set_sync_state(cursor_key(query), state)
        if on_page is not None:
            on_page(page, report)

    store.set_sync_state(cursor_key(query), None)
    if report.warnings:
        # Pages may have been missed: keep the old window so the next run asks again.
        return report
    store.set_sync_state(last_synced_key(query), started_at.date().isoformat())
    report.completed = True
    return report


def _to_records(page: Page) -> Iterator[Trial | ImportProblem | ImportNote]:
    """Map raw studies with the same importer as files; a bad study becomes an ImportProblem."""
    for index, why in page.refused:
        yield ImportProblem(why, file=page.url, record=f"study {index + 1} of {_describe(page.page_token)}")
    for order, study in enumerate(page.studies):
        index = page.positions[order] if order < len(page.positions) else order
        notes: list[ImportNote] = []
        try:
            trial = study_to_trial(study, source_file=page.url, member=None, notes=notes)
        except ImportProblem as problem:
            if problem.record is None:
                problem.record = f"study {index + 1} of {_describe(page.page_token)}"
            yield problem
            continue
        yield from bounded(trial, notes, file=page.url, record=trial.nct_id)
