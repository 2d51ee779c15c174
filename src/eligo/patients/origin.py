"""Where a child's trial search starts: the one point and radius both `eligo match` and the web search around."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eligo.geo import geocode
from eligo.patients.profile import PatientProfile

Reason = Literal["not_found", "invalid", "not_positive", "no_place"]


class OriginError(ValueError):
    """A place or distance that cannot start a search: `field` names the input ("near", "within",
    "location.place"), `reason` what kind of problem it is, `problem` the same in words for people."""

    def __init__(self, field: str, reason: Reason, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.reason = reason
        self.problem = problem


@dataclass(frozen=True)
class Origin:
    """A point to search around and how far from it (None: any distance, nearest sites first)."""

    lat: float
    lon: float
    within_km: float | None
    place: str | None = None  # the place's name when it was looked up from text

    @property
    def point(self) -> tuple[float, float]:
        return self.lat, self.lon


def _locate(text: str, what: str) -> tuple[float, float, str]:
    try:
        found = geocode(text)
    except ValueError as error:  # geocode's own: a "lat,lon" pair out of range
        raise OriginError(what, "invalid", str(error)) from error
    if found is None:
        raise OriginError(
            what,
            "not_found",
            f"could not find the place {text[:100]!r} (try a town, a UK postcode, a US ZIP or lat,lon)",
        )
    return found.lat, found.lon, found.name


def origin(profile: PatientProfile | None, near: str | None = None, within: float | None = None) -> Origin | None:
    """The search's starting point: `near` (text the user typed) if given, else the profile's location.

    `within` (km) overrides the profile's `max_travel_km`. None when there is no place at all;
    `OriginError` for a place that cannot be found, a distance that is not positive, or a
    distance with no place to measure it from.
    """
    if within is not None and not within > 0:
        raise OriginError("within", "not_positive", "the distance must be a positive number of kilometres")
    if near is not None:
        lat, lon, name = _locate(near, "near")
        return Origin(lat, lon, within, name)
    location = profile.location if profile is not None else None
    if location is not None:
        reach = within if within is not None else location.max_travel_km
        # The profile's Location validates lat and lon together, so one without the other never gets here.
        if location.lat is not None and location.lon is not None:
            return Origin(location.lat, location.lon, reach, location.place)
        if location.place:
            lat, lon, name = _locate(location.place, "location.place")
            return Origin(lat, lon, reach, name)
    if within is not None:
        raise OriginError(
            "within", "no_place", "a distance needs a place to measure it from (near, or the profile's location)"
        )
    return None


__all__ = ["Origin", "OriginError", "origin"]
