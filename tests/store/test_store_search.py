"""Search: full-text relevance, trial ids, hostile input, every filter, and distance to open sites."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from store_builders import drug, make_trial, site

from eligo.store import SearchQuery, TrialStore
from eligo.store import search as search_module
from eligo.trials.model import Eligibility


def _ids(store: TrialStore, **query: object) -> list[str]:
    return [hit.nct_id for hit in store.search(SearchQuery.model_validate(query))]


def test_title_match_outranks_summary_match(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", brief_title="Chemotherapy", brief_summary="Then naxitamab is given."))
    store.upsert(make_trial("NCT00000002", brief_title="Naxitamab for relapsed neuroblastoma"))
    store.upsert(make_trial("NCT00000003", brief_title="Unrelated"))
    hits = store.search(SearchQuery(text="naxitamab"))
    assert [hit.nct_id for hit in hits] == ["NCT00000002", "NCT00000001"]
    assert hits[0].score > hits[1].score > 0


def test_drug_name_matches_interventions_and_stems(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", interventions=(drug("Dinutuximab"),)))
    store.upsert(make_trial("NCT00000002", brief_summary="Children receiving treatments."))
    assert _ids(store, text="dinutuximab") == ["NCT00000001"]
    assert _ids(store, text="treatment") == ["NCT00000002"]
    assert _ids(store, text="dinutuximab treatment") == []


def test_nct_id_query_ranks_the_named_trial_first(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", brief_title="Neuroblastoma naxitamab naxitamab"))
    store.upsert(make_trial("NCT00000002", brief_title="Other"))
    assert _ids(store, text="nct00000002") == ["NCT00000002"]
    assert _ids(store, text="NCT00000002 naxitamab") == ["NCT00000002", "NCT00000001"]
    assert _ids(store, text="NCT00000001 naxitamab") == ["NCT00000001"]
    assert _ids(store, text="NCT09999999") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "NEAR(",
        "a*",
        "'; DROP TABLE trials; --",
        "🧒🏽 neuroblastoma",
        "title:x",
        "-",
        "^start",
        "AND OR NOT",
        "((",
    ],
)
def test_hostile_queries_do_not_fail(store: TrialStore, query: str) -> None:
    store.upsert(make_trial("NCT00000001", brief_title="Neuroblastoma start"))
    hits = store.search(SearchQuery(text=query))
    assert all(hit.nct_id == "NCT00000001" for hit in hits)
    assert store.count() == 1


def test_punctuated_drug_names_match(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", interventions=(drug("ch14.18"), drug("131I-MIBG"))))
    assert _ids(store, text="ch14.18") == ["NCT00000001"]
    assert _ids(store, text="131I-MIBG") == ["NCT00000001"]


def test_status_phase_type_sex_country_and_id_filters(store: TrialStore) -> None:
    us, uk = site("US site", 40.0, -75.0), site("UK site", 51.5, -0.1, country="United Kingdom")
    store.upsert(make_trial("NCT00000001", phases=("PHASE1", "PHASE2"), locations=(us,)))
    store.upsert(make_trial("NCT00000002", overall_status="COMPLETED", phases=("PHASE3",), locations=(uk,)))
    store.upsert(
        make_trial(
            "NCT00000003",
            study_type="OBSERVATIONAL",
            phases=(),
            eligibility=Eligibility(sex="FEMALE"),
            locations=(us, uk),
        )
    )
    assert _ids(store, statuses=("COMPLETED",)) == ["NCT00000002"]
    assert _ids(store, statuses=("RECRUITING", "COMPLETED"), phases=("PHASE1",)) == ["NCT00000001"]
    assert sorted(_ids(store, phases=("PHASE2", "PHASE3"))) == ["NCT00000001", "NCT00000002"]
    assert _ids(store, study_types=("OBSERVATIONAL",)) == ["NCT00000003"]
    assert sorted(_ids(store, sex="male")) == ["NCT00000001", "NCT00000002"]
    assert sorted(_ids(store, sex="female")) == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert sorted(_ids(store, countries=("United Kingdom",))) == ["NCT00000002", "NCT00000003"]
    assert _ids(store, nct_ids=("nct00000003", "NCT00000004")) == ["NCT00000003"]


def test_unstated_status_can_join_a_status_filter(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001"))
    store.upsert(make_trial("NCT00000002", overall_status="COMPLETED"))
    store.upsert(make_trial("NCT00000003", overall_status=None))
    assert _ids(store, statuses=("RECRUITING",)) == ["NCT00000001"]
    assert sorted(_ids(store, statuses=("RECRUITING",), or_unstated_status=True)) == ["NCT00000001", "NCT00000003"]
    # Without a status filter it changes nothing.
    assert len(_ids(store, or_unstated_status=True)) == 3


@pytest.mark.parametrize(
    ("age_months", "expected"),
    [
        (11, ["NCT00000003"]),
        (12, ["NCT00000001", "NCT00000003"]),
        (252, ["NCT00000001", "NCT00000003"]),
        # "Maximum Age: 21 Years" runs to 21 years 11 months, as the age rule reads it (issue #10).
        (253, ["NCT00000001", "NCT00000003"]),
        (263, ["NCT00000001", "NCT00000003"]),
        (264, ["NCT00000002", "NCT00000003"]),
        (0, ["NCT00000003"]),
    ],
)
def test_age_filter_boundaries(store: TrialStore, age_months: int, expected: list[str]) -> None:
    store.upsert(make_trial("NCT00000001", eligibility=Eligibility(minimum_age="1 Year", maximum_age="21 Years")))
    store.upsert(make_trial("NCT00000002", eligibility=Eligibility(minimum_age="22 Years")))
    store.upsert(make_trial("NCT00000003", eligibility=Eligibility()))
    assert sorted(_ids(store, age_months=age_months)) == expected


def test_limit_offset_and_order(store: TrialStore) -> None:
    for n, date in enumerate(["2024-01-01", "2024-03-01", "2024-02-01"], start=1):
        store.upsert(make_trial(f"NCT{n:08d}", last_update_date=date))
    assert _ids(store) == ["NCT00000002", "NCT00000003", "NCT00000001"]
    assert _ids(store, limit=1, offset=1) == ["NCT00000003"]
    with pytest.raises(ValidationError):
        SearchQuery(limit=1001)
    with pytest.raises(ValidationError):
        SearchQuery(within_km=10)


PHILADELPHIA = (39.9526, -75.1652)
NEW_YORK = (40.7128, -74.0060)  # about 130 km from Philadelphia
LONDON = (51.5074, -0.1278)


def test_distance_keeps_only_open_sites_within_reach(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", locations=(site("CHOP", *PHILADELPHIA), site("GOSH", *LONDON))))
    store.upsert(make_trial("NCT00000002", locations=(site("MSK", *NEW_YORK),)))
    # Recruiting overall, but its only nearby site has closed.
    store.upsert(make_trial("NCT00000003", locations=(site("Closed", *PHILADELPHIA, status="COMPLETED"),)))
    # A site with no status of its own takes the study's.
    store.upsert(make_trial("NCT00000004", locations=(site("Unknown", *PHILADELPHIA, status=None),)))
    store.upsert(
        make_trial(
            "NCT00000005", overall_status="COMPLETED", locations=(site("Unknown too", *PHILADELPHIA, status=None),)
        )
    )

    near = store.search(SearchQuery(near=PHILADELPHIA, within_km=50))
    assert sorted(hit.nct_id for hit in near) == ["NCT00000001", "NCT00000004"]
    assert all(hit.nearest_site is not None and hit.nearest_site.distance_km < 1 for hit in near)
    assert [s.facility for s in near[0].sites_within] in (["CHOP"], ["Unknown"])

    wider = store.search(SearchQuery(near=PHILADELPHIA, within_km=200))
    assert [hit.nct_id for hit in wider][-1] == "NCT00000002"
    last = wider[-1].nearest_site
    assert last is not None and 120 < last.distance_km < 140

    assert _ids(store, near=PHILADELPHIA, within_km=50, text="NCT00000002") == []
    assert _ids(store, near=LONDON, within_km=5) == ["NCT00000001"]


def test_distance_with_text_orders_nearest_band_first_then_relevance(store: TrialStore) -> None:
    store.upsert(
        make_trial(
            "NCT00000001",
            brief_title="Summary only",
            brief_summary="naxitamab",
            locations=(site("Near", *PHILADELPHIA),),
        )
    )
    store.upsert(make_trial("NCT00000002", brief_title="Naxitamab", locations=(site("Far", *NEW_YORK),)))
    # Within reach, a family sees the nearest trial first even when a farther one matches better.
    hits = store.search(SearchQuery(text="naxitamab", near=PHILADELPHIA, within_km=200))
    assert [hit.nct_id for hit in hits] == ["NCT00000001", "NCT00000002"]
    # In the same 10 km band, relevance decides.
    store.upsert(make_trial("NCT00000003", brief_title="Naxitamab", locations=(site("Also near", *PHILADELPHIA),)))
    hits = store.search(SearchQuery(text="naxitamab", near=PHILADELPHIA, within_km=200))
    assert [hit.nct_id for hit in hits] == ["NCT00000003", "NCT00000001", "NCT00000002"]


def test_near_without_radius_reports_the_nearest_site(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", locations=(site("GOSH", *LONDON), site("CHOP", *PHILADELPHIA))))
    (hit,) = store.search(SearchQuery(near=NEW_YORK))
    assert hit.nearest_site is not None and hit.nearest_site.facility == "CHOP"
    assert hit.sites_within == ()


def test_radius_across_the_antimeridian(store: TrialStore) -> None:
    store.upsert(make_trial("NCT00000001", locations=(site("Fiji east", -17.0, 179.9),)))
    assert _ids(store, near=(-17.0, -179.9), within_km=50) == ["NCT00000001"]


def test_text_pool_widens_only_as_far_as_it_must(store: TrialStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Broad words score only a pool of the newest matches; a pool that would hold every match is
    skipped for scoring them all, and a long list (a match's candidates) starts wide."""
    for number in range(10):
        young = number in (0, 3, 6, 8, 9)
        ages = Eligibility(minimum_age="1 Year", maximum_age="5 Years" if young else "21 Years")
        store.upsert(make_trial(f"NCT0000{number:04d}", brief_title="Neuroblastoma study", eligibility=ages))
    every = {hit.nct_id: hit.score for hit in store.search(SearchQuery(text="neuroblastoma", limit=10))}
    monkeypatch.setattr(search_module, "TEXT_POOL", 4)
    monkeypatch.setattr(search_module, "_POOL_GROWTH", 2)
    monkeypatch.setattr(search_module, "_POOL_MAX", 64)
    pools: list[int | None] = []
    once = search_module._search_once

    def recorded(connection: object, query: SearchQuery, words: object, pool: int | None) -> object:
        pools.append(pool)
        return once(connection, query, words, pool)  # type: ignore[arg-type]

    monkeypatch.setattr(search_module, "_search_once", recorded)
    # A short page from the newest four matches (equal scores: then by date and id).
    assert set(_ids(store, text="neuroblastoma", limit=2)) <= {f"NCT0000{n:04d}" for n in range(6, 10)}
    assert pools == [4]
    # Filters leave one of the newest four: widened to eight, which holds enough.
    pools.clear()
    assert len(_ids(store, text="neuroblastoma", age_months=180, limit=2)) == 2
    assert pools == [4, 8]
    # A long list starts wider; past eight, a pool of sixteen would hold all ten matches: every match instead.
    pools.clear()
    older = sorted(nct_id for nct_id in every if int(nct_id[-4:]) in (1, 2, 4, 5, 7))
    assert sorted(_ids(store, text="neuroblastoma", age_months=180, limit=6)) == older
    assert pools == [8, None]
    pools.clear()
    hits = store.search(SearchQuery(text="neuroblastoma", limit=10))
    assert pools == [8, None]
    assert {hit.nct_id: hit.score for hit in hits} == every
