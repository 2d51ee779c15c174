"""Upsert outcomes, and the rows that go with a study: sites, criteria, search entry."""

from __future__ import annotations

from store_builders import make_trial, site

from eligo.store import SearchQuery, TrialStore, UpsertOutcome
from eligo.trials.model import Provenance, SourceFormat


def test_new_then_same_is_unchanged(store: TrialStore) -> None:
    trial = make_trial()
    assert store.upsert(trial) is UpsertOutcome.IMPORTED
    assert store.upsert(trial) is UpsertOutcome.UNCHANGED
    assert store.count() == 1


def test_provenance_alone_does_not_count_as_a_change(store: TrialStore) -> None:
    store.upsert(make_trial())
    moved = make_trial(provenance=Provenance(source_format=SourceFormat.CTGOV_V2, source_file="elsewhere.zip"))
    assert store.upsert(moved) is UpsertOutcome.UNCHANGED


def test_newer_replaces_sites_search_text_and_criteria(store: TrialStore) -> None:
    old = make_trial(brief_title="Dinutuximab study", locations=(site("Old Hospital", 40.0, -75.0),))
    store.upsert(old, criteria=("v1", '{"old": true}'))
    new = make_trial(
        brief_title="Naxitamab study",
        last_update_date="2024-06-01",
        locations=(site("New Hospital", 41.0, -74.0), site("Other Hospital", 42.0, -73.0)),
    )
    assert store.upsert(new, criteria=("v2", '{"new": true}')) is UpsertOutcome.UPDATED

    stored = store.get(new.nct_id)
    assert stored is not None
    assert stored.brief_title == "Naxitamab study"
    assert [loc.facility for loc in stored.locations] == ["New Hospital", "Other Hospital"]
    assert store.get_criteria(new.nct_id) == ("v2", '{"new": true}')
    assert [hit.nct_id for hit in store.search(SearchQuery(text="naxitamab"))] == [new.nct_id]
    assert store.search(SearchQuery(text="dinutuximab")) == []
    near_new = store.search(SearchQuery(near=(41.0, -74.0), within_km=10))
    assert [hit.nearest_site.facility for hit in near_new if hit.nearest_site] == ["New Hospital"]
    assert store.search(SearchQuery(near=(40.0, -75.0), within_km=10)) == []


def test_older_is_skipped_and_keeps_the_newer(store: TrialStore) -> None:
    store.upsert(make_trial(last_update_date="2024-06-01", brief_title="Newer"))
    assert store.upsert(make_trial(last_update_date="2023-01-01", brief_title="Older")) is UpsertOutcome.SKIPPED_OLDER
    stored = store.get("NCT00000001")
    assert stored is not None and stored.brief_title == "Newer"


def test_same_date_different_content_updates(store: TrialStore) -> None:
    store.upsert(make_trial(overall_status="NOT_YET_RECRUITING"))
    assert store.upsert(make_trial(overall_status="RECRUITING")) is UpsertOutcome.UPDATED
    stored = store.get("NCT00000001")
    assert stored is not None and stored.overall_status == "RECRUITING"


def test_partial_dates_compare_in_order(store: TrialStore) -> None:
    store.upsert(make_trial(last_update_date="2024-03"))
    assert store.upsert(make_trial(last_update_date="2024")) is UpsertOutcome.SKIPPED_OLDER
    assert store.upsert(make_trial(last_update_date="2024-03-02")) is UpsertOutcome.UPDATED


def test_stored_record_round_trips_with_imported_at(store: TrialStore) -> None:
    trial = make_trial(locations=(site("A", 1.0, 2.0),))
    store.upsert(trial)
    stored = store.get(trial.nct_id.lower())
    assert stored is not None and stored.provenance is not None
    assert stored.provenance.imported_at is not None
    assert stored.model_dump(exclude={"provenance"}) == trial.model_dump(exclude={"provenance"})
    assert store.get("NCT99999999") is None


def test_criteria_versions_and_staleness(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001"), criteria=("v1", "{}"))
    store.upsert(make_trial("NCT00000002"))
    assert store.stale_criteria_count("v1") == 1
    assert store.stale_criteria_count("v2") == 2
    store.save_criteria("NCT00000002", "v2", '{"a": 1}')
    store.save_criteria("NCT00000001", "v2", '{"b": 2}')
    assert store.stale_criteria_count("v2") == 0
    assert list(store.iter_criteria()) == [("NCT00000001", '{"b": 2}'), ("NCT00000002", '{"a": 1}')]
    assert list(store.iter_criteria(version="v1")) == []
    assert store.get_criteria("NCT00000003") is None


def test_delete_removes_every_trace(store: TrialStore) -> None:
    trial = make_trial(brief_title="Lorlatinib", locations=(site("A", 1.0, 2.0),))
    store.upsert(trial, criteria=("v1", "{}"))
    assert store.delete(trial.nct_id) is True
    assert store.delete(trial.nct_id) is False
    assert store.get(trial.nct_id) is None
    assert store.get_criteria(trial.nct_id) is None
    assert store.search(SearchQuery(text="lorlatinib")) == []
    assert store.search(SearchQuery(near=(1.0, 2.0), within_km=5)) == []
    assert store.upsert(trial) is UpsertOutcome.IMPORTED


def test_iter_trials_pages_through_everything(store: TrialStore) -> None:
    ids = [f"NCT{n:08d}" for n in range(1, 8)]
    for nct_id in reversed(ids):
        store.upsert(make_trial(nct_id))
    assert [trial.nct_id for trial in store.iter_trials(batch=3)] == ids


def test_sync_state_round_trips(store: TrialStore) -> None:
    assert store.get_sync_state("ctgov") is None
    store.set_sync_state("ctgov", {"since": "2024-01-01", "page": None})
    store.set_sync_state("ctgov", {"since": "2024-02-01", "page": "abc"})
    assert store.get_sync_state("ctgov") == {"since": "2024-02-01", "page": "abc"}


def test_get_many_and_criteria_many_read_in_one_go(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001"), criteria=("1", '{"tree": 1}'))
    store.upsert(make_trial("NCT00000002"))
    found = store.get_many(["nct00000002", "NCT00000001", "NCT00000009"])
    assert sorted(found) == ["NCT00000001", "NCT00000002"]
    assert found["NCT00000001"] == store.get("NCT00000001")
    assert store.get_many([]) == {}
    assert store.get_criteria_many(["NCT00000001", "NCT00000002"]) == {"NCT00000001": ("1", '{"tree": 1}')}
