"""The physical-status rule kind ("ASA I-III", "ASA physical status > II", "American Society of
Anesthesiologists (ASA) physical status I or II"): model, question, extractor, evaluator and
record (issue #12). Classes are the ASA's 1 (healthy) to 6; a list of classes must be one unbroken
range, or the criterion is left unread."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

_NUMERALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "l": 1, "ll": 2, "lll": 3}
_NUMERAL = re.compile(r"vi|iv|v|iii|ii|i|lll|ll|l|[1-6]", re.IGNORECASE)


class PhysicalStatusRule(RuleBase):
    """The ASA class lies within [min_class, max_class] (both inclusive, either open)."""

    kind: Literal["physical_status"] = "physical_status"
    min_class: int | None = Field(default=None, ge=1, le=6)
    max_class: int | None = Field(default=None, ge=1, le=6)

    @model_validator(mode="after")
    def _a_range(self) -> PhysicalStatusRule:
        if self.min_class is None and self.max_class is None:
            raise ValueError("give a lowest or a highest class")
        if self.min_class is not None and self.max_class is not None and self.min_class > self.max_class:
            raise ValueError("the lowest class is above the highest")
        return self

    def range_text(self) -> str:
        if self.min_class is not None and self.max_class is not None:
            if self.min_class == self.max_class:
                return str(self.min_class)
            return f"{self.min_class} to {self.max_class}"
        if self.min_class is not None:
            return f"{self.min_class} or higher"
        return f"{self.max_class} or lower"

    def question(self, section: Section) -> str:
        return general_wording()["physical_status"].format(range=self.range_text())


def _number(written: str) -> int:
    return int(written) if written.isdigit() else _NUMERALS[written.lower()]


_CLASS = r"(?:vi|iv|v|iii|ii|i|[1-6])"
_REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # "High American Society of Anesthesiologists(ASA) score (over 3)" (NCT03922282): the bound in brackets.
    (re.compile(rf"^high\s+(.*?\bscore)\s*\(\s*(?:over|above|>)\s*({_CLASS})\s*\)$", re.I), r"\1 > \2"),
    # "Co-morbidity >ASA II" (NCT03923621), "(≥ASA IV)" (NCT05381623): the comparator before "ASA".
    (re.compile(r"^co-?morbidit(?:y|ies)\s*(?=[<>≤≥]\s*asa\b)", re.I), ""),
    (re.compile(r"([<>≤≥])\s*asa\s*(?=" + _CLASS + r"\b)", re.I), r"ASA \1 "),
    # "Subjects that are not ASA I" (NCT00973089): any class above the ones named from I up.
    (
        re.compile(
            rf"^(?:subjects?|patients?|participants?)\s+(?:that|who)\s+(?:are|is)\s+not\s+asa\s+(?:class\s+)?(?:i|1)"
            rf"(?:\s*(?:-|to|or|and|,)\s*(?P<hi>{_CLASS}))?$",
            re.I,
        ),
        lambda match: f"ASA > {match['hi'] or 1}",
    ),
)


def _rewritten(text: str) -> str:
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def extract_physical_status(context: CriterionContext) -> PhysicalStatusRule | None:
    text = " ".join(context.normalized.replace("－", "-").replace("Ⅰ", "I").split()).strip().rstrip(".;,").strip()
    text = _rewritten(re.sub(r"\s*</=\s*", " ≤ ", text))
    for pattern in patterns()["physical_status"].compiled:
        match = pattern.match(text)
        if match is None:
            continue
        classes = match["classes"].strip()
        bound = re.match(r"^([<>≤≥])\s*(\S+)$", classes)
        if bound is not None:
            value = _number(bound.group(2))
            symbol = bound.group(1)
            if symbol == ">":
                return PhysicalStatusRule(min_class=value + 1) if value < 6 else None
            if symbol == "≥":
                return PhysicalStatusRule(min_class=value)
            if symbol == "<":
                return PhysicalStatusRule(max_class=value - 1) if value > 1 else None
            return PhysicalStatusRule(max_class=value)
        values = [_number(found) for found in _NUMERAL.findall(re.sub(r"\basa\b", " ", classes, flags=re.I))]
        if not values:
            return None
        if re.search(r"-|–|\bto\b", classes):
            if len(values) != 2:
                return None
            low, high = values
        else:
            low, high = min(values), max(values)
            if sorted(set(values)) != list(range(low, high + 1)):
                return None  # "I or III": not one range
        if low > high:
            return None
        return PhysicalStatusRule(min_class=low, max_class=high)
    return None


def evaluate_physical_status(rule: PhysicalStatusRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial's ASA physical status is {rule.range_text()}"
    found = profile.observations.asa_class
    if found is None:
        return Outcome.unknown(f"No ASA physical status in the profile; {needs}.", "observations.asa_class")
    holds = (rule.min_class is None or found >= rule.min_class) and (rule.max_class is None or found <= rule.max_class)
    return (Outcome.met if holds else Outcome.not_met)(f"ASA physical status {found}; {needs}.")


KIND = RuleKind(
    PhysicalStatusRule,
    general_wording,
    ("physical_status",),
    evaluate_physical_status,
    (Step(extract_physical_status, patterns()["physical_status"].trigger),),
)

__all__ = ["KIND", "PhysicalStatusRule", "evaluate_physical_status", "extract_physical_status"]
