"""The phrases rule kinds read, as validated data (`criteria/vocab/patterns.yaml`), one block per kind."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eligo.rules.prefilter import Trigger
from eligo.yamlfile import load_yaml


class KindPatterns(BaseModel):
    """One kind's block: its patterns (compiled once, case-insensitive), trigger words and number words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patterns: tuple[str, ...] = Field(min_length=1)
    triggers: tuple[str, ...] = Field(min_length=1)
    numbers: dict[str, int] = {}

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"pattern {pattern!r} does not compile: {error}") from error
        return patterns

    @field_validator("triggers")
    @classmethod
    def _words(cls, triggers: tuple[str, ...]) -> tuple[str, ...]:
        return Trigger(triggers).words  # non-empty ASCII words without spaces, or ValueError

    @property
    def trigger(self) -> Trigger:
        return Trigger(self.triggers)

    @property
    def compiled(self) -> tuple[re.Pattern[str], ...]:
        return _compiled(self.patterns)

    def number(self, written: str) -> int:
        """Digits or one of the block's number words ("six" -> 6)."""
        return int(written) if written.isdigit() else self.numbers[written.lower()]


@cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


@cache
def patterns() -> dict[str, KindPatterns]:
    """Every kind's block, loaded and validated once per process."""
    text = resources.files("eligo.criteria.vocab").joinpath("patterns.yaml").read_text("utf-8")
    raw = load_yaml(text)
    if not isinstance(raw, dict):
        raise ValueError("patterns.yaml must map kind names to blocks")
    return {str(name): KindPatterns.model_validate(block) for name, block in raw.items()}


__all__ = ["KindPatterns", "patterns"]
