"""Distance units: miles for UK and US places, kilometres elsewhere (issue #16)."""

from __future__ import annotations

import pytest

from eligo.geo import geocode
from eligo.geo.units import default_units, distance_text, parse_units, rounded_pair


@pytest.mark.parametrize(
    ("place", "units"), [("Leeds", "miles"), ("LS1 4AP", "miles"), ("Boston", "miles"), ("Paris", "km")]
)
def test_default_units_follow_the_place_s_country(place: str, units: str) -> None:
    found = geocode(place)
    assert found is not None
    assert default_units(found.country) == units


def test_unknown_country_is_km() -> None:
    assert default_units(None) == "km"


def test_distance_words() -> None:
    assert distance_text(16.09344, "miles") == "10 miles"
    assert distance_text(1.7, "miles") == "1 mile"
    assert distance_text(1234.4, "km") == "1,234 km"
    assert distance_text(None, "km") == "distance unknown"


def test_parse_units_accepts_only_the_two_units() -> None:
    assert parse_units(" Miles ") == "miles"
    assert parse_units("km") == "km"
    assert parse_units("furlongs") is None
    assert parse_units("") is None


def test_json_carries_both_units() -> None:
    assert rounded_pair(100.0) == {"distance_km": 100.0, "distance_miles": 62.1}
    assert rounded_pair(None) == {"distance_km": None, "distance_miles": None}
