"""Bulk import: counts, idempotence, one study's failure contained to that study, overlays."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from store_builders import make_trial, site

from eligo import ingest
from eligo.store import ImportSummary, SearchQuery, TrialStore, UpsertOutcome
from eligo.store.rows import age_columns
from eligo.trials.model import Eligibility, ImportProblem, Location, Trial
from eligo.trials.overlay import OverlayPatch


def _snapshot(store: TrialStore) -> dict[str, Any]:
    """Everything a failed study could have left behind: row counts per table and each trial's content hash."""
    with store.engine.connect() as connection:
        fts = (
            "SELECT count(*) FROM trials_fts"
            if store.dialect == "sqlite"
            else "SELECT count(*) FROM trials WHERE search_vector IS NOT NULL"
        )
        return {
            "trials": dict(connection.execute(text("SELECT nct_id, content_hash FROM trials")).all()),
            "sites": connection.scalar(text("SELECT count(*) FROM sites")),
            "criteria": connection.scalar(text("SELECT count(*) FROM criteria")),
            "fts": connection.scalar(text(fts)),
        }


def _fail_sites_named_boom(store: TrialStore) -> None:
    """A real database error for one study: a trigger that refuses one site."""
    with store.engine.begin() as connection:
        if store.dialect == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER boom BEFORE INSERT ON sites WHEN NEW.facility = 'BOOM' "
                    "BEGIN SELECT RAISE(ABORT, 'site refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.facility = 'BOOM' THEN RAISE EXCEPTION 'site refused'; END IF; RETURN NEW; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            connection.execute(text("CREATE TRIGGER boom BEFORE INSERT ON sites FOR EACH ROW EXECUTE FUNCTION boom()"))


def _trials(count: int, **changes: Any) -> list[Trial]:
    return [make_trial(f"NCT{n:08d}", **changes) for n in range(1, count + 1)]


def test_import_counts_and_reimport_is_unchanged(store: TrialStore) -> None:
    first = store.import_records(_trials(12), batch_size=5)
    assert (first.imported, first.updated, first.unchanged, first.failed) == (12, 0, 0, 0)
    again = store.import_records(_trials(12), batch_size=5)
    assert (again.imported, again.unchanged) == (0, 12)
    newer = store.import_records(_trials(3, last_update_date="2025-01-01"))
    older = store.import_records(_trials(2, last_update_date="2020-01-01"))
    assert (newer.updated, older.skipped) == (3, 2)
    assert store.count() == 12


def test_problems_count_as_failed(store: TrialStore) -> None:
    problem = ImportProblem("missing NCTId", file="bad.json", record="3")
    summary = store.import_records([make_trial("NCT00000001"), problem, "not a record"])
    assert (summary.imported, summary.failed) == (1, 2)
    assert summary.problems[0] == "bad.json: record 3: missing NCTId"
    assert "str" in summary.problems[1]


def test_derive_criteria_raising_loses_only_that_study(store: TrialStore) -> None:
    def derive(trial: Trial) -> tuple[str, str]:
        if trial.nct_id == "NCT00000003":
            raise ValueError("parser choked")
        return ("v1", f'{{"id": "{trial.nct_id}"}}')

    summary = store.import_records(_trials(5), derive_criteria=derive, batch_size=2)
    assert (summary.imported, summary.failed) == (4, 1)
    assert summary.problems == ["NCT00000003: ValueError: parser choked"]
    assert store.get("NCT00000003") is None
    assert store.get_criteria("NCT00000004") == ("v1", '{"id": "NCT00000004"}')
    assert store.count() == 4


def test_database_error_rolls_back_only_that_study(store: TrialStore) -> None:
    store.import_records(_trials(4, locations=(site("Fine", 1.0, 1.0),)), derive_criteria=lambda t: ("v1", "{}"))
    _fail_sites_named_boom(store)
    before = _snapshot(store)

    updates = _trials(4, last_update_date="2025-01-01", locations=(site("Fine", 1.0, 1.0),))
    updates[1] = make_trial("NCT00000002", last_update_date="2025-01-01", locations=(site("BOOM", 1.0, 1.0),))
    new_bad = make_trial("NCT00000009", locations=(site("Fine", 2.0, 2.0), site("BOOM", 1.0, 1.0)))
    summary = store.import_records([*updates, new_bad], derive_criteria=lambda t: ("v2", "{}"))

    assert (summary.updated, summary.imported, summary.failed) == (3, 0, 2)
    assert {problem.split(":")[0] for problem in summary.problems} == {"NCT00000002", "NCT00000009"}
    after = _snapshot(store)
    assert after["trials"]["NCT00000002"] == before["trials"]["NCT00000002"]
    assert "NCT00000009" not in after["trials"]
    assert (after["sites"], after["criteria"], after["fts"]) == (before["sites"], before["criteria"], before["fts"])
    assert store.get_criteria("NCT00000002") == ("v1", "{}")
    assert store.get_criteria("NCT00000001") == ("v2", "{}")


def test_duplicates_in_one_batch_are_compared_in_order(store: TrialStore) -> None:
    summary = store.import_records(
        [make_trial(last_update_date="2024-01-01"), make_trial(last_update_date="2024-05-01"), make_trial()]
    )
    assert (summary.imported, summary.updated, summary.skipped) == (1, 1, 1)
    stored = store.get("NCT00000001")
    assert stored is not None and stored.last_update_date == "2024-05-01"


def test_progress_is_reported_after_each_batch(store: TrialStore) -> None:
    seen: list[ImportSummary] = []
    store.import_records(_trials(7), batch_size=3, on_progress=seen.append)
    assert [s.imported for s in seen] == [3, 6, 7]


def _patch(nct_id: str = "NCT00000001") -> OverlayPatch:
    extra = Location(facility="Great Ormond Street", city="London", country="United Kingdom", status="RECRUITING")
    return OverlayPatch(nct_id=nct_id, source="CCLG guide", add_locations=(extra,), set_fields={"acronym": "BEACON"})


def test_overlay_applies_now_and_after_reimport(store: TrialStore) -> None:
    ingest.import_records(store, [make_trial()])
    summary = ingest.import_records(store, [_patch()])
    assert summary.overlays == 1
    patched = store.get("NCT00000001")
    assert patched is not None and patched.acronym == "BEACON"
    assert patched.provenance is not None and patched.provenance.overlay_sources == ("CCLG guide",)

    assert ingest.import_records(store, [make_trial()]).unchanged == 1
    newer = ingest.import_records(store, [make_trial(last_update_date="2025-01-01", brief_title="Renamed")])
    assert newer.updated == 1
    stored = store.get("NCT00000001")
    assert stored is not None
    assert (stored.brief_title, stored.acronym) == ("Renamed", "BEACON")
    assert [loc.facility for loc in stored.locations] == ["Great Ormond Street"]
    assert [hit.nct_id for hit in store.search(SearchQuery(text="beacon"))] == ["NCT00000001"]


def test_overlay_before_its_trial_waits_for_it(store: TrialStore) -> None:
    assert ingest.import_records(store, [_patch("NCT00000002")]).overlays == 1
    assert store.get("NCT00000002") is None
    ingest.upsert(store, make_trial("NCT00000002"))
    stored = store.get("NCT00000002")
    assert stored is not None and stored.acronym == "BEACON"


def test_the_import_pipeline_finishes_what_the_store_writes(store: TrialStore) -> None:
    """Overlays, geocoding and criteria are the pipeline's finisher's; the store's own applies none (issue #14)."""
    london = Location(facility="A London hospital", city="London", country="United Kingdom", status="RECRUITING")

    def site_points(nct_id: str) -> list[tuple[float | None, float | None]]:
        with store.engine.connect() as connection:
            query = text("SELECT lat, lon FROM sites WHERE nct_id = :nct_id")
            return [(row.lat, row.lon) for row in connection.execute(query, {"nct_id": nct_id})]

    assert store.import_records([make_trial("NCT00000001", locations=(london,))]).imported == 1
    assert site_points("NCT00000001") == [(None, None)]
    assert ingest.import_records(store, [make_trial("NCT00000002", locations=(london,))]).imported == 1
    [(lat, lon)] = site_points("NCT00000002")
    assert lat is not None and lon is not None and 51 < lat < 52 and -1 < lon < 1
    assert store.get_criteria("NCT00000002") is not None and store.get_criteria("NCT00000001") is None

    # A study with stored overlays is named and left alone by the store's own finisher, never written bare.
    assert ingest.import_records(store, [_patch("NCT00000003")]).overlays == 1
    summary = store.import_records([make_trial("NCT00000003")])
    assert summary.failed == 1 and "stored overlays" in summary.problems[0]
    assert store.get("NCT00000003") is None
    with pytest.raises(ValueError, match="stored overlays"):
        store.upsert(make_trial("NCT00000003"))
    assert ingest.upsert(store, make_trial("NCT00000003")) is UpsertOutcome.IMPORTED


@pytest.mark.parametrize(
    ("minimum", "maximum", "columns"),
    [
        ("1 Year", None, (12, None)),
        ("18 Months", None, (18, None)),
        ("6 Weeks", None, (1, None)),
        ("30 Days", None, (None, None)),
        ("31 Days", None, (1, None)),
        # The upper limit with the age rule's semantics (issue #10): "21 Years" runs to 21 years 11 months,
        # a limit in weeks or days rounds up, and a limit in months ends at that month.
        (None, "21 Years", (None, 263)),
        ("6 Months", "21 Years", (6, 252)),
        (None, "6 Weeks", (None, 2)),
        (None, "30 Days", (None, 1)),
        ("N/A", None, (None, None)),
        (None, None, (None, None)),
        ("", None, (None, None)),
        ("2 Years ", None, (24, None)),
    ],
)
def test_age_columns(minimum: str | None, maximum: str | None, columns: tuple[int | None, int | None]) -> None:
    trial = make_trial(eligibility=Eligibility(minimum_age=minimum, maximum_age=maximum))
    assert age_columns(trial) == columns
