"""The diagnosis rule kind ("Histologically confirmed neuroblastoma"): model, question, extractor,
evaluator and record. The catch-all kind: last in the extraction chain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _join, _q, clinical_vocab, clinical_wording
from eligo.rules._clinical_text import (
    _PERMISSIVE,
    _SHARED_JOINER,
    _diagnoses_in,
    _diagnosis_pattern,
    _synonyms_pattern,
)
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger, phrase_words
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["diagnosis"]
_DIAGNOSIS = _PATTERNS.regex("diagnosis")
_HIGH_RISK = _PATTERNS.regex("high_risk")
_FILLER = _PATTERNS.regex("filler")
_QUALIFIER = _PATTERNS.regex("qualifier")
_EDGE = _PATTERNS.regex("edge")
_QUALIFIER_UNIT = _PATTERNS.regex("qualifier_unit")
_QUALIFIER_JOIN = _PATTERNS.regex("qualifier_join")


class DiagnosisRule(RuleBase):
    """The child has one of `diagnoses` (canonical names in the vocab)."""

    kind: Literal["diagnosis"] = "diagnosis"
    diagnoses: tuple[str, ...] = Field(min_length=1)
    confirmation: Literal["histologic", "histologic_or_cytologic"] | None = None
    # The trial's own wording of how the diagnosis is made ("as defined per INRC").
    definition: str | None = None

    @model_validator(mode="after")
    def _known(self) -> DiagnosisRule:
        unknown = set(self.diagnoses) - set(clinical_vocab().diagnoses)
        if unknown:
            raise ValueError(f"unknown diagnoses {sorted(unknown)}")
        return self

    def question(self, section: Section) -> str:
        names = [clinical_vocab().diagnoses[d].display for d in self.diagnoses]
        return _q("diagnosis", diagnoses=_join(names), confirmation=_q("confirmation") if self.confirmation else "")


@dataclass(frozen=True)
class _Reading:
    rule: DiagnosisRule
    qualifiers: tuple[str, ...]


_LISTED = re.compile(r"\b(?:or|and)\b|[,/]", re.IGNORECASE)


def _written_out(dx: str) -> str:
    """ "Ovarian, fallopian tube, or primary peritoneal cancer" as "ovarian cancer or fallopian tube
    cancer or primary peritoneal cancer": the last item's head given to each item before it, when every
    item then names a diagnosis whole (issue #12). Otherwise `dx` as it is."""
    if not _LISTED.search(dx):
        return dx
    *items, last = _SHARED_JOINER.split(dx.strip())
    words = last.split()
    every, _ = _diagnosis_pattern()
    if not items or len(words) < 2 or every.fullmatch(last) is None:
        return dx
    for cut in range(1, len(words)):
        head = " ".join(words[cut:])
        written = [f"{item} {head}" for item in items]
        if all(every.fullmatch(name) is not None for name in written):
            return " or ".join([*written, last])
    return dx


def _read(text: str) -> _Reading | None:
    """The diagnosis rule in `text` and the qualifiers beside it that it cannot carry ("metastatic",
    "EGFR-mutant", "stage IIIB or IV"); None when anything else is there."""
    text = text.strip().rstrip(".;, ")
    if _diagnosis_pattern()[0].search(text) is None:
        return None  # no diagnosis named: nothing below can read one (and the pattern is costly)
    if _PERMISSIVE.search(text) or _HIGH_RISK.search(text):
        return None
    match = _DIAGNOSIS.match(text)
    if match is None:
        return None
    dx = _written_out(match.group("dx"))
    names = _diagnoses_in(dx)
    if not names:
        return None
    synonyms = _synonyms_pattern(tuple(s for n in names for s in clinical_vocab().diagnoses[n].synonyms))
    qualifiers: list[str] = []
    for piece in synonyms.split(dx):
        if not _FILLER.sub("", piece):
            continue
        words = _EDGE.sub("", piece)
        if not _QUALIFIER.match(words):
            return None
        qualifiers.append(words)
    confirmation: Literal["histologic", "histologic_or_cytologic"] | None = None
    # How it was confirmed, said before the diagnosis ("Histologically confirmed") or after it
    # ("confirmed by biopsy", "on previous biopsy", "by pathological cytology and histology").
    how = " ".join(part.lower() for part in (match.group(1), match.group("after")) if part)
    if how:
        # Pathology alone may be a cytology report too; histology or a biopsy said means tissue.
        tissue = "histolog" in how or "biops" in how
        confirmation = "histologic_or_cytologic" if "cytolog" in how or not tissue else "histologic"
    definition = match.group("defn").strip() if match.group("defn") else None
    rule = DiagnosisRule(diagnoses=tuple(names), confirmation=confirmation, definition=definition)
    return _Reading(rule, tuple(qualifiers))


def extract_diagnosis(context: CriterionContext) -> Rule | None:
    """ "Patients must have a history of histologically or cytologically confirmed NBL or
    osteosarcoma", "Diagnosis of neuroblastoma as defined per INRC", "Histologically or cytologically
    confirmed diagnosis of non-small cell lung cancer". Qualifiers are left to `diagnosis_qualifiers`."""
    reading = _read(context.text)
    if reading is None:
        return None
    own = context.trial_diagnoses
    if context.section == "exclusion" and not all(same_family(name, own) for name in reading.rule.diagnoses):
        # The rule compares the child's main diagnosis. An excluded cancer of the trial's own family
        # ("Gall bladder cancer" in a bile-duct cancer trial) is about that; any other is a second cancer
        # ("myelodysplastic syndrome/acute myeloid leukaemia" in a lung-cancer trial), which the comparison
        # would never catch: left to the family (issue #12).
        return None
    return reading.rule


# Umbrellas too broad to make two cancers one family.
_BROAD = frozenset({"solid_tumor", "hematologic_malignancy"})


def same_family(name: str, trial: tuple[str, ...]) -> bool:
    """Whether diagnosis `name` is of the family of one of the trial's own diagnoses (a broad umbrella aside)."""
    vocab = clinical_vocab()
    parents = [p for p in vocab.diagnoses if p not in _BROAD and vocab.diagnosis_covers(p, name)]
    return any(
        vocab.diagnosis_covers(own, name)
        or vocab.diagnosis_covers(name, own)
        or any(vocab.diagnosis_covers(parent, own) for parent in parents)
        for own in trial
    )


def diagnosis_qualifiers(text: str) -> tuple[str, ...]:
    """What a diagnosis criterion says beyond the diagnosis ("metastatic", "HER2-positive"): the
    guards read each with the other kinds or leave it `unparsed`, never drop it."""
    reading = _read(text)
    return reading.qualifiers if reading is not None else ()


def qualifier_groups(qualifier: str) -> tuple[str, ...]:
    """A diagnosis qualifier cut where nothing but a space or a comma stands between two of its words
    ("metastatic HER2-positive" -> "metastatic", "HER2-positive"), each part describing the same
    tumour; words joined by "or", "and" or "/" stay together ("locally advanced or metastatic",
    "HR+/HER2-"). The whole qualifier alone when it does not cut into qualifier words."""
    groups: list[str] = []
    start = position = 0
    while position < len(qualifier):
        unit = _QUALIFIER_UNIT.match(qualifier, position)
        if unit is None or unit.end() == position:
            return (qualifier,)
        join = _QUALIFIER_JOIN.match(qualifier, unit.end())
        between = join[0] if join is not None else ""
        end = unit.end() + len(between)
        if end >= len(qualifier) or between.strip() in ("", ","):
            groups.append(qualifier[start : unit.end()])
            start = end
        position = end
    return tuple(groups)


def evaluate_diagnosis(rule: DiagnosisRule, profile: PatientProfile, on: date) -> Outcome:
    vocab = clinical_vocab()
    wanted = " or ".join(vocab.diagnoses[d].display for d in rule.diagnoses)
    if profile.diagnosis is None:
        return Outcome.unknown(f"No diagnosis in the profile; the trial needs {wanted}.", "diagnosis")
    actual = vocab.canonical_diagnosis(profile.diagnosis)
    if actual is None:
        return Outcome.unknown(
            f"Diagnosis '{profile.diagnosis}' is not one Eligo can compare; the trial needs {wanted}.", "diagnosis"
        )
    if not any(vocab.diagnosis_covers(d, actual) for d in rule.diagnoses):
        if any(vocab.diagnosis_covers(actual, d) for d in rule.diagnoses):
            # "Lung cancer" in the profile, non-small cell lung cancer in the trial: not known which type.
            return Outcome.unknown(
                f"Diagnosis {profile.diagnosis} does not say which type; the trial needs {wanted}.", "diagnosis"
            )
        return Outcome.not_met(f"Diagnosis {profile.diagnosis}; the trial needs {wanted}.")
    if rule.confirmation is not None:
        how = "histologically or cytologically" if rule.confirmation == "histologic_or_cytologic" else "histologically"
        if profile.histologically_confirmed is None:
            return Outcome.unknown(
                f"Diagnosis {profile.diagnosis}; the profile does not say it was confirmed {how}, as the trial needs.",
                "histologically_confirmed",
            )
        if not profile.histologically_confirmed:
            return Outcome.not_met(f"Diagnosis {profile.diagnosis} not confirmed {how}; the trial needs that.")
        return Outcome.met(f"Diagnosis {profile.diagnosis}, confirmed {how}; the trial needs {wanted}.")
    return Outcome.met(f"Diagnosis {profile.diagnosis}; the trial needs {wanted}.")


def diagnosis_words() -> tuple[str, ...] | None:
    """Words one of the vocabulary's diagnoses needs (None: some synonym has no word to look for)."""
    return phrase_words(s for term in clinical_vocab().diagnoses.values() for s in term.synonyms)


def _trigger() -> Trigger | None:
    words = diagnosis_words()
    return Trigger(words) if words is not None else None


KIND = RuleKind(
    DiagnosisRule, clinical_wording, ("diagnosis", "confirmation"), evaluate_diagnosis,
    (Step(extract_diagnosis, _trigger()),),
)  # fmt: skip

__all__ = [
    "KIND",
    "DiagnosisRule",
    "diagnosis_qualifiers",
    "diagnosis_words",
    "evaluate_diagnosis",
    "extract_diagnosis",
    "qualifier_groups",
]
