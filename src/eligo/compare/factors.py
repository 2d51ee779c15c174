"""One trial's column on the compare page: the CCLG guide's factors, each read from the record, never written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from eligo.compare.side_effects import SideEffectsView, side_effects_view
from eligo.compare.vocab import Factor, wording
from eligo.criteria.parse import ParsedCriteria, ParsedCriterion
from eligo.geo import geocode_city, haversine_km
from eligo.geo.units import DistanceUnit, distance_text
from eligo.matching.match import OPEN_STATUSES
from eligo.matching.results import TrialResult
from eligo.schedule import WeeksSummary
from eligo.trials.model import Location, Trial

# "Who it is for" rows, in the guide's order; the other rows are built from their own sources.
WHO_FACTORS = ("disease_type", "disease_site", "relapsed_refractory", "prior_treatment", "genes")
# A row quotes at most this many criteria; the rest are counted ("and 3 more in the record").
MAX_QUOTES = 4


@dataclass(frozen=True)
class Quote:
    """A criterion in the trial's own words, and whether a child must meet it or must not."""

    section: str  # "inclusion" or "exclusion"
    text: str


@dataclass(frozen=True)
class WhoRow:
    quotes: tuple[Quote, ...]
    more: int


@dataclass(frozen=True)
class NearestSite:
    facility: str | None
    city: str | None
    country: str | None
    distance_km: float | None

    def distance_words(self, units: DistanceUnit) -> str:
        return distance_text(self.distance_km, units)


@dataclass(frozen=True)
class CompareColumn:
    trial: Trial
    who: dict[str, WhoRow]
    early_phase: bool
    weeks: WeeksSummary | None
    side_effects: SideEffectsView
    nearest_site: NearestSite | None
    open_sites: int
    status_source: str
    result: TrialResult | None

    @property
    def open_questions(self) -> tuple[str, ...]:
        return tuple(question.question for question in self.result.open_questions) if self.result else ()


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Short words are whole words ("alk" is not "alkaline", "gene" is not "general"); longer ones are
    # word starts ("relapse" finds "relapsed", "metasta" finds "metastatic").
    parts = [rf"\b{re.escape(word)}\b" if len(word) <= 4 else rf"\b{re.escape(word)}" for word in words]
    return re.compile("|".join(parts), re.IGNORECASE)


def _nodes(parsed: ParsedCriteria) -> Iterator[ParsedCriterion]:
    stack = list(reversed(parsed.criteria))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def who_rows(parsed: ParsedCriteria | None) -> dict[str, WhoRow]:
    """For each "who it is for" factor, the criteria that mention its words, in the order of the record."""
    factors: list[Factor] = [wording().factor(key) for key in WHO_FACTORS]
    found: dict[str, list[Quote]] = {factor.key: [] for factor in factors}
    for node in _nodes(parsed) if parsed else ():
        text = " ".join(node.text.split())
        if not text:
            continue
        for factor in factors:
            if factor.words and _pattern(factor.words).search(text):
                quote = Quote(node.section, text)
                if quote not in found[factor.key]:
                    found[factor.key].append(quote)
    return {key: WhoRow(tuple(quotes[:MAX_QUOTES]), max(0, len(quotes) - MAX_QUOTES)) for key, quotes in found.items()}


def _is_open(site: Location, trial: Trial) -> bool:
    return (site.status or trial.overall_status or "") in OPEN_STATUSES


def nearest_open_site(trial: Trial, origin: tuple[float, float] | None) -> tuple[NearestSite | None, int]:
    """The nearest open site to `origin` (the first open site when there is no origin), and how many are open."""
    best: tuple[float, NearestSite] | None = None
    first: NearestSite | None = None
    count = 0
    for site in trial.locations:
        if not _is_open(site, trial):
            continue
        count += 1
        distance = None
        # Transcribed sites may give only a city; the store places them the same way at import.
        point = (site.geo.lat, site.geo.lon) if site.geo else geocode_city(site.city, site.country, site.state)
        if origin and point:
            distance = haversine_km(origin[0], origin[1], point[0], point[1])
        view = NearestSite(site.facility, site.city, site.country, distance)
        first = first or view
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, view)
    return (best[1] if best else first), count


def status_source(trial: Trial) -> str:
    words = wording().sources
    provenance = trial.provenance
    if provenance is None:
        return "source not recorded"
    source = words.get(provenance.source_format.value, provenance.source_format.value)
    if provenance.overlay_sources:
        source += " and " + "; ".join(provenance.overlay_sources)
    return source


def is_early_phase(trial: Trial) -> bool:
    return any(phase in wording().early_phases for phase in trial.phases)


def compare_column(
    trial: Trial,
    parsed: ParsedCriteria | None,
    weeks: WeeksSummary | None,
    origin: tuple[float, float] | None,
    result: TrialResult | None,
) -> CompareColumn:
    site, open_sites = nearest_open_site(trial, origin)
    return CompareColumn(
        trial=trial,
        who=who_rows(parsed),
        early_phase=is_early_phase(trial),
        weeks=weeks,
        side_effects=side_effects_view(trial.adverse_events),
        nearest_site=site,
        open_sites=open_sites,
        status_source=status_source(trial),
        result=result,
    )
