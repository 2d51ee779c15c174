"""Finishing a registry record for the store: stored overlays applied, sites placed, criteria parsed (issue #14).

The import pipeline (`eligo.ingest`) hands this finisher to the store, which calls it for every study it is
about to write; the store itself knows no overlay reader, geocoder or criteria parser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from eligo.criteria.parse import PARSER_VERSION, parse_trial
from eligo.store.finishing import DeriveCriteria, SitePoint, StoredPatch
from eligo.trials.model import Location, Trial
from eligo.trials.overlay import OverlayPatch, apply_patch

Geocoder = Callable[[str, str, str | None], tuple[float, float] | None]


def derive_criteria(trial: Trial) -> tuple[str, str]:
    """Parse a trial's criteria at import so that matching never re-parses them."""
    return PARSER_VERSION, parse_trial(trial).to_json()


def apply_overlays(trial: Trial, patches: Sequence[str]) -> Trial:
    """`trial` with each stored patch (JSON, in the order they were first stored) applied."""
    for patch in patches:
        trial = apply_patch(trial, OverlayPatch.model_validate_json(patch))
    return trial


@lru_cache(maxsize=1)
def _geocoder() -> Geocoder:
    # Imported late: geocoding loads a gazetteer, which only a study with an unplaced site needs.
    from eligo.geo import geocode_city

    found: Geocoder = geocode_city
    return found


def site_point(location: Location) -> SitePoint:
    """Where a site is: the registry's coordinates, else its city looked up in the gazetteer."""
    if location.geo is not None:
        return location.geo.lat, location.geo.lon
    if location.city and location.country:
        geocode = _geocoder()
        return geocode(location.city, location.country, location.state)
    return None


class ImportFinisher:
    """The store's `Finisher` for real imports: overlays, geocoded sites and parsed criteria."""

    def __init__(self, derive: DeriveCriteria | None = derive_criteria) -> None:
        self.derive = derive

    def apply_overlays(self, base: Trial, patches: Sequence[str]) -> Trial:
        return apply_overlays(base, patches)

    def place_sites(self, trial: Trial) -> list[SitePoint]:
        return [site_point(location) for location in trial.locations]

    def parse_criteria(self, trial: Trial) -> tuple[str, str] | None:
        return self.derive(trial) if self.derive is not None else None

    def overlay_patch(self, item: object) -> StoredPatch | None:
        if not isinstance(item, OverlayPatch):
            return None
        return StoredPatch(nct_id=item.nct_id, source=item.source, patch=item.model_dump_json())
