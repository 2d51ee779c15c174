"""Similar trials: reasons in words, the per-trial cache and its invalidation when the store changes."""

from __future__ import annotations

from typing import Any

import pytest

from eligo.criteria.parse import PARSER_VERSION
from eligo.matching.similar import similar_trials
from eligo.store import TrialStore
from eligo.trials.model import Eligibility, GeoPoint, Intervention, Location, Provenance, SourceFormat, Trial

LEEDS = (53.8008, -1.5491)
LONDON = (51.5072, -0.1276)


def make_trial(nct_id: str, **changes: Any) -> Trial:
    fields: dict[str, Any] = {
        "nct_id": nct_id,
        "brief_title": f"Dinutuximab for relapsed neuroblastoma ({nct_id})",
        "overall_status": "RECRUITING",
        "study_type": "INTERVENTIONAL",
        "phases": ("PHASE2",),
        "last_update_date": "2024-01-15",
        "conditions": ("Neuroblastoma", "Relapsed Neuroblastoma"),
        "condition_mesh_terms": ("Neuroblastoma",),
        "interventions": (Intervention(type="DRUG", name="Dinutuximab"),),
        "brief_summary": "Anti-GD2 antibody with chemotherapy for children whose neuroblastoma came back.",
        "eligibility": Eligibility(minimum_age="1 Year", maximum_age="21 Years", sex="ALL"),
        "provenance": Provenance(source_format=SourceFormat.CTGOV_V2, source_file="test.json"),
    }
    fields.update(changes)
    return Trial(**fields)


def site(name: str, point: tuple[float, float]) -> Location:
    point_of = GeoPoint(lat=point[0], lon=point[1])
    return Location(facility=name, city=name, country="United Kingdom", status="RECRUITING", geo=point_of)


@pytest.fixture
def base(store: TrialStore) -> Trial:
    trial = make_trial("NCT10000001", locations=(site("London", LONDON),))
    store.upsert(trial)
    store.upsert(make_trial("NCT10000002", locations=(site("Leeds", LEEDS),)))
    store.upsert(
        make_trial(
            "NCT10000003",
            brief_title="Exercise for adults with heart failure",
            conditions=("Heart Failure",),
            condition_mesh_terms=("Heart Failure",),
            interventions=(Intervention(type="BEHAVIORAL", name="Exercise programme"),),
            brief_summary="Walking.",
            eligibility=Eligibility(minimum_age="18 Years", sex="ALL"),
        )
    )
    return trial


def test_reasons_name_what_is_shared(store: TrialStore, base: Trial) -> None:
    found = similar_trials(store, base)
    assert [item.nct_id for item in found] == ["NCT10000002"]
    reasons = found[0].reasons
    assert "also neuroblastoma, relapsed neuroblastoma" in reasons
    assert any("gd2" in reason for reason in reasons), reasons
    assert "similar ages" in reasons
    assert "open to new patients" in reasons


def test_distance_reason_follows_the_visitor_not_the_cache(store: TrialStore, base: Trial) -> None:
    near_leeds = similar_trials(store, base, origin=LEEDS)
    assert any(reason.endswith("km closer") for reason in near_leeds[0].reasons)
    # Same cached ranking, another visitor: no distance, or not closer.
    assert not any("km closer" in reason for reason in similar_trials(store, base)[0].reasons)
    assert not any("km closer" in reason for reason in similar_trials(store, base, origin=LONDON)[0].reasons)


def test_an_import_changes_what_is_similar(store: TrialStore, base: Trial) -> None:
    before = similar_trials(store, base)
    assert [item.nct_id for item in before] == ["NCT10000002"]
    store.import_records([make_trial("NCT10000004", brief_title="A newer dinutuximab trial")])
    after = similar_trials(store, base)
    assert {item.nct_id for item in after} == {"NCT10000002", "NCT10000004"}
    # A re-import that changes a trial's title shows the new title, not the cached one.
    store.import_records([make_trial("NCT10000004", brief_title="Renamed dinutuximab trial")])
    titles = {item.nct_id: item.title for item in similar_trials(store, base)}
    assert titles["NCT10000004"] == "Renamed dinutuximab trial"
    store.delete("NCT10000004")
    assert [item.nct_id for item in similar_trials(store, base)] == ["NCT10000002"]


def test_data_version_changes_on_every_kind_of_write(store: TrialStore) -> None:
    seen = [store.data_version()]
    assert store.data_version() == seen[0], "reading must not change the version"
    store.upsert(make_trial("NCT10000005"))
    seen.append(store.data_version())
    store.import_records([make_trial("NCT10000006")])
    seen.append(store.data_version())
    store.save_criteria("NCT10000006", PARSER_VERSION, '{"criteria": []}')
    seen.append(store.data_version())
    store.delete("NCT10000006")
    seen.append(store.data_version())
    assert len(set(seen)) == len(seen)
