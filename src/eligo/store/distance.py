"""The lat/lon box that bounds a radius, so SQL can use the sites(lat, lon) index before exact distances."""

from __future__ import annotations

import math
from dataclasses import dataclass

from eligo.geo.distance import EARTH_RADIUS_KM


@dataclass(frozen=True)
class BoundingBox:
    """Every point within the radius lies inside; lon ranges may wrap across the antimeridian (lon_min > lon_max)."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    @property
    def wraps(self) -> bool:
        return self.lon_min > self.lon_max


def bounding_box(center: tuple[float, float], radius_km: float) -> BoundingBox:
    lat, lon = center
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    lat_min, lat_max = lat - dlat, lat + dlat
    if lat_min <= -90 or lat_max >= 90:
        # A pole is inside the circle: every longitude is.
        return BoundingBox(max(lat_min, -90.0), min(lat_max, 90.0), -180.0, 180.0)
    # Widest longitude span of the circle, reached at the latitude of the tangent point.
    ratio = math.sin(radius_km / EARTH_RADIUS_KM) / math.cos(math.radians(lat))
    if ratio >= 1:
        return BoundingBox(lat_min, lat_max, -180.0, 180.0)
    dlon = math.degrees(math.asin(ratio))
    lon_min, lon_max = lon - dlon, lon + dlon
    if lon_min < -180:
        lon_min += 360
    if lon_max > 180:
        lon_max -= 360
    return BoundingBox(lat_min, lat_max, lon_min, lon_max)
