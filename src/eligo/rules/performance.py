"""The performance-status rule kind (Lansky, Karnofsky, ECOG): model, question, extractor,
evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError, model_validator

from eligo.patients.profile import PatientProfile, PerformanceScore
from eligo.rules._clinical import _join, _q, clinical_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["performance"]
_SCALE_NAMED = _PATTERNS.regex("scale_named")
_LANSKY_THROUGH_AGE = _PATTERNS.regex("lansky_through_age")
_ECOG_MAX = _PATTERNS.regex("ecog_max")
_PS_MAX = _PATTERNS.regex("ps_max")
_ECOG_CONDITION = _PATTERNS.regex("ecog_condition")
_ECOG_LOW = _PATTERNS.regex("ecog_low")
_SCALE_LOW = _PATTERNS.regex("scale_low")  # matched from the end of the ECOG limit (`match` at a position)
_SCALE_LOW_FIRST = _PATTERNS.regex("scale_low_first")
_SCALE = _PATTERNS.regex("scale")
_AGE_ASIDE = _PATTERNS.regex("age_aside")
_AGE_LEAD = _PATTERNS.regex("age_lead")
_AGE_SCOPE = _PATTERNS.regex("age_scope")
# Characters past which a criterion is not read: each scale's part is searched to the end of the text,
# so a hostile text naming a scale thousands of times would take quadratic time (issue #12).
_LONGEST = 1500
# A scale's minimum, tried in order; a strict one ("> 50") is the next score up.
_MINIMUMS = tuple(
    (_PATTERNS.regex(name), name == "min_more_than")
    for name in ("min_at_least", "min_more_than", "min_or_higher", "min_to_100")
)


class PerformanceRule(RuleBase):
    """Activity score thresholds. With both Lansky and Karnofsky minimums, the scale that
    fits the child's age is used (Lansky through `lansky_through_age_years` completed years).

    An exclusion states a *low* score ("ECOG ≥ 2", "Karnofsky < 70"): `ecog_min`, `karnofsky_max` and
    `lansky_max` hold it as written, so the rule is met by the scores the trial excludes (issue #12).
    One rule holds limits of one direction only."""

    kind: Literal["performance"] = "performance"
    lansky_min: int | None = Field(default=None, ge=0, le=100)
    karnofsky_min: int | None = Field(default=None, ge=0, le=100)
    ecog_max: int | None = Field(default=None, ge=0, le=5)
    lansky_max: int | None = Field(default=None, ge=0, le=100)
    karnofsky_max: int | None = Field(default=None, ge=0, le=100)
    ecog_min: int | None = Field(default=None, ge=1, le=5)
    lansky_through_age_years: int = Field(default=16, ge=1, le=30)
    # One scale's line of an age split ("Karnofsky 50-100% (over 10 years of age)" / "Lansky 50-100% (10
    # years of age and under)", old NCI PDQ text): the limit is for the children over (`over`) or through
    # (`through`) `lansky_through_age_years` completed years only, and does not apply to the others.
    age_scope: Literal["over", "through"] | None = None

    @model_validator(mode="after")
    def _some_scale(self) -> PerformanceRule:
        good = (self.lansky_min, self.karnofsky_min, self.ecog_max)
        low = (self.lansky_max, self.karnofsky_max, self.ecog_min)
        if all(value is None for value in (*good, *low)):
            raise ValueError("a performance rule needs at least one scale")
        if any(value is not None for value in good) and any(value is not None for value in low):
            raise ValueError("a performance rule holds minimum scores or low scores, not both")
        if self.age_scope is not None and [self.lansky_min, self.karnofsky_min, self.ecog_max, *low].count(None) != 5:
            raise ValueError("an age-scoped performance rule holds one Lansky or Karnofsky minimum")
        if self.age_scope is not None and self.ecog_max is not None:
            raise ValueError("an age-scoped performance rule holds one Lansky or Karnofsky minimum")
        return self

    def ages_text(self) -> str:
        """The ages an age-scoped rule is for ("age 11 or over"), "" for a rule for every age."""
        if self.age_scope == "over":
            return f"age {self.lansky_through_age_years + 1} or over"
        if self.age_scope == "through":
            return f"age {self.lansky_through_age_years} or under"
        return ""

    @property
    def low(self) -> bool:
        """The rule names low scores (an exclusion's), met by a child at or below them."""
        return self.lansky_max is not None or self.karnofsky_max is not None or self.ecog_min is not None

    def limits(self) -> tuple[int | None, int | None, int | None]:
        """The Lansky, Karnofsky and ECOG limits the rule holds, in its one direction."""
        if self.low:
            return self.lansky_max, self.karnofsky_max, self.ecog_min
        return self.lansky_min, self.karnofsky_min, self.ecog_max

    def thresholds_text(self) -> str:
        lansky, karnofsky, ecog = self.limits()
        # Lansky and Karnofsky run higher-is-better, ECOG lower-is-better; low scores turn both round.
        scale_sign, ecog_sign = ("≤", "≥") if self.low else ("≥", "≤")
        parts = []
        if lansky is not None:
            age = f" (age {self.lansky_through_age_years} or under)" if karnofsky is not None else ""
            parts.append(f"Lansky {scale_sign} {lansky}{age}")
        if karnofsky is not None:
            age = f" (age {self.lansky_through_age_years + 1} or over)" if lansky is not None else ""
            parts.append(f"Karnofsky {scale_sign} {karnofsky}{age}")
        if ecog is not None:
            parts.append(f"ECOG {ecog_sign} {ecog}")
        if self.age_scope is not None:
            return f"{_join(parts)} (for children {self.ages_text()})"
        return _join(parts)

    def question(self, section: Section) -> str:
        if self.ecog_min is not None and self.lansky_max is None and self.karnofsky_max is None:
            return _q("performance_ecog_low", ecog=str(self.ecog_min))
        if self.low:
            return _q("performance_low", scores=self.thresholds_text())
        if self.lansky_min is None and self.karnofsky_min is None:
            return _q("performance_ecog", ecog=str(self.ecog_max))
        return _q("performance", scores=self.thresholds_text())


def _low_scores(text: str) -> PerformanceRule | None:
    """An exclusion's low score: "ECOG performance status ≥ 2", "ECOG 3 or 4", "Karnofsky < 70", "Poor
    performance status (ECOG > 2)"; one scale, one limit (issue #12)."""
    ecog = _ECOG_LOW.search(text)
    scales = list(_SCALE_LOW.finditer(text)) or list(_SCALE_LOW_FIRST.finditer(text.rstrip(" .;")))
    if (ecog is not None) + len(scales) != 1 or len(_SCALE.findall(text)) > len(scales):
        return None
    if ecog is not None:
        if _ECOG_CONDITION.match(text, ecog.end()):
            return None
        above, limit, first, last, more = ecog.group("above", "limit", "first", "last", "more")
        if limit is not None:
            low = int(limit) + (above == ">")
        elif first is not None:
            if int(last) < 4 or int(last) <= int(first):
                return None  # "ECOG 1-2" as an exclusion: which scores it means is not clear
            low = int(first)
        else:
            low = int(more)
        return PerformanceRule(ecog_min=low) if 1 <= low <= 5 else None
    match = scales[0]
    if _ECOG_CONDITION.match(text, match.end()):
        return None
    value = int(match["value"])
    if match["below"] == "<":
        value -= 10 if value % 10 == 0 else 1  # the scales run in tens: "< 70" is 60 or lower
    field = "karnofsky_max" if match["scale"].lower() in {"karnofsky", "kps"} else "lansky_max"
    return PerformanceRule(**{field: value})


def extract_performance(context: CriterionContext) -> Rule | None:
    """Lansky / Karnofsky / ECOG thresholds, with the Lansky-Karnofsky age split."""
    text = context.normalized
    if len(text) > _LONGEST or not _SCALE_NAMED.search(text):
        return None  # a performance limit is a short criterion; a longer text is never read whole
    scope = _AGE_SCOPE.search(text)
    if context.section == "exclusion":
        if scope is not None:
            return None  # a low score for some ages only: left to the family (issue #12)
        try:
            return _low_scores(text)  # exclusions state a *low* score
        except ValidationError:
            return None
    if scope is not None and len(_SCALE.findall(text)) == 1 and len(_AGE_SCOPE.findall(text)) == 1:
        return _one_scale_for_some_ages(text, scope)
    fields: dict[str, int] = {}
    lansky_age = _LANSKY_THROUGH_AGE.search(text)
    if lansky_age is not None:
        fields["lansky_through_age_years"] = int(lansky_age.group(1))
    if scope is not None:
        # "Karnofsky 50-100% (over 10 years of age) OR Lansky 50-100% (10 years of age and under)": the split
        # the brackets name, one age for both (issue #12)
        splits = [_age_split(found) for found in _AGE_SCOPE.finditer(text)]
        throughs = {split[1] for split in splits if split is not None}
        if lansky_age is not None:
            throughs.add(int(lansky_age.group(1)))
        if None in splits or len(throughs) != 1:
            return None
        fields["lansky_through_age_years"] = throughs.pop()
        text = _AGE_SCOPE.sub(" ", text)
    ecog = _ECOG_MAX.search(text) or (None if _SCALE.search(text) else _PS_MAX.search(text))
    if ecog is not None:
        if _ECOG_CONDITION.match(text, ecog.end()):
            return None  # another limit for some ("or 2 if due to bone pain") is no limit for everyone
        below, limit, *highest = ecog.groups()
        fields["ecog_max"] = int(limit) - (below == "<") if limit else int(next(g for g in highest if g))

    def minimum(segment: str) -> int | None:
        for regex, strict in _MINIMUMS:
            match = regex.search(segment)
            if match is not None:
                return int(match.group(1)) + (1 if strict else 0)
        return None

    scales = [(m.start(), m.group(1).lower()) for m in _SCALE.finditer(text)]
    for index, (start, scale) in enumerate(scales):
        end = scales[index + 1][0] if index + 1 < len(scales) else len(text)
        segment = _AGE_ASIDE.sub("", text[start:end])
        segment = _AGE_LEAD.sub("", segment)
        value = minimum(segment) if index + 1 == len(scales) or minimum(segment) is not None else None
        if value is None:
            value = minimum(_AGE_ASIDE.sub("", text[start:]))
        if value is None:
            return None
        fields["karnofsky_min" if scale in {"karnofsky", "kps"} else "lansky_min"] = value
    if not scales and "ecog_max" not in fields:
        return None
    try:
        return PerformanceRule(**fields)
    except ValidationError:  # limits the model refuses (an empty range) are no reading of the text
        return None


def _age_split(scope: re.Match[str]) -> tuple[str, int] | None:
    """Which side of which age a bracketed age names: ("over", 10) for "(over 10 years of age)", ("through",
    10) for "(10 years of age and under)"; None for "(age 16)", which names no side."""
    before, after = scope["before"], scope["after"]
    if (before is None) == (after is None):
        return None  # "(age 16)": which side of 16 is not said; "(> 10 and <)" is no one side
    age = int(scope["first"] or scope["age"])
    if before is not None:
        # "> 10" is over 10, "≥ 16" over 15, "≤ 10" through 10, "< 16" through 15
        return {">": ("over", age), "≥": ("over", age - 1), "≤": ("through", age), "<": ("through", age - 1)}[before]
    # "10 and under", "10 or younger", "10 or less": through 10; "16 and over", "16 or older": over 15
    return ("through", age) if after in ("<", "younger", "less", "below") else ("over", age - 1)


def _one_scale_for_some_ages(text: str, scope: re.Match[str]) -> Rule | None:
    """One scale's limit for the children over or through an age ("Karnofsky 50-100% (over 10 years of age)",
    "Lansky 50-100% (10 years of age and under)"): the age as written is the split (issue #12)."""
    if _ECOG_MAX.search(text) or _PS_MAX.search(text.replace(scope.group(0), " ")):
        return None
    split = _age_split(scope)
    if split is None:
        return None
    side, through = split
    rest = (text[: scope.start()] + " " + text[scope.end() :]).strip()
    scale = _SCALE.search(rest)
    if scale is None:
        return None
    value = None
    for regex, strict in _MINIMUMS:
        match = regex.search(rest, scale.end())
        if match is not None:
            value = int(match.group(1)) + (1 if strict else 0)
            break
    if value is None:
        return None
    field = "karnofsky_min" if scale.group(1).lower() in {"karnofsky", "kps"} else "lansky_min"
    try:
        return PerformanceRule(**{field: value, "lansky_through_age_years": through, "age_scope": side})
    except ValidationError:
        return None


def _latest(profile: PatientProfile, scale: str) -> PerformanceScore | None:
    scores = [p for p in profile.performance if p.scale == scale]
    if not scores:
        return None
    return max(scores, key=lambda p: p.date or date.min)


def _score_text(score: PerformanceScore) -> str:
    when = f" on {score.date.isoformat()}" if score.date else ""
    return f"{score.scale.capitalize() if score.scale != 'ecog' else 'ECOG'} score {score.score}{when}"


def evaluate_performance(rule: PerformanceRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial needs {rule.thresholds_text()}"
    if rule.age_scope is not None:
        months = profile.age_in_months_on(on)
        if months is None:
            return Outcome.unknown(
                f"Age unknown, so whether this limit is for your child is unknown; {needs}.", "birth_date"
            )
        if (months // 12 <= rule.lansky_through_age_years) != (rule.age_scope == "through"):
            return Outcome.not_applicable(f"This limit is for children {rule.ages_text()} only.")
    low = rule.low  # an exclusion's low scores: met at or below a Lansky/Karnofsky limit, at or above an ECOG one
    lansky, karnofsky, ecog = rule.limits()
    checks: list[tuple[str, int, bool]] = []  # (scale, threshold, met at or above it)
    if lansky is not None and karnofsky is not None:
        months = profile.age_in_months_on(on)
        if months is None:
            return Outcome.unknown(
                f"Age unknown, so the right scale (Lansky or Karnofsky) is unknown; {needs}.", "birth_date"
            )
        # Lansky through the given age in completed years ("=< 16 years"), Karnofsky after it.
        young = months // 12 <= rule.lansky_through_age_years
        checks.append(("lansky", lansky, not low) if young else ("karnofsky", karnofsky, not low))
    elif lansky is not None:
        checks.append(("lansky", lansky, not low))
    elif karnofsky is not None:
        checks.append(("karnofsky", karnofsky, not low))
    # ECOG is the trial's alternative wording; it is used when the Lansky/Karnofsky score is missing.
    if ecog is not None:
        checks.append(("ecog", ecog, low))

    for scale, threshold, at_or_above in checks:
        score = _latest(profile, scale)
        if score is None:
            continue
        holds = score.score >= threshold if at_or_above else score.score <= threshold
        return (Outcome.met if holds else Outcome.not_met)(f"{_score_text(score)}; {needs}.")
    # No mapping between scales is assumed: a Karnofsky score for a young child is not read as Lansky.
    wanted = tuple(f"performance.{scale}" for scale, _, _ in checks)
    return Outcome.unknown(
        f"No {' or '.join(s.split('.')[1].capitalize() for s in wanted)} score in the profile; {needs}.", *wanted
    )


KIND = RuleKind(
    PerformanceRule,
    clinical_wording,
    ("performance", "performance_ecog", "performance_low", "performance_ecog_low"),
    evaluate_performance,
    (Step(extract_performance, _PATTERNS.trigger),),
)

__all__ = ["KIND", "PerformanceRule", "evaluate_performance", "extract_performance"]
