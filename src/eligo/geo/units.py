"""Distances in the visitor's units: miles where people think in miles (UK, US), kilometres elsewhere."""

from __future__ import annotations

from typing import Literal, get_args

DistanceUnit = Literal["miles", "km"]
UNITS: tuple[DistanceUnit, ...] = get_args(DistanceUnit)
KM_PER_MILE = 1.609344
# ISO 3166-1 alpha-2 codes of the countries whose road signs, and so whose families, count in miles.
MILES_COUNTRIES = frozenset({"GB", "US"})


def default_units(country: str | None) -> DistanceUnit:
    """The units for a place in `country` (ISO alpha-2); kilometres when the country is unknown."""
    return "miles" if (country or "").upper() in MILES_COUNTRIES else "km"


def parse_units(text: str | None) -> DistanceUnit | None:
    """ "miles" or "km" from a form or query field; None for empty or anything else ("auto")."""
    value = (text or "").strip().lower()
    for unit in UNITS:
        if value == unit:
            return unit
    return None


def km_to_miles(km: float) -> float:
    return km / KM_PER_MILE


def miles_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


def in_units(km: float, units: DistanceUnit) -> float:
    return km_to_miles(km) if units == "miles" else km


def distance_text(km: float | None, units: DistanceUnit) -> str:
    """ "12 miles", "1 mile", "19 km"; "distance unknown" for None."""
    if km is None:
        return "distance unknown"
    amount = round(in_units(km, units))
    if units == "miles":
        return f"{amount:,} mile" if amount == 1 else f"{amount:,} miles"
    return f"{amount:,} km"


def rounded_pair(km: float | None) -> dict[str, float | None]:
    """Both units for JSON, to 0.1: `{"distance_km": ..., "distance_miles": ...}`."""
    if km is None:
        return {"distance_km": None, "distance_miles": None}
    return {"distance_km": round(km, 1), "distance_miles": round(km_to_miles(km), 1)}
