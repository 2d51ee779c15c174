"""The compare feature's wording (wording.yaml) loaded once into typed, validated models."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.yamlfile import load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SideEffectWords(_Strict):
    none_posted: str
    questions: tuple[str, ...] = Field(min_length=1)
    posted_intro: str
    serious: str
    other: str
    threshold: str


class Factor(_Strict):
    key: str
    label: str
    # For "who it is for" rows: lower-case words whose presence in a criterion puts it in this row.
    words: tuple[str, ...] = ()


class Link(_Strict):
    name: str
    url: str = Field(pattern=r"^https://")


class RegistryLink(_Strict):
    prefix: str
    name: str
    url: str = Field(pattern=r"^https://.*\{id\}")


class CompareWording(_Strict):
    version: int
    early_phases: tuple[str, ...]
    early_phase_caution: str
    side_effects: SideEffectWords
    organ_systems: dict[str, str]
    factors: tuple[Factor, ...]
    sources: dict[str, str]
    other_finders: tuple[Link, ...] = Field(min_length=1)
    registry_links: tuple[RegistryLink, ...]
    routes: dict[str, str]

    @model_validator(mode="after")
    def _unique_factors(self) -> CompareWording:
        keys = [factor.key for factor in self.factors]
        if len(set(keys)) != len(keys):
            raise ValueError(f"compare/wording.yaml: factor keys repeat: {keys}")
        for factor in self.factors:
            if any(word != word.lower() for word in factor.words):
                raise ValueError(f"compare/wording.yaml: factor {factor.key!r}: words must be lower-case")
        return self

    def factor(self, key: str) -> Factor:
        for factor in self.factors:
            if factor.key == key:
                return factor
        raise KeyError(key)

    def registry_link(self, trial_id: str) -> tuple[str, str] | None:
        """(registry name, URL) of the trial's own registry record, when its id says which registry."""
        for link in self.registry_links:
            if trial_id.startswith(link.prefix):
                return link.name, link.url.format(id=trial_id)
        return None


@cache
def wording() -> CompareWording:
    text = files("eligo.compare").joinpath("wording.yaml").read_text(encoding="utf-8")
    return CompareWording.model_validate(load_yaml(text))
