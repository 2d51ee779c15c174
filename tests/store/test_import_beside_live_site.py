"""Imports beside a live site (issue #11, item 4), on SQLite and PostgreSQL: an import of 5,000 studies
while a visitor saves answers every 0.2 s loses neither studies nor answers, and two imports of the same
records at once both succeed without duplicating anything."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from store_builders import make_trial, site

from eligo.store import ImportSummary, TrialStore, open_store
from eligo.store.sessions import load_session, update_session
from eligo.store.tables import sites, trials
from eligo.trials.model import Eligibility, Trial

STUDIES = 5_000
SAVE_EVERY_SECONDS = 0.2


def generated(count: int, *, start: int = 1) -> Iterator[Trial]:
    for number in range(start, start + count):
        yield make_trial(
            f"NCT{number:08d}",
            eligibility=Eligibility(
                criteria="Inclusion Criteria:\n\n* Relapsed neuroblastoma\n\nExclusion Criteria:\n\n* Pregnancy",
                minimum_age="1 Year",
                maximum_age="21 Years",
            ),
            locations=(site(f"Hospital {number}", 51.5, -0.1), site(f"Clinic {number}", 40.7, -74.0)),
        )


class AnswerSaver(threading.Thread):
    """A visitor on the site: saves one more pre-screener answer every 0.2 s through the session store."""

    def __init__(self, database_url: str) -> None:
        super().__init__(name="answer-saver", daemon=True)
        self.store = open_store(database_url)
        self.stop = threading.Event()
        self.saved = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            while not self.stop.wait(SAVE_EVERY_SECONDS) or self.saved < 3:
                number = self.saved

                def answer(data: dict[str, Any], number: int = number) -> None:
                    data.setdefault("answers", {})[f"q{number}"] = "yes"

                now = datetime.now(UTC)
                update_session(self.store.engine, "visitor", answer, now + timedelta(hours=1), now)
                self.saved += 1
        except BaseException as error:  # the test reports it; a silent thread would pass
            self.errors.append(error)
        finally:
            self.store.close()


def test_an_import_of_5000_studies_beside_a_visitor_saving_answers_loses_nothing(database_url: str) -> None:
    store = open_store(database_url)
    saver = AnswerSaver(database_url)
    saver.start()
    try:
        summary = store.import_records(generated(STUDIES))
    finally:
        saver.stop.set()
        saver.join(timeout=120)
    assert not saver.errors, saver.errors
    assert (summary.imported, summary.failed, summary.problems) == (STUDIES, 0, [])
    data = load_session(store.engine, "visitor", datetime.now(UTC))
    assert data is not None
    assert sorted(data["answers"]) == sorted(f"q{n}" for n in range(saver.saved))
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(trials)) == STUDIES
    store.close()


def test_two_imports_of_the_same_records_at_once_both_succeed_without_duplicates(database_url: str) -> None:
    count = 2_000
    # Two stores, as two processes would have (opened here: Alembic's migration context is not thread-safe).
    importers = [open_store(database_url), open_store(database_url)]
    results: list[ImportSummary] = []
    errors: list[BaseException] = []

    def run(store: TrialStore) -> None:
        try:
            results.append(store.import_records(generated(count), batch_size=200))
        except BaseException as error:  # the test reports it; a silent thread would pass
            errors.append(error)
        finally:
            store.close()

    workers = [threading.Thread(target=run, args=(store,)) for store in importers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    assert not errors, errors
    assert len(results) == 2
    for summary in results:
        assert (summary.failed, summary.problems) == (0, [])
        assert summary.imported + summary.updated + summary.unchanged == count
    store = open_store(database_url)
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(trials)) == count
        assert connection.scalar(select(func.count()).select_from(sites)) == 2 * count
    store.close()
