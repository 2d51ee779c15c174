"""The order a child's matches are listed in, the same for `eligo match`, the API and the website
(docs/ranking.md): verdict first; within a verdict, trials where something about the child could be
checked before trials where nothing could; then treatment trials before expanded-access and palliative
protocols, nearer before further (in bands, so a few kilometres do not outweigh a better fit), the
score (the share of criteria met), the status and the exact distance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eligo.rules.verdicts import TrialVerdict

if TYPE_CHECKING:  # a Match carries what ranking reads; only its type is needed here
    from eligo.matching.evaluate import Evaluation
    from eligo.matching.match import Match

VERDICT_ORDER = {TrialVerdict.ELIGIBLE: 0, TrialVerdict.POSSIBLY_ELIGIBLE: 1, TrialVerdict.INELIGIBLE: 2}
STATUS_ORDER = {"RECRUITING": 0, "AVAILABLE": 0, "ENROLLING_BY_INVITATION": 1, "NOT_YET_RECRUITING": 1}
# Kilometres: a day trip, a few hours' travel, another country, further (or unknown).
DISTANCE_BANDS_KM = (100.0, 500.0, 2000.0)


def distance_band(distance_km: float | None) -> int:
    if distance_km is None:
        return len(DISTANCE_BANDS_KM)
    return next((band for band, limit in enumerate(DISTANCE_BANDS_KM) if distance_km <= limit), len(DISTANCE_BANDS_KM))


def checked_count(evaluation: Evaluation) -> int:
    """How many criteria were decided for the child (met, or against them), from the profile or answers."""
    return evaluation.counts["met"] + evaluation.counts["not_met"]


def score_of(evaluation: Evaluation) -> float:
    """0–1: the share of the criteria that apply to the child confirmed in their favour, rounded to 3
    places; 0 when nothing could be checked. Ruled-out trials keep their share (the verdict says they
    are ruled out): 20 of 25 met and one against is closer than 1 of 25."""
    counts = evaluation.counts
    applicable = counts["met"] + counts["unknown"] + counts["not_met"]
    return round(counts["met"] / applicable, 3) if applicable else 0.0


def family_rank_key(match: Match, kind_order: int) -> tuple[int, int, int, int, float, int, float]:
    """`kind_order`: 0 for a treatment trial, higher for expanded access and palliative protocols."""
    status = STATUS_ORDER.get(match.hit.overall_status or "", 2)
    distance = match.distance_km if match.distance_km is not None else float("inf")
    nothing_checked = 0 if checked_count(match.evaluation) else 1
    return (
        VERDICT_ORDER[match.evaluation.verdict],
        nothing_checked,
        kind_order,
        distance_band(match.distance_km),
        -match.score,
        status,
        distance,
    )


def rank_key(match: Match) -> tuple[int, int, int, int, float, int, float]:
    """The key `match_profile` sorts by: `family_rank_key` with the trial's own kind."""
    return family_rank_key(match, match.standing.kind_order)
