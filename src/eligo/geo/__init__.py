"""Offline geocoding of what families type and where trial sites are, and distances between them."""

from eligo.geo.distance import haversine_km
from eligo.geo.places import Place, PlaceKind, geocode, geocode_city

__all__ = ["Place", "PlaceKind", "geocode", "geocode_city", "haversine_km"]
