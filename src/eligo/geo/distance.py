"""Great-circle distance between two points on the Earth, in kilometres."""

from __future__ import annotations

import math

# IUGG mean Earth radius; the spherical model is within 0.5% of the ellipsoid, far
# below the precision a family needs to compare how far away two hospitals are.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km between (lat1, lon1) and (lat2, lon2), given in decimal degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    # min() guards against a tiny float overshoot above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
