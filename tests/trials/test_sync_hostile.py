"""A hostile API page (issue #11, item 2): a study nested 1,000 levels or holding a 5,000-digit number used to
crash `eligo sync` with a RecursionError; now that study is named and the rest of the page imports.

The page is served by httpx's in-process transport because the fake registry server serialises Python
objects and cannot send a document nested deeper than Python's own recursion limit."""

from __future__ import annotations

import json

import httpx
from tests.support.studies import study_bytes, with_raw_enrollment

from eligo.store import TrialStore
from eligo.trials.sync import SyncClient, SyncQuery, sync


def hostile_page(request: httpx.Request) -> httpx.Response:
    deep = b'{"protocolSection": ' + b"[" * 1_000 + b"]" * 1_000 + b"}"
    studies = [study_bytes(1), deep, study_bytes(3), with_raw_enrollment(4, b"7" * 5_000), study_bytes(5)]
    body = b'{"studies": [' + b", ".join(studies) + b'], "totalCount": 5}'
    return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})


def test_a_hostile_study_in_a_page_is_named_and_the_rest_import(store: TrialStore) -> None:
    client = SyncClient("https://registry.test", transport=httpx.MockTransport(hostile_page), sleep=lambda _: None)
    with client:
        report = sync(store, client, SyncQuery(cond="neuroblastoma"), full=True)
    assert (report.studies, report.imported, report.failed) == (5, 3, 2)
    deep_problem, number_problem = report.problems
    assert "study 2 of the first page" in deep_problem and "nested deeper than 64 levels" in deep_problem
    assert "study 4 of the first page" in number_problem and "longer than 40 digits" in number_problem
    assert report.completed and report.total_count == 5
    assert [store.get(f"NCT0000000{n}") is not None for n in (1, 3, 5)] == [True, True, True]
    assert json.loads(json.dumps(report.problems))  # plain text, printable
