"""Great-circle distances."""

from __future__ import annotations

import pytest

from eligo.geo import geocode, haversine_km


def test_london_to_leeds() -> None:
    london, leeds = geocode("London"), geocode("Leeds")
    assert london is not None and leeds is not None
    assert haversine_km(london.lat, london.lon, leeds.lat, leeds.lon) == pytest.approx(270, abs=10)


def test_symmetric_and_zero() -> None:
    assert haversine_km(51.5, -0.12, 51.5, -0.12) == 0
    there = haversine_km(51.5, -0.12, 40.71, -74.0)
    assert there == pytest.approx(haversine_km(40.71, -74.0, 51.5, -0.12))
    assert there == pytest.approx(5570, rel=0.01)


def test_antipodes_are_half_the_circumference() -> None:
    assert haversine_km(0, 0, 0, 180) == pytest.approx(20015, rel=0.001)
