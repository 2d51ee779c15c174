"""One starting point for a child's search, for `eligo match` and the web alike (issue #10)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from eligo.patients.origin import Origin, OriginError, origin
from eligo.patients.profile import Location, PatientProfile


def _child(**location: object) -> PatientProfile:
    return PatientProfile.model_validate({"age_years": 7, "location": location})


@pytest.mark.parametrize("half", [{"lat": 53.8}, {"lon": -1.55}])
def test_half_a_point_is_a_clear_error(half: dict[str, float]) -> None:
    with pytest.raises(ValidationError, match="both lat and lon"):
        Location.model_validate(half)
    with pytest.raises(ValidationError, match="both lat and lon"):
        _child(**half)


def test_the_profile_point_and_its_travel_distance() -> None:
    assert origin(_child(lat=53.8, lon=-1.55, max_travel_km=120)) == Origin(53.8, -1.55, 120)
    # A distance given with the search overrides the profile's.
    assert origin(_child(lat=53.8, lon=-1.55, max_travel_km=120), within=50) == Origin(53.8, -1.55, 50)


def test_the_profile_place_is_looked_up() -> None:
    found = origin(_child(place="Leeds", max_travel_km=300))
    assert found is not None and found.place and "Leeds" in found.place
    assert found.within_km == 300
    assert abs(found.lat - 53.8) < 0.2 and abs(found.lon + 1.55) < 0.2


def test_near_wins_over_the_profile() -> None:
    found = origin(_child(lat=10.0, lon=10.0, max_travel_km=120), near="51.5,-0.12")
    assert found is not None and found.point == (51.5, -0.12)
    assert found.within_km is None  # the profile's distance belongs to the profile's place


def test_no_place_at_all() -> None:
    assert origin(None) is None
    assert origin(PatientProfile(age_years=7)) is None


@pytest.mark.parametrize(
    ("profile", "near", "within", "field", "reason"),
    [
        (None, "Nowhereville Qqq", None, "near", "not_found"),
        (None, "95,0", None, "near", "invalid"),
        (None, None, 10.0, "within", "no_place"),
        (None, "Leeds", 0.0, "within", "not_positive"),
        (None, "Leeds", -5.0, "within", "not_positive"),
        ({"place": "Nowhereville Qqq"}, None, None, "location.place", "not_found"),
    ],
)
def test_what_cannot_start_a_search_says_why(
    profile: dict[str, object] | None, near: str | None, within: float | None, field: str, reason: str
) -> None:
    child = None if profile is None else _child(**profile)
    with pytest.raises(OriginError) as raised:
        origin(child, near, within)
    assert (raised.value.field, raised.value.reason) == (field, reason)
    assert str(raised.value).startswith(f"{field}: ")
