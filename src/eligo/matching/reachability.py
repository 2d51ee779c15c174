"""Whether a realistic profile can meet, and can fail, a rule: profiles built to do each, evaluated.

For each rule the check builds candidate profiles over realistic values
(vocab/realistic_values.yaml) of what the rule reads (age, a lab value or its ULN multiple, a
performance score, life expectancy, cardiac function, sex, pregnancy, breastfeeding, a planned
pregnancy and childbearing potential, smoking, diet, alcohol, menopause, gestational age, the
observations -- body mass index, weight, blood pressure, QTc, heart rate, vital signs -- the ASA
class and clinical scores),
evaluates the rule on each with `evaluate_rule`, and says:
`meetable` (some candidate is met), `unmeetable` (every candidate is not met: a rule nobody can
meet, such as "AST <= 2.5 U/L" read from "<= 2.5 x ULN", or a contradictory range), or
`unchecked` (a kind or shape the check builds no profiles for, or only unknown verdicts). The
same for failing (`unfailable`: always met). Composite rules (`all_of`, `any_of`) combine their
parts' candidates, so "age >= 18 and age < 12" is found unmeetable as a whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.matching.evaluate import evaluate_rule
from eligo.patients.profile import ClinicalScore, LabResult, PatientProfile, PerformanceScore
from eligo.rules.age import AgeRule
from eligo.rules.alcohol import AlcoholRule
from eligo.rules.clinical_score import ClinicalScoreRule, scores_vocab
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.diet import DietRule
from eligo.rules.gestation import GestationRule
from eligo.rules.lab_threshold import LabThresholdRule
from eligo.rules.life_expectancy import LifeExpectancyRule
from eligo.rules.menopause import MenopauseRule
from eligo.rules.observation import ObservationRule, profile_field
from eligo.rules.organ_function import OrganFunctionRule
from eligo.rules.performance import PerformanceRule
from eligo.rules.physical_status import PhysicalStatusRule
from eligo.rules.pregnancy import PregnancyRule
from eligo.rules.prior_pregnancy import PriorPregnancyRule
from eligo.rules.registry import Rule
from eligo.rules.sex import SexRule
from eligo.rules.smoking import SmokingRule
from eligo.rules.verdicts import CriterionVerdict
from eligo.units import lab_spec
from eligo.yamlfile import load_yaml

Reach = Literal["meetable", "unmeetable", "unchecked"]
FailReach = Literal["failable", "unfailable", "unchecked"]
# One candidate: profile field (or "lab:<test>") -> value; merged field by field for composites.
Candidate = dict[str, Any]

_MAX_COMBINED = 4000  # candidates tried for one composite rule; bounds the work on long all_of lists


class Range(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float
    high: float

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a range is [low, high], not {value!r}")
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.high:
            raise ValueError(f"range low {self.low} is above high {self.high}")
        return self


class RealisticValues(BaseModel):
    """realistic_values.yaml as read; every lab named must exist in the lab vocabulary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    labs: dict[str, Range]
    uln_multiple: Range
    age_years: Range
    life_expectancy_months: Range
    ejection_fraction_percent: Range
    shortening_fraction_percent: Range
    # Measurements other than labs, by the observation kind's measure (issue #12).
    observations: dict[str, Range] = {}
    grid_points: int = Field(ge=5, le=2000)

    @model_validator(mode="after")
    def _known_labs(self) -> RealisticValues:
        for test in self.labs:
            lab_spec(test)  # raises for a name the lab vocabulary does not know
        return self


@cache
def realistic_values() -> RealisticValues:
    text = resources.files("eligo.matching.vocab").joinpath("realistic_values.yaml").read_text("utf-8")
    return RealisticValues.model_validate(load_yaml(text))


@dataclass(frozen=True)
class RuleReach:
    meet: Reach
    fail: FailReach
    tried: int  # candidate profiles evaluated


def _grid(span: Range, points: int, log: bool) -> list[float]:
    if log and span.low > 0:
        low, high = math.log(span.low), math.log(span.high)
        return [math.exp(low + (high - low) * i / (points - 1)) for i in range(points)]
    return [span.low + (span.high - span.low) * i / (points - 1) for i in range(points)]


def _candidates(rule: Rule) -> list[Candidate] | None:
    """Candidates over what `rule` reads, or None for a kind the check does not cover."""
    values = realistic_values()
    points = values.grid_points
    if isinstance(rule, AgeRule):
        return [{"age_years": age} for age in _grid(values.age_years, points * 4, log=False)]
    if isinstance(rule, SexRule):
        return [{"sex": "female"}, {"sex": "male"}]
    if isinstance(rule, PregnancyRule) and rule.topic == "pregnant":
        return [
            {"sex": sex, "age_years": 30.0, "pregnant": pregnant, "breastfeeding": feeding, "planning_pregnancy": plan}
            for sex in ("female", "male")
            for pregnant in (True, False)
            for feeding in (True, False)
            for plan in (True, False)
            if sex == "female" or not (pregnant or feeding)
        ]
    if isinstance(rule, LabThresholdRule):
        if rule.condition is not None:
            return None
        extra: dict[str, Any] = {}
        if rule.transfusion == "independent":
            extra["transfused_within_days"] = 3650
        if rule.uln_multiple is not None:
            return [
                {f"lab:{rule.test}": {"value": multiple, "upper_limit_normal": 1.0, **extra}}
                for multiple in _grid(values.uln_multiple, points, log=True)
            ]
        span = values.labs.get(rule.test)
        if span is None:
            return None
        unit = lab_spec(rule.test).display
        return [
            {f"lab:{rule.test}": {"value": value, "unit": unit, **extra}} for value in _grid(span, points, log=True)
        ]
    if isinstance(rule, PerformanceRule):
        scores = [("lansky", s) for s in range(10, 101, 10)] + [("karnofsky", s) for s in range(10, 101, 10)]
        scores += [("ecog", s) for s in range(5)]
        # Lansky applies to children and Karnofsky / ECOG to adults: try each at both ages.
        return [{"performance": (scale, score), "age_years": age} for scale, score in scores for age in (8.0, 30.0)]
    if isinstance(rule, LifeExpectancyRule):
        return [{"life_expectancy_months": m} for m in _grid(values.life_expectancy_months, points, log=True)]
    if isinstance(rule, OrganFunctionRule):
        field = "cardiac_ejection_fraction" if rule.measure == "ejection_fraction" else "cardiac_shortening_fraction"
        span = (
            values.ejection_fraction_percent
            if field == "cardiac_ejection_fraction"
            else values.shortening_fraction_percent
        )
        return [{field: percent} for percent in _grid(span, points, log=False)]
    if isinstance(rule, ObservationRule):
        span = values.observations.get(rule.measure)
        if span is None:
            return None
        return [{f"obs:{profile_field(rule.measure)}": value} for value in _grid(span, points, log=False)]
    if isinstance(rule, PhysicalStatusRule):
        return [{"obs:asa_class": grade} for grade in range(1, 7)]
    if isinstance(rule, ClinicalScoreRule):
        # Every value the scale can take (its whole range, in its steps; 100 points for a continuous index).
        scale = scores_vocab().scales[rule.scale]
        low, high = scale.range
        count = round((high - low) / scale.step) + 1 if scale.step else 101
        return [{"clinical_score": (rule.scale, low + (high - low) * i / (count - 1))} for i in range(count)]
    return _behaviour_candidates(rule)


# Behaviours and reproductive status (issue #12). A key "life:x" is `lifestyle.x`; a key ending in
# "@days_ago" is a date that many days before the evaluation date (negative: after it).
_PACKS = (5.0, 15.0, 30.0, 60.0)


def _behaviour_candidates(rule: Rule) -> list[Candidate] | None:
    if isinstance(rule, SmokingRule):
        current = [{"life:smoking": "current", "life:pack_years": p, "life:cigarettes_per_day": c} for p in _PACKS
                   for c in (3.0, 8.0, 15.0, 30.0)]  # fmt: skip
        former = [{"life:smoking": "former", "life:pack_years": p, "life:quit_smoking@days_ago": d} for p in _PACKS
                  for d in (30, 150, 400, 7 * 365, 20 * 365)]  # fmt: skip
        return [{"life:smoking": "never"}, *current, *former]
    if isinstance(rule, PriorPregnancyRule):
        return [{"sex": "female", "age_years": 30.0, "previous_pregnancies": count} for count in (0, 1, 3)]
    if isinstance(rule, DietRule):
        return [{"life:diet": diet} for diet in ("omnivore", "vegetarian", "vegan")]
    if isinstance(rule, AlcoholRule):
        return [{"life:alcohol_drinks_per_week": drinks} for drinks in (0.0, 3.0, 7.0, 10.0, 14.0, 21.0, 35.0, 70.0)]
    if isinstance(rule, MenopauseRule):
        woman = {"sex": "female", "age_years": 55.0}
        return [
            {**woman, "menopause": "pre"},
            {**woman, "menopause": "peri"},
            *({**woman, "menopause": "post", "last_period@days_ago": d} for d in (60, 400, 3 * 365)),
        ]
    if isinstance(rule, GestationRule) and rule.subject == "birth":
        return [{"gestational_age_at_birth_weeks": float(weeks)} for weeks in range(22, 44)]
    if isinstance(rule, GestationRule):
        woman = {"sex": "female", "age_years": 30.0}
        # Due in 280 - 7w days: w completed weeks of gestation on the evaluation date.
        return [{**woman, "pregnant": False}] + [
            {**woman, "pregnant": True, "due_date@days_ago": 7 * weeks - 280} for weeks in range(4, 43)
        ]
    if isinstance(rule, PregnancyRule) and rule.topic == "childbearing_potential":
        return [
            {"sex": sex, "age_years": 30.0, "reproductive_potential": able}
            for sex in ("female", "male")
            for able in (True, False)
        ]
    return None


def _profile(candidate: Candidate, on: date) -> PatientProfile:
    fields: dict[str, Any] = {}
    labs: list[LabResult] = []
    observations: dict[str, Any] = {}
    lifestyle: dict[str, Any] = {}
    for key, value in candidate.items():
        if key.endswith("@days_ago"):
            key, value = key.removesuffix("@days_ago"), on - timedelta(days=value)
        if key.startswith("life:"):
            lifestyle[key[5:]] = value
        elif key.startswith("lab:"):
            labs.append(LabResult(test=key[4:], date=on, **value))
        elif key.startswith("obs:"):
            observations[key[4:]] = value
        elif key == "performance":
            fields["performance"] = (PerformanceScore(scale=value[0], score=value[1], date=on),)
        elif key == "clinical_score":
            fields["clinical_scores"] = (ClinicalScore(scale=value[0], score=value[1], date=on),)
        else:
            fields[key] = value
    if observations:
        fields["observations"] = observations
    if lifestyle:
        fields["lifestyle"] = lifestyle
    return PatientProfile(labs=tuple(labs), **fields)


def _parts(rule: Rule) -> tuple[Rule, ...] | None:
    return rule.rules if isinstance(rule, AllOf | AnyOf) else None


def _all_candidates(rule: Rule) -> list[Candidate] | None:
    """Candidates for a rule or a composite: each part's candidates, completed with the first of every other part's."""
    parts = _parts(rule)
    if parts is None:
        return _candidates(rule)
    per_part = [_all_candidates(part) for part in parts]
    # An any_of with a part the check cannot build is never "unmeetable" (that part might hold).
    # An all_of still is when its buildable parts contradict each other; the others evaluate to
    # unknown, so such a rule can come out unmeetable or unchecked, never wrongly meetable.
    if isinstance(rule, AnyOf) and any(found is None for found in per_part):
        return None
    lists = [found for found in per_part if found]
    if not lists:
        return None
    out: list[Candidate] = []
    for index, own in enumerate(lists):
        for candidate in own:
            merged: Candidate = {}
            for other_index, other in enumerate(lists):
                if other_index != index:
                    merged.update(other[0])
            merged.update(candidate)
            out.append(merged)
    return out[:_MAX_COMBINED]


def _focused(rule: Rule, on: date) -> Iterator[list[Candidate]]:
    """For an all_of, candidates where every other part is held at a value that meets it; for an
    any_of, at one that fails it (so the whole can fail: "Hb < 8.5; ANC < 0.5; AST > 5 × ULN ...")."""
    parts = _parts(rule)
    if parts is None:
        return
    held_at = CriterionVerdict.MET if isinstance(rule, AllOf) else CriterionVerdict.NOT_MET
    holding: list[list[Candidate]] = []
    for part in parts:
        found = _all_candidates(part) or []
        holding.append([c for c in found if evaluate_rule(part, _profile(c, on), on).verdict is held_at])
    for index, part in enumerate(parts):
        own = _all_candidates(part) or []
        combined: list[Candidate] = []
        for candidate in own:
            merged: Candidate = {}
            for other_index, others in enumerate(holding):
                if other_index != index and others:
                    merged.update(others[len(others) // 2])
            merged.update(candidate)
            combined.append(merged)
        yield combined


def reach(rule: Rule, on: date) -> RuleReach:
    """Try `rule` on profiles built to meet it and to fail it (see the module docstring)."""
    candidates = _all_candidates(rule)
    if not candidates:
        return RuleReach("unchecked", "unchecked", 0)
    verdicts = {evaluate_rule(rule, _profile(c, on), on).verdict for c in candidates}
    tried = len(candidates)
    for extra in _focused(rule, on):
        if CriterionVerdict.MET in verdicts and CriterionVerdict.NOT_MET in verdicts:
            break
        verdicts |= {evaluate_rule(rule, _profile(c, on), on).verdict for c in extra}
        tried += len(extra)
    meet: Reach = (
        "meetable"
        if CriterionVerdict.MET in verdicts or CriterionVerdict.NOT_APPLICABLE in verdicts
        else "unmeetable"
        if verdicts == {CriterionVerdict.NOT_MET}
        else "unchecked"
    )
    fail: FailReach = (
        "failable"
        if CriterionVerdict.NOT_MET in verdicts
        else "unfailable"
        if verdicts <= {CriterionVerdict.MET, CriterionVerdict.NOT_APPLICABLE}
        else "unchecked"
    )
    return RuleReach(meet, fail, tried)


__all__ = ["RealisticValues", "RuleReach", "reach", "realistic_values"]
