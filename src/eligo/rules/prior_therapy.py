"""The prior-therapy rule kind: model, question, evaluator and record (the washout step reads it)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import model_validator

from eligo.patients.profile import DiseaseState, PatientProfile
from eligo.rules._therapy import (
    Exposure,
    _Finding,
    _History,
    _history,
    _Item,
    _Seen,
    _unclassified_text,
    _unknown,
    therapy_classes,
    therapy_wording,
)
from eligo.rules.base import RuleBase, Section
from eligo.rules.drugs import questions, vocabulary
from eligo.rules.kind import RuleKind
from eligo.rules.verdicts import Outcome


class PriorTherapyRule(RuleBase):
    """Whether the child has had (or is having) an exposure, or an allowance about it.

    condition:
      received / not_received: has had it (`timing="ever"`) or is receiving it now ("current");
      permitted: the trial states that prior use is allowed; always met, kept to show the fact;
      no_progression_on: if had, the disease did not relapse or progress while receiving it;
      progressed_on: had it, and the disease progressed while receiving it (`or_after`: or at any
        time after it, read from the profile's disease states);
      not_concomitant: the listed agents (or classes) were never given at overlapping dates.
    """

    kind: Literal["prior_therapy"] = "prior_therapy"
    exposure: Exposure
    condition: Literal["received", "not_received", "permitted", "no_progression_on", "progressed_on", "not_concomitant"]
    timing: Literal["ever", "current"] = "ever"
    or_after: bool | None = None  # progressed_on only: True for "progressed on or after"

    @model_validator(mode="after")
    def _shape(self) -> PriorTherapyRule:
        if self.condition == "not_concomitant" and len(self.exposure.agents) + len(self.exposure.therapy_classes) < 2:
            raise ValueError("not_concomitant needs two or more agents or classes")
        if self.condition in ("no_progression_on", "progressed_on") and not self.exposure.covers_therapies:
            raise ValueError(f"{self.condition} applies to drug therapies")
        if (self.or_after is not None) != (self.condition == "progressed_on"):
            raise ValueError("or_after is given with progressed_on, and only then")
        if self.timing == "current" and self.condition not in ("received", "not_received"):
            raise ValueError("timing='current' applies to received / not_received")
        return self

    def question(self, section: Section) -> str:
        q = questions()
        template = {
            ("received", "ever"): q.received_ever,
            ("received", "current"): q.received_current,
            ("not_received", "ever"): q.not_received_ever,
            ("not_received", "current"): q.not_received_current,
        }.get((self.condition, self.timing))
        if template is None:
            template = {
                "permitted": q.permitted,
                "no_progression_on": q.no_progression_on,
                "progressed_on": q.progressed_on_or_after if self.or_after else q.progressed_on,
            }.get(self.condition, q.not_concomitant)
        names = " and ".join(self.exposure.agents) or self.exposure.label
        return template.format(what=self.exposure.described(), label=self.exposure.label, names=names)


def _is_current(item: _Item, on: date) -> bool | None:
    if item.ongoing or (item.last is not None and item.last >= on):
        return True
    if item.last is not None:
        return False
    return None


def evaluate_prior_therapy(rule: PriorTherapyRule, profile: PatientProfile, on: date) -> Outcome:
    exposure = rule.exposure
    if rule.condition == "permitted":
        return Outcome.met(f"Prior {exposure.label} is allowed by this trial.")
    history = _history(exposure, profile)
    if rule.condition == "no_progression_on":
        return _no_progression(rule, history)
    if rule.condition == "progressed_on":
        return _progressed_on(rule, history, profile)
    if rule.condition == "not_concomitant":
        return _not_concomitant(rule, profile, on)
    had: list[str] = []
    unsure: list[str] = [_unclassified_text(item) for item in history.unclassified]
    for item in history.items:
        current = _is_current(item, on) if rule.timing == "current" else True
        if current:
            had.append(item.name + (" (ongoing)" if rule.timing == "current" else ""))
        elif current is None:
            unsure.append(f"Eligo cannot tell whether {item.name} is still being given")
    for item in history.caveats:
        if rule.timing == "ever" or _is_current(item, on) is not False:
            unsure.append(f"{item.name}: {exposure.caveat}")
    if rule.timing == "current" and exposure.therapy_classes == ("investigational",):
        unsure += [
            f"Eligo cannot tell whether {t.agent} is given on a study"
            for t in profile.therapies
            if "investigational" not in therapy_classes(t)
            and _is_current(_Item(t.agent, t.end, t.ongoing), on) is not False
        ]
    when = "is currently receiving" if rule.timing == "current" else "has had"
    holds = rule.condition == "received"
    if had:
        text = f"The child {when} {exposure.label}: {', '.join(had)}."
        return Outcome.met(text) if holds else Outcome.not_met(text)
    if unsure or history.gaps:
        return _unknown([_Finding(_Seen.UNSURE, u) for u in unsure], history.gaps, exposure.label)
    text = f"No {exposure.label} {'now ' if rule.timing == 'current' else ''}in the recorded history."
    return Outcome.not_met(text) if holds else Outcome.met(text)


def _no_progression(rule: PriorTherapyRule, history: _History) -> Outcome:
    label = rule.exposure.label
    progressed = _progressed_during(history)
    if progressed:
        return Outcome.not_met(f"The disease progressed during {', '.join(progressed)} ({label}).")
    unsure = _progress_unrecorded(history)
    if unsure:
        return Outcome.unknown(
            f"The profile does not say whether the disease progressed during {', '.join(unsure)}.", "therapies"
        )
    if history.unclassified or history.gaps:
        found = [
            _Finding(_Seen.UNSURE, f"Eligo does not know which class '{i.name}' belongs to")
            for i in history.unclassified
        ]
        return _unknown(found, history.gaps, label)
    if history.items:
        return Outcome.met(f"No progression recorded during {', '.join(i.name for i in history.items)} ({label}).")
    return Outcome.met(f"No {label} in the recorded history.")


def _progressed_during(history: _History) -> list[str]:
    """The therapies in `history` during which the disease progressed, by name."""
    return [
        i.name
        for i in history.items
        if i.therapy and (i.therapy.progressed_on_therapy or i.therapy.response == "progression")
    ]


def _progress_unrecorded(history: _History) -> list[str]:
    """The therapies in `history` whose record does not say whether the disease progressed."""
    return [
        i.name
        for i in history.items
        if i.therapy and i.therapy.progressed_on_therapy is None and i.therapy.response is None
    ]


# Disease states that show the disease grew or came back at some point after a therapy.
_PROGRESSED_STATES = frozenset({DiseaseState.RELAPSED, DiseaseState.PROGRESSIVE, DiseaseState.REFRACTORY})


def _progressed_on(rule: PriorTherapyRule, history: _History, profile: PatientProfile) -> Outcome:
    label = rule.exposure.label
    during = _progressed_during(history)
    if during:
        return Outcome.met(f"The disease progressed during {', '.join(during)} ({label}).")
    had = [i.name for i in history.items]
    if rule.or_after and had:
        states = set(profile.disease_states)
        if states & _PROGRESSED_STATES:
            shown = ", ".join(sorted(s.value.replace("_", " ") for s in states & _PROGRESSED_STATES))
            return Outcome.met(f"The child had {', '.join(had)} ({label}) and the disease is now {shown}.")
    unsure = _progress_unrecorded(history)
    if unsure:
        return Outcome.unknown(
            f"The profile does not say whether the disease progressed during {', '.join(unsure)}.", "therapies"
        )
    if history.unclassified or history.gaps:
        found = [_Finding(_Seen.UNSURE, _unclassified_text(i)) for i in history.unclassified]
        return _unknown(found, history.gaps, label)
    if not had:
        return Outcome.not_met(f"No {label} in the recorded history.")
    if rule.or_after and not profile.disease_states:
        return Outcome.unknown(
            f"The profile does not say whether the disease progressed after {', '.join(had)}.", "disease_states"
        )
    return Outcome.not_met(f"No progression recorded during{' or after' if rule.or_after else ''} {', '.join(had)}.")


def _not_concomitant(rule: PriorTherapyRule, profile: PatientProfile, on: date) -> Outcome:
    groups = [Exposure(agents=(agent,), label=agent) for agent in rule.exposure.agents] + [
        Exposure(therapy_classes=(cls,), label=vocabulary().label(cls)) for cls in rule.exposure.therapy_classes
    ]
    if not profile.therapies:
        return Outcome.unknown("No therapy history in the profile.", "therapies")
    found = [[i for i in _history(g, profile).items if i.therapy is not None] for g in groups]
    unsure: list[str] = []
    for a_index, a_items in enumerate(found):
        for b_items in found[a_index + 1 :]:
            for a in a_items:
                for b in b_items:
                    overlap = _overlap(a, b, on)
                    if overlap is True:
                        return Outcome.not_met(
                            f"{a.name} and {b.name} were given at overlapping dates ({_span(a, on)}; {_span(b, on)})."
                        )
                    if overlap is None:
                        unsure.append(f"{a.name} and {b.name}")
    if unsure:
        return Outcome.unknown(f"Dates are missing to tell whether these overlapped: {'; '.join(unsure)}.", "therapies")
    return Outcome.met(f"{rule.exposure.label} were not given at the same time in the recorded history.")


def _bounds(item: _Item, on: date) -> tuple[date, date] | None:
    end = on if item.ongoing else item.last
    if item.start is None or end is None:
        return None
    return item.start, end


def _overlap(a: _Item, b: _Item, on: date) -> bool | None:
    first, second = _bounds(a, on), _bounds(b, on)
    if first is None or second is None:
        return None
    return first[0] <= second[1] and second[0] <= first[1]


def _span(item: _Item, on: date) -> str:
    bounds = _bounds(item, on)
    return f"{item.name} {bounds[0].isoformat()} to {bounds[1].isoformat()}" if bounds else item.name


KIND = RuleKind(
    PriorTherapyRule, therapy_wording,
    ("received_ever", "received_current", "not_received_ever", "not_received_current", "permitted",
     "no_progression_on", "progressed_on", "progressed_on_or_after", "not_concomitant"),
    evaluate_prior_therapy, produced_by="washout",
)  # fmt: skip

__all__ = ["KIND", "PriorTherapyRule", "evaluate_prior_therapy"]
