"""The prior-procedure rule kind ("Previous prostate surgery", "previous radiation of pelvis", "Prior
Radiotherapy to the central nervous system"): model, question, extractor, evaluator and record
(issue #12). Surgery is compared with the profile's `procedures`, radiation with its `radiation`
fields; the regions are data (criteria/vocab/body_regions.yaml).

Read only when the whole criterion is the event and the regions: a window ("within 6 months"), a
qualifier ("same breast", "on the operated side", "clinically significant") or an exception leaves it
to other kinds or free text. Evaluation says `met` only on a fact that shows the event; the profile
never says a region was spared, so otherwise the answer is unknown.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import literal_alternation, patterns
from eligo.rules.prefilter import Trigger, phrase_words
from eligo.rules.verdicts import Outcome
from eligo.terms import RadiationField
from eligo.yamlfile import load_yaml

_PATTERNS = patterns()["prior_procedure"]
_EVER = _PATTERNS.regex("ever")
_WHAT_AFTER = _PATTERNS.regex("what_after")
_WHAT_BEFORE = _PATTERNS.regex("what_before")
_JOIN = _PATTERNS.regex("join")
_TAIL = _PATTERNS.regex("tail")
_NEVER = _PATTERNS.regex("never")


class _Region(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    display: str
    words: tuple[str, ...] = Field(min_length=1)
    operations: tuple[str, ...] = ()
    fields: tuple[RadiationField, ...] = ()


class RegionVocab(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    regions: dict[str, _Region]


@cache
def region_vocab() -> RegionVocab:
    text = resources.files("eligo.criteria").joinpath("vocab/body_regions.yaml").read_text(encoding="utf-8")
    return RegionVocab.model_validate(load_yaml(text))


def _words(words: tuple[str, ...]) -> str:
    return literal_alternation(words)


@cache
def _region_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every region word as a whole word, and word -> region."""
    keys = {word.lower(): key for key, region in region_vocab().regions.items() for word in region.words}
    return re.compile(rf"(?<![\w-])(?:{_words(tuple(keys))})(?![\w-])", re.IGNORECASE), keys


@cache
def _operations(region: str) -> re.Pattern[str]:
    entry = region_vocab().regions[region]
    return re.compile(rf"(?<![\w-])(?:{_words((*entry.operations, *entry.words))})(?![\w-])", re.IGNORECASE)


class PriorProcedureRule(RuleBase):
    """The child has ever had `what` (surgery or radiation) to any of `regions`; with `never`, has not."""

    kind: Literal["prior_procedure"] = "prior_procedure"
    what: Literal["surgery", "radiation"]
    regions: tuple[str, ...] = Field(min_length=1)
    never: bool = False

    @model_validator(mode="after")
    def _known(self) -> PriorProcedureRule:
        unknown = set(self.regions) - set(region_vocab().regions)
        if unknown:
            raise ValueError(f"unknown body regions {sorted(unknown)}")
        if len(set(self.regions)) != len(self.regions):
            raise ValueError("regions must not repeat")
        return self

    def places(self) -> str:
        return " or ".join(region_vocab().regions[r].display for r in self.regions)

    def question(self, section: Section) -> str:
        key = f"{'never' if self.never else 'prior'}_{self.what}_region"
        return general_wording()[key].format(regions=self.places())


def _regions_at(text: str, position: int) -> tuple[tuple[str, ...], int] | None:
    """The regions named from `position` on, joined by "or" / "," / "/", and where they end."""
    names, keys = _region_names()
    found: list[str] = []
    while True:
        name = names.match(text, position)
        if name is None:
            return None
        found.append(keys[name[0].lower()])
        following = names.search(text, name.end())
        if following is None or not _JOIN.match(text[name.end() : following.start()]):
            return tuple(dict.fromkeys(found)), name.end()
        position = following.start()


def extract_prior_procedure(context: CriterionContext) -> PriorProcedureRule | None:
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    text = re.sub(r"^[•·]\s*", "", text)
    never = _NEVER.match(text)
    if never is not None:
        text = text[never.end() :]
    ever = _EVER.match(text)
    if ever is None:
        return None
    after = _WHAT_AFTER.match(text, ever.end())
    if after is not None:
        read = _regions_at(text, after.end())
        if read is None or not _TAIL.match(text[read[1] :]):
            return None
        regions, word = read[0], after["what"]
    else:
        read = _regions_at(text, ever.end())
        before = _WHAT_BEFORE.match(text, read[1]) if read is not None else None
        if read is None or before is None:
            return None
        regions, word = read[0], before["what"]
    what: Literal["surgery", "radiation"] = "radiation" if word.lower().startswith(("radi", "irradi")) else "surgery"
    return PriorProcedureRule(what=what, regions=regions, never=never is not None)


def _surgery(rule: PriorProcedureRule, profile: PatientProfile, needs: str) -> Outcome:
    for procedure in profile.procedures:
        if any(_operations(region).search(procedure.name) for region in rule.regions):
            when = f" on {procedure.date.isoformat()}" if procedure.date else ""
            return Outcome.met(f"The profile lists {procedure.name}{when}; {needs}.")
    said = "The profile lists no operations"
    if profile.procedures:
        said = f"The profile lists no operation on {rule.places()}, but may not list every one"
    return Outcome.unknown(f"{said}; {needs}.", "procedures")


def _radiation(rule: PriorProcedureRule, profile: PatientProfile, needs: str) -> Outcome:
    fields = {f for region in rule.regions for f in region_vocab().regions[region].fields} | {"total_body"}
    for radiation in profile.radiation:
        if radiation.field in fields:
            return Outcome.met(f"The profile lists {radiation.field.replace('_', ' ')} radiation; {needs}.")
    said = "The profile does not say which part of the body any radiation treated"
    return Outcome.unknown(f"{said}; {needs}.", "radiation")


def evaluate_prior_procedure(rule: PriorProcedureRule, profile: PatientProfile, on: date) -> Outcome:
    if rule.never:
        what = "needs no operation on" if rule.what == "surgery" else "needs no radiation therapy to"
    else:
        what = "asks about an operation on" if rule.what == "surgery" else "asks about radiation therapy to"
    needs = f"the trial {what} {rule.places()}"
    found = _surgery(rule, profile, needs) if rule.what == "surgery" else _radiation(rule, profile, needs)
    if rule.never and found.verdict == "met":
        return Outcome.not_met(found.evidence)
    return found


def _trigger() -> Trigger | None:
    words = phrase_words(w for region in region_vocab().regions.values() for w in region.words)
    return None if words is None else Trigger(words)


KIND = RuleKind(
    PriorProcedureRule, general_wording,
    ("prior_surgery_region", "prior_radiation_region", "never_surgery_region", "never_radiation_region"),
    evaluate_prior_procedure,
    (Step(extract_prior_procedure, _trigger()),),
)  # fmt: skip

__all__ = ["KIND", "PriorProcedureRule", "RegionVocab", "evaluate_prior_procedure", "extract_prior_procedure"]
