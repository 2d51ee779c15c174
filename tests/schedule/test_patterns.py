"""The patterns and wording files: shipped ones load; a pattern that breaks its own examples is refused."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from eligo.schedule.patterns import load_patterns, patterns
from eligo.schedule.wording import load_wording, wording
from eligo.yamlfile import load_yaml


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(resources.files("eligo.schedule").joinpath(name).read_text("utf-8"))
    return copy.deepcopy(data)


def test_shipped_files_load() -> None:
    assert patterns().version >= 1
    assert {route.route for route in patterns().routes} == {
        "iv",
        "oral",
        "subcutaneous",
        "intramuscular",
        "intrathecal",
        "radiation",
    }
    assert "estimate" in wording().caveat


def test_a_pattern_that_no_longer_matches_its_example_is_refused() -> None:
    raw = _raw("patterns.yaml")
    raw["day_list"]["pattern"] = r"\bdays?\s+(?P<list>\d+)\s+only"
    with pytest.raises(ValidationError, match="on days 1-21"):
        load_patterns(raw)


def test_a_counter_example_that_matches_is_refused() -> None:
    raw = _raw("patterns.yaml")
    raw["routes"][1]["counter_examples"] = ["given orally"]
    with pytest.raises(ValidationError, match="counter-example 'given orally'"):
        load_patterns(raw)


def test_a_pattern_without_the_groups_the_code_reads_is_refused() -> None:
    raw = _raw("patterns.yaml")
    raw["cycle_count"][0] = {"pattern": r"up to \d+ cycles", "examples": ["up to 12 cycles"]}
    with pytest.raises(ValidationError, match="lacks the groups"):
        load_patterns(raw)


def test_an_invalid_regular_expression_is_named() -> None:
    raw = _raw("patterns.yaml")
    raw["infusion"]["pattern"] = "over (unclosed"
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        load_patterns(raw)


def test_abbreviations_match_only_in_capitals() -> None:
    oral = next(route for route in patterns().routes if route.route == "oral")
    assert oral.search("lenalidomide PO QD") is not None
    assert oral.search("the po valley") is None


def test_wording_must_cover_every_route_and_day_kind() -> None:
    raw = _raw("wording.yaml")
    del raw["route_days"]["subcutaneous"]
    with pytest.raises(ValidationError, match="route_days lacks"):
        load_wording(raw)
    raw = _raw("wording.yaml")
    del raw["calendar"]["day_titles"]["home"]
    with pytest.raises(ValidationError, match="day_titles lacks"):
        load_wording(raw)
