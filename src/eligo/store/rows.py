"""Turning a Trial into the column values the store keeps beside its JSON: ages, hash, sites, search text."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eligo.trials.model import Trial


def age_columns(trial: Trial) -> tuple[int | None, int | None]:
    """(youngest, oldest) completed months of age the trial admits, both inclusive, for the age prefilter.

    Read from `Eligibility.age_limits`, which the age rule reads too: "Maximum Age: 21 Years" runs
    to 21 years 11 months in both.
    """
    limits = trial.eligibility.age_limits
    if limits is None:
        return None, None
    return limits.youngest_months, limits.oldest_months


def content_hash(trial: Trial) -> str:
    """sha256 of the record without provenance, so re-reading the same study from another file is 'unchanged'."""
    return hashlib.sha256(trial.model_dump_json(exclude={"provenance"}).encode()).hexdigest()


_NCT_NUMBER = re.compile(r"^NCT(\d{8})$")
# Non-NCT ids hash into a range above every NCT number.
_HASHED_ROWID_BASE = 10**10


def fts_rowid(nct_id: str) -> int:
    """The SQLite full-text row of a trial: a pure function of its id, so no rowid has to survive a VACUUM."""
    match = _NCT_NUMBER.match(nct_id)
    if match is not None:
        return int(match.group(1))
    return _HASHED_ROWID_BASE + int(hashlib.sha256(nct_id.encode()).hexdigest()[:12], 16)


def phases_text(phases: tuple[str, ...]) -> str:
    return f"|{'|'.join(phases)}|" if phases else ""


def phases_from_text(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in (text or "").split("|") if part)


@dataclass(frozen=True)
class SearchText:
    """The text of one trial, by field, as the full-text index weighs it."""

    title: str
    conditions: str
    keywords: str
    mesh: str
    interventions: str
    summary: str


def search_text(trial: Trial) -> SearchText:
    titles = [trial.brief_title, trial.official_title, trial.acronym]
    names: list[str] = []
    for intervention in trial.interventions:
        names.append(intervention.name)
        names.extend(intervention.other_names)
    return SearchText(
        title=" ".join(t for t in titles if t),
        conditions=" ".join(trial.conditions),
        keywords=" ".join(trial.keywords),
        mesh=" ".join((*trial.condition_mesh_terms, *trial.intervention_mesh_terms)),
        interventions=" ".join(names),
        summary=" ".join(t for t in (trial.brief_summary, trial.detailed_description) if t),
    )


def site_rows(trial: Trial, points: Sequence[tuple[float, float] | None]) -> list[dict[str, Any]]:
    """The sites rows of `trial`, each at its point (one per location, placed by the finisher)."""
    rows = []
    for location, point in zip(trial.locations, points, strict=True):
        rows.append(
            {
                "nct_id": trial.nct_id,
                "facility": location.facility,
                "city": location.city,
                "state": location.state,
                "zip": location.zip,
                "country": location.country,
                "status": location.status,
                "lat": point[0] if point else None,
                "lon": point[1] if point else None,
            }
        )
    return rows
