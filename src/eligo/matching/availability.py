"""Whether a family can still join a trial, why it is set aside if not, what kind of protocol it is,
and where its status comes from and how old it is.

A research nurse would not offer a study whose expected end passed two years ago, nor one that has
stopped recruiting, however well the child fits; she would say a site is recruiting when the site
says so, though the registry's overall status is blank; and she would tell a family that a
compassionate-use protocol is treatment, not research. The words are in explain/wording.yaml.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligo.store.search import TrialSketch
from eligo.trials.model import Trial
from eligo.trials.statuses import OPEN_STATUSES
from eligo.yamlfile import load_model

Kind = Literal["treatment", "expanded_access", "palliative"]
# Treatment trials first, for a child of equal verdict.
KIND_ORDER: dict[Kind, int] = {"treatment": 0, "expanded_access": 1, "palliative": 2}


class _Words(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AvailabilityWords(_Words):
    ended: str
    primary_completion: str
    completion: str
    not_open: str
    at_site: str
    unstated: str
    registry_source: str
    registry_undated: str
    overlay_source: str


class KindWords(_Words):
    palliative_words: tuple[str, ...]
    expanded_access: str
    palliative: str


class EarlyPhase(_Words):
    phases: tuple[str, ...]
    caution: str
    source: str


class _File(BaseModel):
    """The availability part of explain/wording.yaml (the rest is read by eligo.explain.verdicts): the
    words live with the other wording a family reads; the decisions they name are made here, in the
    matching layer, because the ranking sets trials aside and orders protocols by kind."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    availability: AvailabilityWords
    kinds: KindWords
    early_phase: EarlyPhase
    life_expectancy_note: str


@cache
def words() -> _File:
    return load_model(_File, "eligo.explain", "wording.yaml")


@dataclass(frozen=True)
class TrialFacts:
    """The few registry facts availability reads (from a `Trial` or a store sketch)."""

    overall_status: str | None
    study_type: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    last_update_date: str | None = None
    title: str = ""
    summary: str | None = None
    overlay_sources: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()


def facts_of_trial(trial: Trial) -> TrialFacts:
    return TrialFacts(
        overall_status=trial.overall_status,
        study_type=trial.study_type,
        primary_completion_date=trial.primary_completion_date,
        completion_date=trial.completion_date,
        last_update_date=trial.last_update_date,
        title=trial.title,
        summary=trial.brief_summary,
        overlay_sources=trial.provenance.overlay_sources if trial.provenance else (),
        phases=trial.phases,
    )


@dataclass(frozen=True)
class Availability:
    # Whether a family can ask to join now, as far as the record shows.
    open: bool
    # Why the trial is set aside (None when it is not).
    reason: str | None
    # The status that applies, in words a family reads, with where it applies.
    status: str
    # Where the status comes from and how old it is.
    source: str
    kind: Kind
    kind_label: str | None


def facts_of_sketch(sketch: TrialSketch, phases: tuple[str, ...] = ()) -> TrialFacts:
    return TrialFacts(
        overall_status=sketch.overall_status,
        study_type=sketch.study_type,
        primary_completion_date=sketch.primary_completion_date,
        completion_date=sketch.completion_date,
        last_update_date=sketch.last_update_date,
        title=sketch.title,
        summary=sketch.brief_summary,
        overlay_sources=sketch.overlay_sources,
        phases=phases,
    )


@dataclass(frozen=True)
class Standing:
    """What the ranking reads of a trial's availability: whether a family can ask to join now, and
    what kind of protocol it is (treatment trials before expanded access and palliative protocols)."""

    open: bool = True
    kind: Kind = "treatment"
    # The registry facts these were read from, kept so a page can word the availability without reading them again.
    facts: TrialFacts | None = None

    @property
    def kind_order(self) -> int:
        return KIND_ORDER[self.kind]


def ended_on(facts: TrialFacts, on: date) -> tuple[str, str] | None:
    """The registry end date that has passed by `on` (field name, date as written), if any."""
    for field in ("primary_completion_date", "completion_date"):
        value: str | None = getattr(facts, field)
        end = last_day(value) if value else None
        if value and end is not None and end < on:
            return field, value
    return None


def standing(facts: TrialFacts, on: date) -> Standing:
    """Whether a family can ask to join on `on` and the kind of protocol, as `availability` decides them."""
    open_now = ended_on(facts, on) is None and (not facts.overall_status or facts.overall_status in OPEN_STATUSES)
    return Standing(open=open_now, kind=kind_of(facts), facts=facts)


def last_day(partial: str) -> date | None:
    """The last day a registry date ("2024", "2024-01", "2024-01-31") can mean."""
    try:
        if len(partial) == 4:
            return date(int(partial), 12, 31)
        if len(partial) == 7:
            year, month = int(partial[:4]), int(partial[5:7])
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(partial)
    except ValueError:
        return None


def _pretty(partial: str) -> str:
    if len(partial) == 10:
        day = date.fromisoformat(partial)
        return f"{day.day} {day:%B %Y}"
    if len(partial) == 7:
        return date.fromisoformat(partial + "-01").strftime("%B %Y")
    return partial


def kind_of(facts: TrialFacts) -> Kind:
    text = f"{facts.title} {facts.summary or ''}".lower()
    if any(word in text for word in words().kinds.palliative_words):
        return "palliative"
    return "expanded_access" if facts.study_type == "EXPANDED_ACCESS" else "treatment"


def source_of(facts: TrialFacts) -> str:
    told = words().availability
    if facts.overlay_sources:
        return "; ".join(told.overlay_source.format(source=source) for source in facts.overlay_sources)
    if facts.last_update_date:
        return told.registry_source.format(date=_pretty(facts.last_update_date))
    return told.registry_undated


def availability(
    facts: TrialFacts,
    on: date,
    status_words: dict[str, str],
    *,
    site_status: str | None = None,
    site_name: str | None = None,
) -> Availability:
    """What a family can do about this trial on `on`. `site_status` and `site_name`: the nearest
    site's own status and name, when known."""
    told = words().availability
    kind = kind_of(facts)
    label = None if kind == "treatment" else str(getattr(words().kinds, kind))
    source = source_of(facts)

    def says(status: str) -> str:
        return status_words.get(status, status.replace("_", " ").capitalize())

    ended = ended_on(facts, on)
    if ended is not None:
        field, value = ended
        which = told.primary_completion if field == "primary_completion_date" else told.completion
        status = says(facts.overall_status) if facts.overall_status else told.unstated
        reason = told.ended.format(which=which, date=_pretty(value))
        return Availability(False, reason, status, source, kind, label)
    if facts.overall_status:
        status = says(facts.overall_status)
        if facts.overall_status not in OPEN_STATUSES:
            return Availability(False, told.not_open.format(status=status.lower()), status, source, kind, label)
        return Availability(True, None, status, source, kind, label)
    if site_status in OPEN_STATUSES and site_name:
        status = told.at_site.format(status=says(site_status), site=site_name)
        return Availability(True, None, status, source, kind, label)
    return Availability(True, None, told.unstated, source, kind, label)


def early_phase_caution(phases: tuple[str, ...]) -> str | None:
    caution = words().early_phase
    return caution.caution if any(phase in caution.phases for phase in phases) else None
