"""Shared by the clinical rule kinds: the clinical vocabulary (`vocab/clinical.yaml`) with its
question templates, and small wording helpers for questions and evidence."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from eligo.rules._graph import reach
from eligo.terms import DISEASE_SITES as SITES
from eligo.yamlfile import load_yaml

SYMBOL: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
# Words just before a condition's name in a profile entry that deny it ("non-smoker", "never smoker").
_DENIED = re.compile(r"\b(?:non|ex|former|never|no|not(?: an?)?|without)[\s-]*$", re.IGNORECASE)


class _Vocab(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DiagnosisTerm(_Vocab):
    display: str
    synonyms: tuple[str, ...] = Field(min_length=1)
    includes: tuple[str, ...] = ()


class StateTerm(_Vocab):
    display: str
    phrases: tuple[str, ...] = Field(min_length=1)
    conflicts: tuple[str, ...] = ()


class ConditionTerm(_Vocab):
    display: str
    synonyms: tuple[str, ...] = Field(min_length=1)
    # Narrower conditions that count as this one ("kidney disease" includes chronic kidney disease).
    includes: tuple[str, ...] = ()
    # A state of now ("another illness that is not under control"): "History of ..." with it asks two
    # tenses at once, and the criterion stays free text (NCT05380882, review of round 1, issue #12).
    now: bool = False
    # Born with or passed down in some children ("congenital spinal stenosis", "hereditary kidney disease"):
    # only then does "congenital", "hereditary" or "inherited" narrow the name. Before any other condition
    # ("congenital spondyloarthropathy", an arthritis that is acquired) the word makes a different disease of
    # it, and the item stays free text (NCT03923920, issue #12).
    inborn: bool = False


class PregnancyAges(_Vocab):
    female_min_age_years: int = Field(ge=0, le=30)
    male_min_age_years: int = Field(ge=0, le=30)


class PerformanceVocab(_Vocab):
    lansky_through_age_years: int = Field(ge=1, le=30)


class ClinicalVocab(_Vocab):
    """The validated contents of `criteria/vocab/clinical.yaml`."""

    # Derived once from `conditions` (model_post_init): every synonym as one alternation, longest
    # first, each in its own group naming its condition; and the `includes` links both ways.
    _synonyms: tuple[re.Pattern[str], tuple[str, ...]] = PrivateAttr()
    _includes: dict[str, tuple[str, ...]] = PrivateAttr()
    _included_in: dict[str, tuple[str, ...]] = PrivateAttr()

    version: Literal[1]
    diagnoses: dict[str, DiagnosisTerm]
    disease_states: dict[str, StateTerm]
    sites: dict[str, str]
    conditions: dict[str, ConditionTerm]
    condition_qualifiers: tuple[str, ...]
    condition_framing: tuple[str, ...]
    # Framing only at a criterion's start ("with ..." going on from a heading); inside one the word joins.
    condition_leading_framing: tuple[str, ...] = ()
    pregnancy: PregnancyAges
    performance: PerformanceVocab
    questions: dict[str, str]
    # A disease-course definition's opening words (lower case) -> the trial's words with a gloss.
    disease_state_words: dict[str, str] = {}

    @model_validator(mode="after")
    def _cross_references(self) -> ClinicalVocab:
        for name, term in self.diagnoses.items():
            unknown = set(term.includes) - set(self.diagnoses)
            if unknown:
                raise ValueError(f"diagnosis {name!r} includes unknown diagnoses {sorted(unknown)}")
        states = set(self.disease_states) | {"newly_diagnosed", "in_remission"}
        for name, state in self.disease_states.items():
            if set(state.conflicts) - states:
                raise ValueError(f"disease state {name!r} conflicts with unknown states")
        if set(self.sites) != set(SITES):
            raise ValueError("vocab sites must match the DiseaseSiteRule sites")
        if "active_infection" not in self.conditions:
            raise ValueError("the vocab must define active_infection")
        owner: dict[str, str] = {}
        for name, condition in self.conditions.items():
            unknown = set(condition.includes) - set(self.conditions)
            if unknown:
                raise ValueError(f"condition {name!r} includes unknown conditions {sorted(unknown)}")
            for synonym in condition.synonyms:
                other = owner.setdefault(synonym.lower(), name)
                if other != name:
                    raise ValueError(f"synonym {synonym!r} names both {other!r} and {name!r}")
        return self

    def diagnosis_covers(self, wanted: str, actual: str) -> bool:
        """True when the child's canonical diagnosis `actual` is `wanted` or included in it, directly
        or through a narrower term (lymphoma > non-Hodgkin lymphoma > DLBCL)."""
        seen: set[str] = set()
        todo = [wanted]
        while todo:
            name = todo.pop()
            if name == actual:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(self.diagnoses[name].includes)
        return False

    def canonical_diagnosis(self, text: str) -> str | None:
        lowered = text.strip().lower()
        for name, term in self.diagnoses.items():
            if lowered == name.replace("_", " ") or lowered in (s.lower() for s in term.synonyms):
                return name
        return None

    def condition_found(self, name: str, profile_conditions: tuple[str, ...], broader: bool = False) -> str | None:
        """The profile entry that names condition `name`, if any: by a synonym as a whole term, or a
        narrower condition it includes (`broader`: or a broader one that includes it, for entries that
        say what the child does not have). Each part of an entry names the condition whose synonym
        there is longest, so "diabetes insipidus" does not name diabetes, nor "pulmonary hypertension"
        hypertension."""
        links = self._includes if not broader else self._included_in
        wanted = _closure(name, links)
        pattern, names = self._synonyms
        for entry in profile_conditions:
            for match in pattern.finditer(entry):
                denied = _DENIED.search(entry, 0, match.start()) is not None
                if match.lastindex is not None and names[match.lastindex - 1] in wanted and not denied:
                    return entry
        return None

    def model_post_init(self, context: object, /) -> None:
        pairs = sorted(
            ((synonym, name) for name, term in self.conditions.items() for synonym in term.synonyms),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        alternation = "|".join(f"({re.escape(synonym)})" for synonym, _ in pairs)
        self._synonyms = (
            re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE),
            tuple(name for _, name in pairs),
        )
        self._includes = {name: term.includes for name, term in self.conditions.items()}
        parents: dict[str, list[str]] = {}
        for name, term in self.conditions.items():
            for narrower in term.includes:
                parents.setdefault(narrower, []).append(name)
        self._included_in = {name: tuple(found) for name, found in parents.items()}


def _closure(name: str, links: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """`name` and every condition reached from it through `links`, directly or through another."""
    return reach((name,), lambda found: links.get(found, ()))


@cache
def clinical_vocab() -> ClinicalVocab:
    """Load and validate the clinical vocabulary once per process.

    The conditions of `vocab/clinical.yaml` are joined by those of every `vocab/conditions/*.yaml`
    file (one file per body system, each a `conditions:` mapping with its sources stated); a
    condition name defined twice, or one synonym given to two conditions, is an error.
    """
    vocab = resources.files("eligo.criteria").joinpath("vocab")
    data = load_yaml(vocab.joinpath("clinical.yaml").read_text(encoding="utf-8"))
    conditions: dict[str, object] = dict(data["conditions"])
    files = [f for f in vocab.joinpath("conditions").iterdir() if f.name.endswith(".yaml")]
    for file in sorted(files, key=lambda f: f.name):
        for name, term in (load_yaml(file.read_text(encoding="utf-8")).get("conditions") or {}).items():
            if name in conditions:
                raise ValueError(f"condition {name!r} is defined twice (again in vocab/conditions/{file.name})")
            conditions[name] = term
    return ClinicalVocab.model_validate({**data, "conditions": conditions})


def _q(key: str, **fields: str) -> str:
    return clinical_vocab().questions[key].format(**fields)


def _join(words: list[str], last: str = "or") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def describe_months(months: int) -> str:
    """12 -> "1 year", 18 -> "1 year 6 months", 6 -> "6 months" (display only)."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("s" if years != 1 else ""))
    if rest or not years:
        parts.append(f"{rest} month" + ("s" if rest != 1 else ""))
    return " ".join(parts)


DiseaseStateName = Literal["relapsed", "refractory", "progressive", "persistent", "metastatic", "newly_diagnosed"]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def clinical_wording() -> Mapping[str, str]:
    return clinical_vocab().questions
