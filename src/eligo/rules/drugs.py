"""The drug → therapy-class vocabulary (`vocab/drugs.yaml`) and the therapy extraction phrases and
question wording (`vocab/therapy.yaml`): loaded and validated once; drugs are looked up by any name,
brand or research code, ignoring case, spaces and punctuation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.rules._graph import reach
from eligo.yamlfile import load_yaml

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# Splits a regimen written as one string ("irinotecan/temozolomide", "dinutuximab + GM-CSF").
_REGIMEN_SEPARATORS = re.compile(r"\s*(?:\+|/|,|;|&|\band\b|\bwith\b)\s*", re.IGNORECASE)


def normalize_name(name: str) -> str:
    """The lookup key of a drug name: "Ch14.18" and "ch 14-18" both give "ch1418"."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    return _NOT_ALNUM.sub("", folded.replace("α", "alpha"))


class DrugClass(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    implies: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


class Drug(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    names: tuple[str, ...] = Field(min_length=1)
    classes: tuple[str, ...] = Field(min_length=1)
    half_life_days: float | None = Field(default=None, gt=0)
    half_life_source: str | None = None
    # The DrugBank accession of the substance, read from the drug-named-entity-recognition
    # package's DrugBank data when the entry was written (it is not a run-time dependency).
    drugbank_id: str | None = Field(default=None, pattern=r"^DB\d{5}$")
    note: str | None = None

    @property
    def name(self) -> str:
        return self.names[0]

    @model_validator(mode="after")
    def _half_life_sourced(self) -> Drug:
        if self.half_life_days is not None and not self.half_life_source:
            raise ValueError(f"{self.name}: a half-life needs its source")
        return self


class DrugVocabulary(BaseModel):
    """The whole vocabulary, checked for unknown classes, cycles and clashing synonyms."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    classes: dict[str, DrugClass]
    drugs: tuple[Drug, ...]

    @model_validator(mode="after")
    def _consistent(self) -> DrugVocabulary:
        for name, cls in self.classes.items():
            unknown = set(cls.implies) - self.classes.keys()
            if unknown:
                raise ValueError(f"class {name} implies unknown classes {sorted(unknown)}")
        for name in self.classes:
            self._closure_checked(name, ())
        seen: dict[str, str] = {}
        for drug in self.drugs:
            unknown = set(drug.classes) - self.classes.keys()
            if unknown:
                raise ValueError(f"{drug.name}: unknown classes {sorted(unknown)}")
            for synonym in drug.names:
                key = normalize_name(synonym)
                if not key:
                    raise ValueError(f"{drug.name}: empty synonym {synonym!r}")
                if seen.get(key, drug.name) != drug.name:
                    raise ValueError(f"{synonym!r} names both {seen[key]} and {drug.name}")
                seen[key] = drug.name
        return self

    def _closure_checked(self, name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"class cycle: {' -> '.join((*path, name))}")
        for parent in self.classes[name].implies:
            self._closure_checked(parent, (*path, name))


class Vocabulary:
    """Fast lookups over a validated `DrugVocabulary`."""

    def __init__(self, data: DrugVocabulary) -> None:
        self.data = data
        self._by_key: dict[str, Drug] = {normalize_name(synonym): drug for drug in data.drugs for synonym in drug.names}

    def drug(self, agent: str) -> Drug | None:
        """The vocabulary entry an agent name refers to, or None."""
        return self._by_key.get(normalize_name(agent))

    def drug_by_key(self, key: str) -> Drug | None:
        """The vocabulary entry for an already normalised name (`normalize_name`), or None."""
        return self._by_key.get(key)

    def drugs_in(self, agent: str) -> tuple[Drug, ...]:
        """The drugs an agent string names: itself, or each part of a regimen ("A + B")."""
        whole = self.drug(agent)
        if whole is not None:
            return (whole,)
        parts = [part for part in _REGIMEN_SEPARATORS.split(agent) if part.strip()]
        if len(parts) < 2:
            return ()
        found = [self.drug(part) for part in parts]
        return tuple(drug for drug in found if drug is not None) if all(found) else ()

    def closure(self, classes: Iterable[str]) -> frozenset[str]:
        """The classes plus every broader class they imply; names not in the vocabulary are kept."""

        def implied(name: str) -> Iterable[str]:
            known = self.data.classes.get(name)
            return known.implies if known is not None else ()

        return reach(classes, implied)

    def classes_of(self, agent: str) -> frozenset[str]:
        return self.closure(cls for drug in self.drugs_in(agent) for cls in drug.classes)

    def is_class(self, name: str) -> bool:
        return name in self.data.classes

    def label(self, name: str) -> str:
        known = self.data.classes.get(name)
        return known.label if known is not None else name.replace("_", " ")

    def examples(self, name: str) -> tuple[str, ...]:
        known = self.data.classes.get(name)
        return known.examples if known is not None else ()

    def members(self, name: str) -> tuple[str, ...]:
        """Preferred names of the drugs that belong to a class (for help texts and tests)."""
        return tuple(drug.name for drug in self.data.drugs if name in self.closure(drug.classes))


def load_vocabulary(raw: Mapping[str, object]) -> Vocabulary:
    return Vocabulary(DrugVocabulary.model_validate(raw))


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, validated on first use."""
    text = resources.files("eligo.criteria").joinpath("vocab", "drugs.yaml").read_text(encoding="utf-8")
    return load_vocabulary(load_yaml(text))


def classes_of(agent: str) -> frozenset[str]:
    """Every class of the drug(s) an agent name refers to; empty when Eligo does not know it."""
    return vocabulary().classes_of(agent)


def half_life_days(agent: str) -> float | None:
    """The label terminal half-life of an agent in days, or None where Eligo does not know it."""
    drugs = vocabulary().drugs_in(agent)
    return drugs[0].half_life_days if len(drugs) == 1 else None


def canonical_name(agent: str) -> str | None:
    drug = vocabulary().drug(agent)
    return drug.name if drug is not None else None


class Phrase(BaseModel):
    """One extraction phrase of `vocab/therapy.yaml` and what it refers to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str
    label: str
    examples: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    radiation_fields: tuple[str, ...] = ()
    transplant: str | None = None
    live_vaccine: bool = False
    group: str | None = None
    fallback: bool = False

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class InnStem(BaseModel):
    """A WHO INN stem and the class every substance named with it belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stem: str = Field(min_length=3)
    therapy_class: str


class QuestionTemplates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    washout_elapsed: str
    washout_within: str
    washout_elapsed_event: str
    washout_within_event: str
    half_lives: str
    longer_for: str
    longer_within: str
    received_ever: str
    received_current: str
    not_received_ever: str
    not_received_current: str
    permitted: str
    no_progression_on: str
    progressed_on: str
    progressed_on_or_after: str
    prior_lines: str
    prior_lines_of: str
    prior_line_one: str
    prior_lines_many: str
    not_concomitant: str
    cumulative_dose: str
    stem_cells: str
    stem_cells_after: str


class TherapyVocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    phrases: tuple[Phrase, ...]
    # Gene, receptor and protein names holding a drug or class word, blanked before reading.
    masks: tuple[str, ...] = ()
    inn_stems: tuple[InnStem, ...] = ()
    questions: QuestionTemplates

    @property
    def mask(self) -> re.Pattern[str] | None:
        return _compiled("|".join(f"(?:{m})" for m in self.masks)) if self.masks else None

    @model_validator(mode="after")
    def _classes_known(self) -> TherapyVocabulary:
        for mask in self.masks:
            re.compile(mask)
        drugs = vocabulary()
        for phrase in self.phrases:
            re.compile(phrase.pattern)
            unknown = [name for name in phrase.classes if not drugs.is_class(name)]
            if unknown:
                raise ValueError(f"phrase {phrase.pattern!r}: unknown classes {unknown}")
        for stem in self.inn_stems:
            if not drugs.is_class(stem.therapy_class):
                raise ValueError(f"INN stem {stem.stem!r}: unknown class {stem.therapy_class!r}")
        return self


@cache
def therapy_vocabulary() -> TherapyVocabulary:
    """Extraction phrases and question wording for therapy rules, validated on first use."""
    text = resources.files("eligo.criteria").joinpath("vocab", "therapy.yaml").read_text(encoding="utf-8")
    return TherapyVocabulary.model_validate(load_yaml(text))


def questions() -> QuestionTemplates:
    return therapy_vocabulary().questions
