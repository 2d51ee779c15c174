"""The browse catalogue: each open trial's conditions and treatment types, from which both chips and lists are made."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.rules.drugs import vocabulary
from eligo.store import catalogue as rows
from eligo.store.repository import TrialStore
from eligo.yamlfile import load_model


class TreatmentType(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z_]+$")
    label: str
    classes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


class TreatmentTypes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    types: tuple[TreatmentType, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_classes(self) -> TreatmentTypes:
        drugs = vocabulary()
        for kind in self.types:
            unknown = [name for name in kind.classes if not drugs.is_class(name)]
            if unknown:
                raise ValueError(f"browse/treatment_types.yaml: {kind.key}: not drug classes: {unknown}")
            if not kind.classes and not kind.words:
                raise ValueError(f"browse/treatment_types.yaml: {kind.key}: needs classes or words")
        return self

    def get(self, key: str) -> TreatmentType | None:
        return next((kind for kind in self.types if kind.key == key), None)


@cache
def treatment_types() -> TreatmentTypes:
    return load_model(TreatmentTypes, "eligo.browse", "treatment_types.yaml")


@cache
def _words(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(rf"\b{re.escape(word)}" for word in words), re.IGNORECASE)


def types_of(intervention_names: tuple[str, ...]) -> tuple[str, ...]:
    """The treatment-type keys of a trial's interventions, in the vocabulary's order."""
    drugs = vocabulary()
    classes = frozenset(cls for name in intervention_names for cls in drugs.classes_of(name))
    found = []
    for kind in treatment_types().types:
        pattern = _words(kind.words)
        if classes.intersection(kind.classes) or (pattern and any(pattern.search(name) for name in intervention_names)):
            found.append(kind.key)
    return tuple(found)


@dataclass(frozen=True)
class Entry:
    nct_id: str
    title: str
    overall_status: str | None
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    treatment_types: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """Open trials as browsing sees them; counts and lists are both read from `entries`."""

    entries: tuple[Entry, ...]

    def with_condition(self, name: str) -> list[Entry]:
        wanted = name.strip().casefold()
        return [entry for entry in self.entries if wanted in {c.casefold() for c in entry.conditions}]

    def with_treatment_type(self, key: str) -> list[Entry]:
        return [entry for entry in self.entries if key in entry.treatment_types]

    def condition_counts(self, limit: int = 12) -> list[tuple[str, int]]:
        """The most common conditions, each named as most trials spell it, with `len(with_condition(name))`."""
        spellings: dict[str, Counter[str]] = {}
        for entry in self.entries:
            for condition in {c for c in entry.conditions}:
                spellings.setdefault(condition.casefold(), Counter())[condition] += 1
        names = [counter.most_common(1)[0][0] for counter in spellings.values()]
        counted = [(name, len(self.with_condition(name))) for name in names]
        counted.sort(key=lambda item: (-item[1], item[0].casefold()))
        return counted[:limit]

    def treatment_type_counts(self) -> list[tuple[TreatmentType, int]]:
        return [(kind, len(self.with_treatment_type(kind.key))) for kind in treatment_types().types]


def build_catalogue(store: TrialStore) -> Catalogue:
    """Every open trial's browse entry, in one query."""
    with store.engine.connect() as connection:
        found = rows.open_trial_rows(connection)
    return Catalogue(
        tuple(
            Entry(
                row.nct_id, row.title, row.overall_status, row.phases, row.conditions, types_of(row.intervention_names)
            )
            for row in found
        )
    )
