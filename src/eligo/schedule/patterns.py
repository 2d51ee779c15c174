"""The schedule extractor's phrases (`patterns.yaml`), loaded once into typed, self-checking pattern models."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.schedule.records import ProcedureKind, Route
from eligo.yamlfile import load_yaml


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as error:
        raise ValueError(f"not a valid regular expression ({error}): {pattern!r}") from error


def _check_examples(regexes: tuple[re.Pattern[str], ...], examples: tuple[str, ...], counter: tuple[str, ...]) -> None:
    for example in examples:
        if not any(regex.search(example) for regex in regexes):
            raise ValueError(f"example {example!r} does not match {[regex.pattern for regex in regexes]}")
    for example in counter:
        if any(regex.search(example) for regex in regexes):
            raise ValueError(f"counter-example {example!r} matches {[regex.pattern for regex in regexes]}")


class Pattern(_Model):
    """One case-insensitive phrase with the examples that prove it."""

    pattern: str
    examples: tuple[str, ...] = Field(min_length=1)
    counter_examples: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern, re.IGNORECASE)

    @model_validator(mode="after")
    def _proven(self) -> Pattern:
        _compile(self.pattern, re.IGNORECASE)
        _check_examples((self.regex,), self.examples, self.counter_examples)
        return self


class WordsPattern(_Model):
    """Words matched ignoring case, plus registry abbreviations matched only in capitals."""

    words: str
    abbreviations: str | None = None
    examples: tuple[str, ...] = Field(min_length=1)
    counter_examples: tuple[str, ...] = ()

    @property
    def regexes(self) -> tuple[re.Pattern[str], ...]:
        found = [_compiled(self.words, re.IGNORECASE)]
        if self.abbreviations:
            found.append(_compiled(self.abbreviations, 0))
        return tuple(found)

    def search(self, text: str) -> re.Match[str] | None:
        matches = [match for regex in self.regexes if (match := regex.search(text))]
        return min(matches, key=lambda match: match.start()) if matches else None

    @model_validator(mode="after")
    def _proven(self) -> WordsPattern:
        _compile(self.words, re.IGNORECASE)
        if self.abbreviations:
            _compile(self.abbreviations, 0)
        _check_examples(self.regexes, self.examples, self.counter_examples)
        return self


class RoutePattern(WordsPattern):
    route: Route


class FrequencyPattern(WordsPattern):
    label: str


class ProcedurePattern(Pattern):
    kind: ProcedureKind
    assessment: bool = False


class FollowUpPatterns(_Model):
    cue: str
    cue_examples: tuple[str, ...] = Field(min_length=1)
    length: str
    length_examples: tuple[str, ...] = Field(min_length=1)
    landmark: str
    landmark_examples: tuple[str, ...] = Field(min_length=1)
    then: str
    then_examples: tuple[str, ...] = Field(min_length=1)
    from_start: str
    from_start_examples: tuple[str, ...] = Field(min_length=1)

    def regex(self, name: str) -> re.Pattern[str]:
        return _compiled(str(getattr(self, name)), re.IGNORECASE)

    @model_validator(mode="after")
    def _proven(self) -> FollowUpPatterns:
        for name in ("cue", "length", "landmark", "then", "from_start"):
            _compile(getattr(self, name), re.IGNORECASE)
            _check_examples((self.regex(name),), getattr(self, f"{name}_examples"), ())
        return self


class SchedulePatterns(_Model):
    """The whole file; named groups the code reads are checked to exist."""

    version: int = Field(ge=1)
    single_arm_label: str = Field(min_length=1)
    numbers: dict[str, int]
    outline_start: Pattern
    arm_header: Pattern
    routes: tuple[RoutePattern, ...]
    day_list: Pattern
    cycle_scope: Pattern
    frequencies: tuple[FrequencyPattern, ...]
    every_day: Pattern
    daily_for: Pattern
    infusion: Pattern
    inpatient: Pattern
    outpatient: Pattern
    cycle_length: tuple[Pattern, ...] = Field(min_length=1)
    cycle_count: tuple[Pattern, ...] = Field(min_length=1)
    max_duration: tuple[Pattern, ...] = Field(min_length=1)
    conditions: tuple[Pattern, ...]
    procedures: tuple[ProcedurePattern, ...]
    follow_up: FollowUpPatterns
    schedule_cue: Pattern

    @model_validator(mode="after")
    def _groups_present(self) -> SchedulePatterns:
        needed: list[tuple[str, tuple[Pattern, ...], set[str]]] = [
            ("arm_header", (self.arm_header,), {"label"}),
            ("day_list", (self.day_list,), {"list"}),
            ("cycle_scope", (self.cycle_scope,), {"from", "to", "later", "first"}),
            ("daily_for", (self.daily_for,), {"n"}),
            ("infusion", (self.infusion,), {"a", "b", "unit"}),
            ("cycle_length", self.cycle_length, {"n", "unit"}),
            ("cycle_count", self.cycle_count, {"n"}),
            ("max_duration", self.max_duration, {"n", "unit"}),
        ]
        for name, patterns, groups in needed:
            for pattern in patterns:
                missing = groups - set(pattern.regex.groupindex)
                if missing:
                    raise ValueError(f"{name}: pattern {pattern.pattern!r} lacks the groups {sorted(missing)}")
        for name in ("length", "landmark"):
            if not {"n", "unit"} <= set(self.follow_up.regex(name).groupindex):
                raise ValueError(f"follow_up.{name} needs the groups n and unit")
        if len({pattern.route for pattern in self.routes}) != len(self.routes):
            raise ValueError("routes: each route once")
        return self

    def number(self, word: str) -> int | None:
        """A number written in digits or as a word ("five"); None for anything else."""
        word = word.strip().lower()
        if word.isdigit():
            return int(word)
        return self.numbers.get(word)


@cache
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def load_patterns(raw: Any) -> SchedulePatterns:
    return SchedulePatterns.model_validate(raw)


@cache
def patterns() -> SchedulePatterns:
    """The shipped patterns, validated on first use."""
    text = resources.files("eligo.schedule").joinpath("patterns.yaml").read_text(encoding="utf-8")
    return load_patterns(load_yaml(text))
