"""The current-medication vocabulary (`vocab/medications.yaml`): classes of medicines that are not
anti-cancer therapy, the phrases criteria use for them, and the drugs in each; loaded and validated
once (issue #12).

Two lookups, kept apart on purpose:

- `term(text)` reads a criterion: the whole text must be one class phrase or one drug name as
  written (case and spacing aside), so a drug word inside another term ("human epidermal growth
  factor receptor 2") never matches.
- `classes_of(name)` reads a profile: a medicine's name is looked up ignoring case, spaces and
  punctuation (`eligo.rules.drugs.normalize_name`), in this vocabulary and, for the classes that
  take their members from it (`therapy_class`), in the drug vocabulary of `drugs.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.rules._graph import reach
from eligo.rules.drugs import normalize_name
from eligo.rules.drugs import vocabulary as therapy_vocabulary
from eligo.yamlfile import load_yaml

_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "‐": "-", "‑": "-", "—": "-", "’": "'"})


def written_key(text: str) -> str:
    """How a criterion's phrase is compared with the vocabulary: case and spacing only ("β" read as "beta")."""
    folded = text.translate(_DASHES).replace("β", "beta").casefold()
    return _SPACES.sub(" ", re.sub(r"\s*-\s*", "-", folded)).strip()


class MedicationClass(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    source: str = Field(min_length=3)
    terms: tuple[str, ...] = Field(min_length=1)
    implies: tuple[str, ...] = ()
    therapy_class: str | None = None
    examples: tuple[str, ...] = ()


class MedicationDrug(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    names: tuple[str, ...] = Field(min_length=1)
    classes: tuple[str, ...] = Field(min_length=1)
    # The DrugBank accession, read from the drug-named-entity-recognition package's DrugBank data
    # when the entry was written (not a run-time dependency), as in drugs.yaml.
    drugbank_id: str | None = Field(default=None, pattern=r"^DB\d{5}$")

    @property
    def name(self) -> str:
        return self.names[0]


class MedicationQuestions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    current: str
    current_regular: str
    within: str
    ever: str
    not_current: str


class MedicationVocab(BaseModel):
    """The whole file, checked: known classes, no cycles, each phrase and name meaning one thing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    questions: MedicationQuestions
    classes: dict[str, MedicationClass]
    drugs: tuple[MedicationDrug, ...]

    @model_validator(mode="after")
    def _consistent(self) -> MedicationVocab:
        therapy = therapy_vocabulary()
        terms: dict[str, str] = {}
        for name, cls in self.classes.items():
            unknown = set(cls.implies) - self.classes.keys()
            if unknown:
                raise ValueError(f"class {name} implies unknown classes {sorted(unknown)}")
            if cls.therapy_class is not None and not therapy.is_class(cls.therapy_class):
                raise ValueError(f"class {name}: {cls.therapy_class!r} is not a drugs.yaml class")
            self._no_cycle(name, ())
            for term in cls.terms:
                key = written_key(term)
                if terms.get(key, name) != name:
                    raise ValueError(f"phrase {term!r} names both {terms[key]} and {name}")
                terms[key] = name
        names: dict[str, int] = {}
        for index, drug in enumerate(self.drugs):
            unknown = set(drug.classes) - self.classes.keys()
            if unknown:
                raise ValueError(f"{drug.name}: unknown classes {sorted(unknown)}")
            for synonym in drug.names:
                key = normalize_name(synonym)
                if not key:
                    raise ValueError(f"{drug.name}: empty synonym {synonym!r}")
                if names.get(key, index) != index:
                    raise ValueError(f"{synonym!r} names both {self.drugs[names[key]].name} and {drug.name}")
                names[key] = index
                if written_key(synonym) in terms:
                    raise ValueError(f"{synonym!r} is both a drug and a class phrase")
        return self

    def _no_cycle(self, name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"class cycle: {' -> '.join((*path, name))}")
        for parent in self.classes[name].implies:
            self._no_cycle(parent, (*path, name))


@dataclass(frozen=True)
class Term:
    """What one phrase of a criterion names: a class or a drug (by its preferred name)."""

    medication_class: str | None = None
    drug: str | None = None


class Medications:
    """Fast lookups over a validated `MedicationVocab`."""

    def __init__(self, data: MedicationVocab) -> None:
        self.data = data
        self._terms: dict[str, Term] = {}
        for name, cls in data.classes.items():
            for term in cls.terms:
                self._terms[written_key(term)] = Term(medication_class=name)
        self._by_key: dict[str, MedicationDrug] = {}
        for drug in data.drugs:
            for synonym in drug.names:
                self._terms[written_key(synonym)] = Term(drug=drug.name)
                self._by_key[normalize_name(synonym)] = drug
        # Names from drugs.yaml that belong to a class here (systemic steroids, immunosuppressants)
        # are read too; anti-cancer drugs are not: the therapy kinds own them.
        self._linked: dict[str, str] = {
            cls.therapy_class: name for name, cls in data.classes.items() if cls.therapy_class
        }
        therapy = therapy_vocabulary()
        for entry in therapy.data.drugs:
            closure = therapy.closure(entry.classes)
            if "systemic_anticancer_therapy" in closure or not closure & self._linked.keys():
                continue
            for synonym in entry.names:
                self._terms.setdefault(written_key(synonym), Term(drug=entry.name))

    def term(self, text: str) -> Term | None:
        """The class or drug a whole phrase names as written, or None."""
        return self._terms.get(written_key(text))

    def phrases(self) -> tuple[str, ...]:
        """Every phrase `term` reads (class phrases and drug names), for trigger words."""
        return tuple(self._terms)

    def closure(self, classes: Iterable[str]) -> frozenset[str]:
        def implied(name: str) -> Iterable[str]:
            known = self.data.classes.get(name)
            return known.implies if known is not None else ()

        return reach(classes, implied)

    def is_class(self, name: str) -> bool:
        return name in self.data.classes

    def label(self, name: str) -> str:
        return self.data.classes[name].label

    def examples(self, name: str) -> tuple[str, ...]:
        return self.data.classes[name].examples

    def spelling(self, name: str) -> str | None:
        """The vocabulary's spelling of one of its own drug names ("PENTHROX" -> "Penthrox"), or None."""
        key = normalize_name(name)
        drug = self._by_key.get(key)
        return next((synonym for synonym in drug.names if normalize_name(synonym) == key), None) if drug else None

    def known(self, name: str) -> bool:
        """Whether Eligo knows what a profile's medicine is (here, or as any drugs.yaml drug)."""
        return normalize_name(name) in self._by_key or therapy_vocabulary().drug(name) is not None

    def canonical(self, name: str) -> str:
        """A medicine's preferred name, in either vocabulary; the name itself when unknown."""
        own = self._by_key.get(normalize_name(name))
        if own is not None:
            return own.name
        other = therapy_vocabulary().drug(name)
        return other.name if other is not None else name

    def classes_of(self, name: str, explicit: Iterable[str] = ()) -> frozenset[str]:
        """The classes here of a medicine: its own entry's, the linked drugs.yaml classes', and any
        explicit class the profile gives (by key or by one of the class's phrases)."""
        found: list[str] = []
        own = self._by_key.get(normalize_name(name))
        if own is not None:
            found.extend(own.classes)
        therapy = therapy_vocabulary()
        linked = therapy.classes_of(name)
        found.extend(mine for theirs, mine in self._linked.items() if theirs in linked)
        for written in explicit:
            term = self._terms.get(written_key(written))
            if written in self.data.classes:
                found.append(written)
            elif term is not None and term.medication_class is not None:
                found.append(term.medication_class)
        return self.closure(found)


@cache
def medications() -> Medications:
    """The shipped vocabulary, validated on first use."""
    text = resources.files("eligo.criteria").joinpath("vocab", "medications.yaml").read_text(encoding="utf-8")
    return Medications(MedicationVocab.model_validate(load_yaml(text)))


def medication_wording() -> dict[str, str]:
    return medications().data.questions.model_dump()


__all__ = ["Medications", "Term", "medication_wording", "medications", "written_key"]
