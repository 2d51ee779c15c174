"""Geocoding what families type and what registries write, against the offline data sets."""

from __future__ import annotations

import pytest

from eligo.geo import Place, geocode, geocode_city, haversine_km

LEEDS = (53.80, -1.55)


def near(lat: float, lon: float, point: tuple[float, float], km: float = 5.0) -> bool:
    return haversine_km(lat, lon, *point) <= km


@pytest.mark.parametrize(
    "text", ["Leeds", "leeds", "leeds, uk", "Leeds, United Kingdom", "LEEDS, GB", "Leeds, England"]
)
def test_town_names_and_country_aliases(text: str) -> None:
    place = geocode(text)
    assert place is not None
    assert place.kind == "city"
    assert place.country == "GB"
    assert near(place.lat, place.lon, LEEDS)


def test_manchester_prefers_the_named_country() -> None:
    place = geocode("Manchester, United Kingdom")
    assert place is not None and place.country == "GB"
    assert near(place.lat, place.lon, (53.48, -2.24))


@pytest.mark.parametrize("text", ["LS1 3EX", "ls13ex", "  ls1   3ex "])
def test_full_uk_postcode(text: str) -> None:
    place = geocode(text)
    assert place is not None
    assert place == Place(name="LS1 3EX", lat=place.lat, lon=place.lon, kind="uk_postcode", country="GB")
    # Code-Point Open gives eastings/northings; converted they must land in central Leeds.
    assert near(place.lat, place.lon, (53.8015, -1.5517), km=0.1)


@pytest.mark.parametrize("text", ["LS1", "ls1", "ls 1"])
def test_uk_outward_code_is_the_centre_of_its_district(text: str) -> None:
    place = geocode(text)
    assert place is not None
    assert (place.name, place.kind, place.country) == ("LS1", "uk_postcode", "GB")
    assert near(place.lat, place.lon, LEEDS, km=2)


def test_outward_code_with_trailing_letter() -> None:
    place = geocode("E1W 1AA")
    assert place is not None and place.kind == "uk_postcode"
    assert near(place.lat, place.lon, (51.507, -0.073), km=1)


@pytest.mark.parametrize("text", ["ZZ1 1ZZ", "LS99 9ZZ"])
def test_unknown_postcode_is_none(text: str) -> None:
    assert geocode(text) is None


@pytest.mark.parametrize("text", ["10065", "10065-1234"])
def test_us_zip(text: str) -> None:
    place = geocode(text)
    assert place is not None
    assert (place.kind, place.country) == ("us_zip", "US")
    assert near(place.lat, place.lon, (40.765, -73.964), km=1)


def test_us_city_with_state_code() -> None:
    place = geocode("San Francisco, CA")
    assert place is not None and place.country == "US"
    assert near(place.lat, place.lon, (37.775, -122.419))


def test_same_name_in_two_countries() -> None:
    france, texas = geocode("Paris, France"), geocode("Paris, TX")
    assert france is not None and texas is not None
    assert france.country == "FR" and near(france.lat, france.lon, (48.853, 2.349))
    assert texas.country == "US" and near(texas.lat, texas.lon, (33.661, -95.556))
    # With no qualifier the most populous Paris wins.
    assert geocode("Paris") == france


def test_two_letter_qualifier_falls_back_from_state_to_country() -> None:
    toronto = geocode("Toronto, CA")  # no Toronto in California: Canada
    assert toronto is not None and toronto.country == "CA"


def test_registry_style_country_name() -> None:
    seoul = geocode("Seoul, Korea, Republic of")
    assert seoul is not None and seoul.country == "KR"


def test_alternate_name() -> None:
    nyc = geocode("New York, NY")
    assert nyc is not None and near(nyc.lat, nyc.lon, (40.714, -74.006))


def test_lat_lon() -> None:
    assert geocode("51.5,-0.12") == Place(name="51.5000, -0.1200", lat=51.5, lon=-0.12, kind="latlon")
    assert geocode(" 51.5 , -0.12 ") is not None


@pytest.mark.parametrize("text", ["91,0", "0,181", "-90.5,10"])
def test_lat_lon_out_of_range_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        geocode(text)


@pytest.mark.parametrize("text", ["xyzzy plugh", "", "   ", "Narniaville, Narnia"])
def test_nonsense_is_none(text: str) -> None:
    assert geocode(text) is None


def test_geocode_city_registry_fields() -> None:
    leeds = geocode_city("Leeds", "United Kingdom")
    assert leeds is not None and near(*leeds, LEEDS)
    philadelphia = geocode_city("Philadelphia", "United States", "Pennsylvania")
    # Not Philadelphia, Mississippi.
    assert philadelphia is not None and near(*philadelphia, (39.952, -75.164))
    assert geocode_city("Seoul", "Korea, Republic of") is not None
    new_york = geocode_city("New York", "United States", "New York")
    assert new_york is not None and near(*new_york, (40.714, -74.006))


def test_geocode_city_small_us_town_falls_back_to_zip_codes() -> None:
    # Valhalla, NY (a children's hospital, about 3,000 people) is below the GeoNames 5,000 cut.
    valhalla = geocode_city("Valhalla", "United States", "New York")
    assert valhalla is not None and near(*valhalla, (41.075, -73.775), km=10)


@pytest.mark.parametrize(
    ("city", "country", "state"),
    [(None, "United Kingdom", None), ("Leeds", "Narnia", None), ("Xyzzyville", "United States", "Ohio")],
)
def test_geocode_city_not_found(city: str | None, country: str | None, state: str | None) -> None:
    assert geocode_city(city, country, state) is None
