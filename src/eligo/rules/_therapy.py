"""Shared by the therapy-history rule kinds: the exposure a rule names, and the child's history
of matching therapies the evaluators read.

Evaluates therapy-history rules (washouts, prior therapy, cumulative dose, stored stem cells)
against a profile's dated therapies, radiation, transplants and vaccines.

Decisions a reviewer should know:

- A therapy's classes are its explicit `classes` plus the drug vocabulary's classes for its
  `agent`. An agent Eligo cannot classify makes class-based rules unknown, with the name said,
  unless its dates show it cannot matter.
- Completeness: an empty list (no therapies, no radiation, no transplants) means "not told",
  never "none", so rules over it are unknown with the question. A non-empty list is taken as
  the child's complete history of that kind (it comes from a clinician-filled form or record);
  the profile has no way yet to say "no radiation" explicitly.
- The last dose is `end`; `ongoing` counts as a dose on the evaluation date; a therapy with
  neither is unknown, except that a `start` inside the window already shows recent exposure.
- Days are whole calendar days up to the evaluation date, which stands in for the criterion's
  reference point: "at least 21 days" is met on day 21 and not on day 20; "within 28 days" is
  days 0-27. Calendar months are used for month windows; for hour windows, whole days are
  compared and the boundary day is unknown (dose times are not recorded).
- "N half-lives, whichever is longer" uses the label half-life from the vocabulary; without a
  known half-life the rule is unknown once the fixed window has passed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from eligo.patients.profile import PatientProfile, Therapy
from eligo.rules.drugs import normalize_name, questions, vocabulary
from eligo.rules.verdicts import Outcome
from eligo.terms import RadiationField


class Exposure(BaseModel):
    """What a therapy-history rule is about: drug classes or named agents, radiation fields,
    a kind of stem cell transplant, or a live vaccine (any of those listed counts)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    therapy_classes: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()  # preferred vocabulary names
    # Agents the criterion carves out ("growth factors EXCEPT erythropoietin and darbepoetin").
    excluded_agents: tuple[str, ...] = ()
    radiation_fields: tuple[RadiationField, ...] = ()
    # "any": a transplant of either kind ("prior stem cell transplantation" names none).
    transplant: Literal["autologous", "allogeneic", "any"] | None = None
    myeloablative: bool | None = None  # None: any conditioning
    live_vaccine: bool = False
    # Plain words for questions and evidence ("a monoclonal antibody"); examples for parents.
    label: str
    examples: tuple[str, ...] = ()
    # Classes whose matches need a human look because the criterion allows some uses of them
    # ("hydrocortisone ≤ 2 mg/kg as premedication is allowed"); the note says which.
    caveat_classes: tuple[str, ...] = ()
    caveat: str | None = None

    @field_validator("therapy_classes", "caveat_classes")
    @classmethod
    def _known_classes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if not vocabulary().is_class(name)]
        if unknown:
            raise ValueError(f"unknown therapy classes {unknown}")
        return value

    @field_validator("agents", "excluded_agents")
    @classmethod
    def _known_agents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if vocabulary().drug(name) is None]
        if unknown:
            raise ValueError(f"agents not in the drug vocabulary: {unknown}")
        return value

    @model_validator(mode="after")
    def _has_target(self) -> Exposure:
        if not (self.therapy_classes or self.agents or self.radiation_fields or self.transplant or self.live_vaccine):
            raise ValueError(
                "an exposure names at least one therapy class, agent, radiation field, transplant or vaccine"
            )
        if self.myeloablative is not None and self.transplant is None:
            raise ValueError("myeloablative qualifies a transplant")
        if bool(self.caveat_classes) != bool(self.caveat):
            raise ValueError("caveat_classes and caveat go together")
        return self

    @property
    def covers_therapies(self) -> bool:
        return bool(self.therapy_classes or self.agents)

    def described(self) -> str:
        if not self.examples:
            return self.label
        return f"{self.label} (for example {', '.join(self.examples[:2])})"


class _Seen(Enum):
    """Whether one item of history falls inside a rule's window."""

    CLEAR = "clear"
    INSIDE = "inside"
    UNSURE = "unsure"


@dataclass(frozen=True)
class _Finding:
    seen: _Seen
    text: str


@dataclass(frozen=True)
class _Item:
    """One dated exposure from the profile, normalised: what it was and its last date."""

    name: str
    last: date | None
    ongoing: bool = False
    start: date | None = None
    therapy: Therapy | None = None
    why_unsure: str | None = None  # for items that may or may not belong to the exposure


def therapy_classes(therapy: Therapy) -> frozenset[str]:
    """Explicit classes plus the vocabulary's classes of the agent, closed under `implies`."""
    drugs = vocabulary()
    return drugs.closure(therapy.classes) | drugs.classes_of(therapy.agent)


def _therapy_match(exposure: Exposure, therapy: Therapy) -> bool | None:
    """True / False, or None when Eligo cannot classify the agent."""
    key = normalize_name(therapy.agent)
    canonical = vocabulary().drug(therapy.agent)
    names = {key} | ({normalize_name(canonical.name)} if canonical else set())
    if any(normalize_name(agent) in names for agent in exposure.excluded_agents):
        return False
    if any(normalize_name(agent) in names for agent in exposure.agents):
        return True
    if not exposure.therapy_classes:
        return False
    classes = therapy_classes(therapy)
    if not classes:
        return None
    return bool(classes & set(exposure.therapy_classes))


def _caveat(exposure: Exposure, therapy: Therapy) -> bool:
    return bool(exposure.caveat_classes and therapy_classes(therapy) & set(exposure.caveat_classes))


@dataclass(frozen=True)
class _History:
    items: tuple[_Item, ...]
    unclassified: tuple[_Item, ...]  # therapies whose class Eligo does not know
    gaps: tuple[str, ...]  # "therapies", "radiation", ... lists that are empty
    caveats: tuple[_Item, ...]


def _history(exposure: Exposure, profile: PatientProfile) -> _History:
    items: list[_Item] = []
    unclassified: list[_Item] = []
    caveats: list[_Item] = []
    gaps: list[str] = []
    if exposure.covers_therapies:
        if not profile.therapies:
            gaps.append("therapies")
        for therapy in profile.therapies:
            item = _Item(therapy.agent, therapy.end, therapy.ongoing, therapy.start, therapy)
            match = _therapy_match(exposure, therapy)
            if match is None:
                unclassified.append(item)
            elif match:
                (caveats if _caveat(exposure, therapy) else items).append(item)
    if exposure.radiation_fields:
        if not profile.radiation:
            gaps.append("radiation")
        fields = set(exposure.radiation_fields)
        for rad in profile.radiation:
            item = _Item(f"{rad.field.replace('_', '-')} radiation", rad.end)
            if rad.field in fields:
                items.append(item)
            elif rad.field in ("other", "large_field") and fields & {
                "total_body",
                "craniospinal",
                "whole_abdominal",
                "whole_lung",
            }:
                why = f"Eligo cannot tell whether the {item.name} ended {rad.end} counts as {exposure.label}"
                unclassified.append(_Item(item.name, item.last, why_unsure=why))
    if exposure.transplant is not None:
        if not profile.transplants:
            gaps.append("transplants")
        for tx in profile.transplants:
            if exposure.transplant not in ("any", tx.type):
                continue
            item = _Item(f"{tx.type} stem cell transplant", tx.date)
            if exposure.myeloablative is None or tx.myeloablative == exposure.myeloablative:
                items.append(item)
            elif tx.myeloablative is None:
                why = f"the profile does not say whether the {item.name} on {tx.date} followed myeloablative therapy"
                unclassified.append(_Item(item.name, item.last, why_unsure=why))
    if exposure.live_vaccine:
        if profile.last_live_vaccine is None:
            gaps.append("last_live_vaccine")
        else:
            items.append(_Item("live vaccine", profile.last_live_vaccine))
    return _History(tuple(items), tuple(unclassified), tuple(gaps), tuple(caveats))


def _unclassified_text(item: _Item) -> str:
    return item.why_unsure or f"Eligo does not know which class '{item.name}' belongs to"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _missing_of(unsure: Sequence[_Finding]) -> tuple[str, ...]:
    text = " ".join(f.text for f in unsure)
    if "radiation" in text:
        return ("radiation",)
    return ("transplants",) if "transplant" in text else ("therapies",)


def _unknown(unsure: Sequence[_Finding], gaps: Sequence[str], label: str) -> Outcome:
    if unsure:
        return Outcome.unknown(_sentence("; ".join(f.text for f in unsure)) + ".", *(gaps or _missing_of(unsure)))
    told = {
        "therapies": "therapy",
        "radiation": "radiation",
        "transplants": "transplant",
        "last_live_vaccine": "live vaccine",
    }
    missing = " or ".join(told[g] for g in gaps)
    return Outcome.unknown(f"No {missing} history in the profile, so Eligo cannot tell about {label}.", *gaps)


def therapy_wording() -> Mapping[str, str]:
    return questions().model_dump()
