"""The order a family sees their child's matches in: verdict first, then treatment trials before
expanded-access and palliative protocols, then nearer before further (in bands, so a few kilometres
do not outweigh a better fit), then the share of criteria met, the status and the exact distance."""

from __future__ import annotations

from eligo.matching.match import Match, rank_key

# Kilometres: a day trip, a few hours' travel, another country, further (or unknown).
DISTANCE_BANDS_KM = (100.0, 500.0, 2000.0)


def distance_band(distance_km: float | None) -> int:
    if distance_km is None:
        return len(DISTANCE_BANDS_KM)
    return next((band for band, limit in enumerate(DISTANCE_BANDS_KM) if distance_km <= limit), len(DISTANCE_BANDS_KM))


def family_rank_key(match: Match, kind_order: int) -> tuple[int, int, int, float, int, float]:
    """`kind_order`: 0 for a treatment trial, higher for expanded access and palliative protocols."""
    verdict, score, status, distance = rank_key(match)
    return (verdict, kind_order, distance_band(match.distance_km), score, status, distance)
