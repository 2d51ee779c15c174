"""The clinic summary of a child's matches: for each trial, everything a clinic needs on paper, built
once and read by the printable page, the CSV and the JSON downloads alike.

Per trial: the verdict in words, what looks met, what might rule the child out (with the criterion's
own text), what waiting or a transfusion clears and from when, every open question in full, the
nearest site with whom to contact, and the disclaimer. Nothing is shortened here; a page that shows
less says how much it left out. The words are in explain/clinic.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from eligo.explain.verdicts import criterion_label, explain
from eligo.matching.match import Match
from eligo.matching.ranking import checked_count
from eligo.matching.results import CriterionResult, TrialResult
from eligo.patients.profile import PatientProfile
from eligo.rules.verdicts import CriterionVerdict
from eligo.yamlfile import load_model

# Who reads the words: a family ("Has your child …?") or a clinician ("Has the patient …?").
Audience = Literal["family", "clinician"]


class ClinicianWords(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    phrases: tuple[tuple[str, str], ...]
    disclaimer: str


class ClinicWords(BaseModel):
    """explain/clinic.yaml: how the summary names the child's details and its own parts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: dict[str, str]
    values: dict[str, str]
    score: str
    clinician: ClinicianWords


@cache
def clinic_words() -> ClinicWords:
    return load_model(ClinicWords, "eligo.explain", "clinic.yaml")


@cache
def _clinician_pattern() -> re.Pattern[str]:
    phrases = (re.escape(family) for family, _ in clinic_words().clinician.phrases)
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


def worded_for(text: str, audience: Audience) -> str:
    """`text`, written to a family, as `audience` reads it (the phrases of clinic.yaml's `clinician`)."""
    if audience == "family" or not text:
        return text
    replacements = {family.lower(): clinician for family, clinician in clinic_words().clinician.phrases}

    def swap(found: re.Match[str]) -> str:
        said = found.group(0)
        new = replacements[said.lower()]
        return new[:1].upper() + new[1:] if said[:1].isupper() else new

    return _clinician_pattern().sub(swap, text)


def disclaimer_for(audience: Audience, family: str) -> str:
    """The disclaimer each audience reads: `family` is the family's (explain.payloads.DISCLAIMER)."""
    return family if audience == "family" else clinic_words().clinician.disclaimer


@dataclass(frozen=True)
class CriterionLine:
    """One criterion as the summary prints it: its own text, what the record shows, and the verdict in words."""

    id: str
    section: str
    text: str
    evidence: str
    label: str
    clears_on: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "section": self.section,
            "text": self.text,
            "evidence": self.evidence,
            "label": self.label,
            "clears_on": self.clears_on.isoformat() if self.clears_on else None,
        }


@dataclass(frozen=True)
class QuestionLine:
    id: str
    section: str
    question: str
    text: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "section": self.section, "question": self.question, "text": self.text}


@dataclass(frozen=True)
class SiteContact:
    """The nearest open site of a trial and whom to contact there (the site's own contact, else the
    trial's central one, else the sponsor's name), as the web layer reads it from the trial record."""

    facility: str
    place: str
    status: str | None
    distance_km: float | None
    contact_name: str | None
    phone: str | None
    email: str | None
    contact_from: str

    def as_json(self) -> dict[str, Any]:
        return {
            "facility": self.facility,
            "place": self.place,
            "status": self.status,
            "distance_km": round(self.distance_km, 1) if self.distance_km is not None else None,
            "contact_name": self.contact_name,
            "phone": self.phone,
            "email": self.email,
            "contact_from": self.contact_from,
        }


@dataclass(frozen=True)
class TrialSummary:
    """One listed trial, in full."""

    match: Match
    rank: int
    headline: str
    checked: int
    looks_met: tuple[CriterionLine, ...]
    might_rule_out: tuple[CriterionLine, ...]
    waiting: tuple[CriterionLine, ...]
    open_questions: tuple[QuestionLine, ...]
    site: SiteContact | None

    @property
    def result(self) -> TrialResult:
        return self.match.result


def _leaves(result: TrialResult) -> Iterable[CriterionResult]:
    for top in result.criteria:
        for node in top.walk():
            if not node.children:
                yield node


def _line(node: CriterionResult, audience: Audience = "family") -> CriterionLine:
    return CriterionLine(
        id=node.id,
        section=node.section,
        text=node.text,
        evidence=worded_for(node.evidence, audience),
        label=worded_for(criterion_label(node), audience),
        clears_on=node.clears_on,
    )


def looks_met(result: TrialResult, audience: Audience = "family") -> tuple[CriterionLine, ...]:
    """The criteria the record confirms in the child's favour (what the tallies count as met)."""
    decided = (CriterionVerdict.MET, CriterionVerdict.NOT_MET)
    return tuple(
        _line(node, audience)
        for node in _leaves(result)
        if node.verdict in decided and node.set_aside is None and not node.rules_out and node.remedy is None
    )


def might_rule_out(result: TrialResult, audience: Audience = "family") -> tuple[CriterionLine, ...]:
    """The criteria that rule the child out as the record stands, each with its own text and, under a
    compound criterion, the parts that do."""
    lines: list[CriterionLine] = []
    for top in result.criteria:
        if top.id not in result.ruled_out_by:
            continue
        lines.append(_line(top, audience))
        lines.extend(
            _line(node, audience) for node in top.walk() if node is not top and not node.children and node.rules_out
        )
    return tuple(lines)


def summarise(
    matches: Iterable[Match], sites: Mapping[str, SiteContact] | None = None, audience: Audience = "family"
) -> list[TrialSummary]:
    """Every match in the order given, in full; `sites`: the nearest site of each trial, when known;
    the words (not the criteria's own text) as `audience` reads them."""
    found = []
    for rank, match in enumerate(matches, start=1):
        result = match.result
        told = explain(result)
        found.append(
            TrialSummary(
                match=match,
                rank=rank,
                headline=worded_for(told.headline, audience),
                checked=checked_count(match.evaluation),
                looks_met=looks_met(result, audience),
                might_rule_out=might_rule_out(result, audience),
                waiting=tuple(
                    CriterionLine(
                        reason.id,
                        "",
                        reason.text,
                        worded_for(reason.evidence, audience),
                        worded_for(reason.label, audience),
                    )
                    for reason in told.waiting
                ),
                open_questions=tuple(
                    QuestionLine(q.id, q.section, worded_for(q.question, audience), q.text)
                    for q in result.open_questions
                ),
                site=(sites or {}).get(match.hit.nct_id),
            )
        )
    return found


def profile_lines(profile: PatientProfile) -> list[tuple[str, str]]:
    """The child's details the results were worked out from, as (label, value) lines: every field the
    profile gives, nothing made up, in the profile's own order."""
    words = clinic_words()
    data = profile.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return [(words.fields.get(name, _humane(name)), _value_text(value)) for name, value in data.items()]


def _humane(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _value_text(value: Any) -> str:
    values = clinic_words().values
    if isinstance(value, bool):
        return values["yes"] if value else values["no"]
    if isinstance(value, dict):
        return _record_text(value)
    if isinstance(value, list):
        return "; ".join(_value_text(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return values.get(text, text.replace("_", " "))


# A repeating row (a lab, a score, a treatment) reads best as its name and value first, then the rest.
_HEADS = ("test", "scale", "agent", "field", "type", "place", "value", "score", "unit")


def _record_text(value: dict[str, Any]) -> str:
    head = " ".join(_value_text(value[key]) for key in _HEADS if key in value)
    rest = [f"{_humane(key).lower()} {_value_text(item)}" for key, item in value.items() if key not in _HEADS]
    return ", ".join(part for part in (head, *rest) if part)
