"""Live sync against a real local HTTP server serving real registry records, into a real store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from tests.fakes.ctgov_server import FakeCtGov, load_v2_samples, running_fake_ctgov

from eligo.store import TrialStore, open_store
from eligo.trials.sync import (
    Page,
    SyncClient,
    SyncError,
    SyncQuery,
    SyncReport,
    cursor_key,
    last_synced_key,
    retry_after_seconds,
    sync,
)

ALL = SyncQuery(cond=None)
# 13 records in v2 shape, 12 distinct ids (NCT02278341.json holds NCT02552212 again); 5 a page -> 3 pages.
SAMPLE_COUNT = 13
DISTINCT_IDS = 12
FIRST_RUN = datetime(2023, 1, 2, 9, 30, tzinfo=UTC)


class Crash(RuntimeError):
    pass


@pytest.fixture
def server() -> Iterator[FakeCtGov]:
    with running_fake_ctgov() as fake:
        yield fake


@pytest.fixture
def trial_store(database_url: str) -> Iterator[TrialStore]:
    opened = open_store(database_url)
    try:
        yield opened
    finally:
        opened.close()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def client_for(server: FakeCtGov, sleeps: Sleeps, **options: Any) -> SyncClient:
    settings: dict[str, Any] = {"page_size": 5, "sleep": sleeps, "jitter": lambda: 1.0, "timeout": 5} | options
    return SyncClient(server.url, **settings)


def at(moment: datetime) -> Any:
    return lambda: moment


# -- the client alone ------------------------------------------------------------------------------


def test_pages_follow_next_page_token_in_api_v2_shape(server: FakeCtGov, sleeps: Sleeps) -> None:
    query = SyncQuery(cond=None, statuses=("COMPLETED", "UNKNOWN"))
    with client_for(server, sleeps) as client:
        pages = list(client.iter_pages(query))
    assert [len(p.studies) for p in pages] == [5, 4]
    assert [p.page_token for p in pages] == [None, "tok-5"]
    assert pages[0].total_count == 9 and pages[-1].next_page_token is None
    first, second = (r.params for r in server.study_requests())
    assert first == {
        "format": "json",
        "filter.overallStatus": "COMPLETED,UNKNOWN",
        "pageSize": "5",
        "countTotal": "true",
    }
    assert second["pageToken"] == "tok-5" and "countTotal" not in second
    assert sleeps == []


def test_condition_and_update_window_are_sent_as_api_v2_parameters(server: FakeCtGov, sleeps: Sleeps) -> None:
    with client_for(server, sleeps) as client:
        pages = list(client.iter_pages(SyncQuery(cond="spondyloarthritis"), since=date(2022, 1, 1)))
    (request,) = server.study_requests()
    assert request.params["query.cond"] == "spondyloarthritis"
    assert request.params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2022-01-01,MAX]"
    assert {study["protocolSection"]["identificationModule"]["nctId"] for study in pages[0].studies} == {"NCT02552212"}


def test_429_honours_retry_after(server: FakeCtGov, sleeps: Sleeps) -> None:
    server.faults.rate_limit[1] = "7"
    with client_for(server, sleeps) as client:
        pages = list(client.iter_pages(ALL))
    assert sum(len(p.studies) for p in pages) == SAMPLE_COUNT
    assert sleeps == [7.0]
    assert [r.status for r in server.study_requests()] == [200, 429, 200, 200]


def test_503_is_retried_with_backoff(server: FakeCtGov, sleeps: Sleeps) -> None:
    server.faults.unavailable.add(0)
    with client_for(server, sleeps, backoff_base=0.5) as client:
        pages = list(client.iter_pages(ALL))
    assert len(pages) == 3
    assert sleeps == [0.5]


def test_truncated_body_is_retried(server: FakeCtGov, sleeps: Sleeps) -> None:
    server.faults.truncated.add(2)
    with client_for(server, sleeps) as client:
        pages = list(client.iter_pages(ALL))
    assert sum(len(p.studies) for p in pages) == SAMPLE_COUNT
    assert len(sleeps) == 1


def test_a_page_that_stays_broken_fails_naming_its_token(server: FakeCtGov, sleeps: Sleeps) -> None:
    server.faults.always_truncated.add(1)
    with client_for(server, sleeps, max_retries=3, backoff_base=0.5) as client, pytest.raises(SyncError) as error:
        list(client.iter_pages(ALL))
    assert "'tok-5'" in str(error.value) and "4 attempts" in str(error.value)
    assert sleeps == [0.5, 1.0, 2.0]  # exponential (jitter pinned to its maximum)


def test_jitter_spreads_retries_below_the_exponential_ceiling(server: FakeCtGov, sleeps: Sleeps) -> None:
    server.faults.always_truncated.add(0)
    with client_for(server, sleeps, max_retries=2, jitter=lambda: 0.0) as client, pytest.raises(SyncError):
        list(client.iter_pages(ALL))
    assert sleeps == [0.25, 0.5]


def test_connection_errors_are_retried_then_reported(sleeps: Sleeps) -> None:
    with running_fake_ctgov([]) as fake:
        dead_url = fake.url  # nothing listens here once the fake has stopped
    with SyncClient(dead_url, max_retries=2, sleep=sleeps, timeout=2) as client, pytest.raises(SyncError) as error:
        list(client.iter_pages(ALL))
    assert "the first page" in str(error.value) and "ConnectError" in str(error.value)
    assert len(sleeps) == 2


def test_client_errors_are_not_retried(server: FakeCtGov, sleeps: Sleeps) -> None:
    with client_for(server, sleeps) as client, pytest.raises(SyncError, match="HTTP 400"):
        list(client.iter_pages(ALL, resume_token="not-a-token"))
    assert sleeps == [] and len(server.study_requests()) == 1


def test_a_repeated_page_token_stops_instead_of_looping(
    server: FakeCtGov, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    server.faults.repeat_token_on = 1
    with client_for(server, sleeps) as client, caplog.at_level(logging.WARNING, logger="eligo.trials.sync"):
        pages = list(client.iter_pages(ALL))
    assert len(pages) == 2 and pages[-1].next_page_token is None
    assert pages[-1].warning is not None and "'tok-5' again" in pages[-1].warning
    assert "stopped paging" in caplog.text
    assert len(server.study_requests()) == 2


@pytest.mark.parametrize(("value", "expected"), [("7", 7.0), ("0.5", 0.5), ("-3", 0.0), (None, None), ("soon", None)])
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = retry_after_seconds(later)
    assert seconds is not None and 25 <= seconds <= 30


# -- sync into a real store ------------------------------------------------------------------------


def test_full_sync_imports_every_page_through_the_importer(
    server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore
) -> None:
    seen: list[int] = []
    with client_for(server, sleeps) as client:
        report = sync(trial_store, client, ALL, on_page=lambda page, r: seen.append(r.pages), now=at(FIRST_RUN))
    assert (report.pages, report.studies, report.total_count) == (3, SAMPLE_COUNT, SAMPLE_COUNT)
    assert report.imported == DISTINCT_IDS and report.failed == 0
    assert report.imported + report.updated + report.unchanged + report.skipped == SAMPLE_COUNT
    assert report.completed and report.resumed_from is None and report.since is None
    assert seen == [1, 2, 3]
    assert trial_store.count() == DISTINCT_IDS
    stored = trial_store.get("NCT06171568")
    assert stored is not None and stored.overall_status == "NOT_YET_RECRUITING"
    assert stored.provenance is not None and (stored.provenance.source_file or "").startswith(server.url)
    assert trial_store.get_sync_state(last_synced_key(ALL)) == "2023-01-02"
    assert trial_store.get_sync_state(cursor_key(ALL)) is None


def test_next_run_asks_only_for_studies_updated_since_the_last_run(
    server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore
) -> None:
    with client_for(server, sleeps) as client:
        sync(trial_store, client, ALL, now=at(FIRST_RUN))
        server.requests.clear()
        report = sync(trial_store, client, ALL, now=at(datetime(2024, 3, 1, tzinfo=UTC)))
    (request,) = server.study_requests()
    assert request.params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2023-01-02,MAX]"
    assert report.since == date(2023, 1, 2)
    assert (report.studies, report.unchanged, report.imported) == (1, 1, 0)  # NCT06171568, updated 2023-12-14
    assert trial_store.get_sync_state(last_synced_key(ALL)) == "2024-03-01"


def test_explicit_since_and_full(server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore) -> None:
    with client_for(server, sleeps) as client:
        recent = sync(trial_store, client, ALL, since=date(2022, 1, 1), now=at(FIRST_RUN))
        everything = sync(trial_store, client, ALL, full=True, now=at(FIRST_RUN))
    assert recent.studies == 4  # updated 2022-08-18 (the same id twice), 2022-11-21 and 2023-12-14
    assert everything.studies == SAMPLE_COUNT and everything.since is None
    assert "filter.advanced" not in server.study_requests()[-1].params


def test_interrupted_run_resumes_from_the_saved_page_token(
    server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore
) -> None:
    def crash_after_first_page(page: Page, report: SyncReport) -> None:
        if report.pages == 1:
            raise Crash("power cut")

    with client_for(server, sleeps) as client:
        with pytest.raises(Crash):
            sync(trial_store, client, ALL, on_page=crash_after_first_page, now=at(FIRST_RUN))
        cursor = trial_store.get_sync_state(cursor_key(ALL))
        assert isinstance(cursor, dict)
        assert cursor["next_page_token"] == "tok-5" and cursor["started_at"] == FIRST_RUN.isoformat()
        assert trial_store.get_sync_state(last_synced_key(ALL)) is None
        assert trial_store.count() == 5

        server.requests.clear()
        report = sync(trial_store, client, ALL, now=at(datetime(2023, 1, 5, tzinfo=UTC)))

    assert report.resumed_from == "tok-5" and report.completed
    assert [r.page_token for r in server.study_requests()] == ["tok-5", "tok-10"]  # page one not fetched again
    assert report.studies == SAMPLE_COUNT - 5
    assert trial_store.count() == DISTINCT_IDS
    # The resumed run completes the window the interrupted one began.
    assert trial_store.get_sync_state(last_synced_key(ALL)) == "2023-01-02"
    assert trial_store.get_sync_state(cursor_key(ALL)) is None


def test_a_cursor_from_another_query_is_not_resumed(server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore) -> None:
    other = SyncQuery(cond=None, statuses=("COMPLETED",))
    trial_store.set_sync_state(cursor_key(ALL), {"query": other.key + ":all", "next_page_token": "tok-5"})
    with client_for(server, sleeps) as client:
        report = sync(trial_store, client, ALL, now=at(FIRST_RUN))
    assert report.resumed_from is None and report.studies == SAMPLE_COUNT


def test_failed_page_keeps_the_cursor_for_the_next_run(
    server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore
) -> None:
    server.faults.always_truncated.add(2)
    with client_for(server, sleeps, max_retries=1) as client:
        with pytest.raises(SyncError, match="'tok-10'"):
            sync(trial_store, client, ALL, now=at(FIRST_RUN))
        server.faults.always_truncated.clear()
        report = sync(trial_store, client, ALL, now=at(FIRST_RUN))
    assert report.resumed_from == "tok-10" and report.studies == 3 and report.completed


def test_repeated_token_does_not_advance_the_update_window(
    server: FakeCtGov, sleeps: Sleeps, trial_store: TrialStore
) -> None:
    server.faults.repeat_token_on = 1
    with client_for(server, sleeps) as client:
        report = sync(trial_store, client, ALL, now=at(FIRST_RUN))
    assert report.pages == 2 and not report.completed and report.warnings
    assert trial_store.get_sync_state(last_synced_key(ALL)) is None
    assert trial_store.get_sync_state(cursor_key(ALL)) is None


def test_a_malformed_study_is_counted_and_named_while_the_rest_import(sleeps: Sleeps, trial_store: TrialStore) -> None:
    good = load_v2_samples()[:2]
    broken: dict[str, Any] = {"protocolSection": {"identificationModule": {"nctId": "not an id"}}}
    with running_fake_ctgov([*good, broken]) as fake, client_for(fake, sleeps) as client:
        report = sync(trial_store, client, ALL, now=at(FIRST_RUN))
    assert (report.imported, report.failed) == (2, 1)
    assert len(report.problems) == 1
