"""The all_of rule kind: the model is `eligo.rules.composite.AllOf` (every kind that combines parts
imports it from there); this module reads the criteria that name several kinds at once (a diagnosis
*and* a disease state or a surgeon's call) as one all_of, before either alone. An all_of asks its
parts' questions in turn and the walker (`eligo.rules.walk`) evaluates it from its parts."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from eligo.rules._clinical import clinical_vocab, clinical_wording
from eligo.rules._clinical_text import (
    _PERMISSIVE,
    _THERAPY,
    _diagnoses_in,
    _diagnosis_pattern,
    _phrase_regex,
    _states_in,
)
from eligo.rules.attestation import AttestationRule
from eligo.rules.base import CriterionContext
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.diagnosis import DiagnosisRule, diagnosis_words
from eligo.rules.disease_site import DiseaseSiteRule
from eligo.rules.disease_state import DiseaseStateRule
from eligo.rules.high_risk import RiskGroupRule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["all_of.disease_with_diagnosis"]
_DIAGNOSIS_FILLER = _PATTERNS.regex("diagnosis_filler")
_ASIDE = _PATTERNS.regex("aside")
_HEADING = _PATTERNS.regex("heading")
_DEFINED_AS = _PATTERNS.regex("defined_as")
_NCT03363373_SALVAGE = _PATTERNS.regex("nct03363373_salvage")
_ORIGINAL_DIAGNOSIS = _PATTERNS.regex("original_diagnosis")
_HIGH_RISK = _PATTERNS.regex("high_risk")
_RESECTION = patterns()["all_of.resection_cohort"]
((_RESECTION_REGEX, _RESECTION_READING),) = _RESECTION.compiled_readings()


def _first_diagnosis(text: str) -> int | None:
    match = _diagnosis_pattern()[0].search(text)
    return match.start() if match else None


_TRAILING_PARENS = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*(?:or)?\s*$")


def _state_definition(text: str) -> tuple[str, str | None]:
    """Split "X (defined as ...)" into X and the definition."""
    match = _DEFINED_AS.search(text) or _TRAILING_PARENS.search(text)
    if match is None:
        return text, None
    return text[: match.start()].strip(), match.group(1).strip()


def extract_disease_with_diagnosis(context: CriterionContext) -> Rule | None:
    """ "Relapsed/refractory high-risk neuroblastoma (NBL) (defined as ...) or", "Relapsed
    osteosarcoma (...)", "Diagnosis: Refractory or relapsed neuroblastoma with original
    diagnosis based on ...", "High-risk neuroblastoma patients with either primary refractory
    disease or incomplete response to salvage treatment (...) evaluable in bone and/or bone marrow"."""
    text = context.text.strip().rstrip(".")
    if _first_diagnosis(text) is None:
        return None  # every reading names a diagnosis (most criteria name none)
    if _PERMISSIVE.search(text) or (_THERAPY.search(_ASIDE.sub("", text)) and "salvage" not in text):
        return None
    text = _HEADING.sub("", text)
    sentences = context.sentences_of(text)
    if len(sentences) > 1:
        # Separate sentences naming different diseases list alternative populations.
        branches = [_disease_with_diagnosis(s) for s in sentences]
        if all(branches) and len(branches) >= 2:
            return AnyOf(rules=tuple(b for b in branches if b is not None))
        return None
    return _disease_with_diagnosis(text)


def _disease_with_diagnosis(text: str) -> Rule | None:
    salvage = _NCT03363373_SALVAGE.match(text)
    if salvage is not None:
        return AllOf(
            rules=(
                DiagnosisRule(diagnoses=("neuroblastoma",)),
                RiskGroupRule(),
                DiseaseStateRule(
                    states=("refractory", "persistent"),
                    definition="primary refractory disease or incomplete response to salvage treatment ("
                    + salvage.group("defn")
                    + ")",
                ),
                DiseaseSiteRule(sites=("bone", "bone_marrow")),
            )
        )
    head, definition = _state_definition(text)
    base = _ORIGINAL_DIAGNOSIS.match(head)
    if base is None:
        return None
    body = re.sub(r"\s+or$", "", base.group("body"))
    first = _first_diagnosis(body)
    if first is None:
        return None
    prefix, dx_text = body[:first], body[first:]
    risk = _HIGH_RISK.search(prefix)
    if risk is not None:
        prefix = prefix[: risk.start()]
    states = _states_in(prefix)
    state_words = _state_words().sub("", prefix)
    diagnoses = _diagnoses_in(dx_text)
    named = (
        re.sub(
            _phrase_regex(tuple(s for n in diagnoses for s in clinical_vocab().diagnoses[n].synonyms)),
            "",
            dx_text,
            flags=re.IGNORECASE,
        )
        if diagnoses
        else dx_text
    )
    dx_rest = _DIAGNOSIS_FILLER.sub("", named)
    if not states or state_words or not diagnoses or dx_rest:
        return None
    if definition is not None:
        states = list(dict.fromkeys([*states, *[s for s in _states_in(definition) if s not in states]]))
    diagnosis_definition = None
    if base.group("orig"):
        diagnosis_definition = "original diagnosis " + base.group("orig")
    elif "related tumor" in dx_text.lower():
        diagnosis_definition = "or related tumor"
    parts: list[Rule] = [DiagnosisRule(diagnoses=tuple(diagnoses), definition=diagnosis_definition)]
    if risk is not None:
        parts.append(RiskGroupRule())
    parts.append(DiseaseStateRule(states=tuple(states), definition=definition))
    return AllOf(rules=tuple(parts))


@cache
def _state_words() -> re.Pattern[str]:
    """Every disease-state phrase, "or", "/", "," and spaces: what may precede a diagnosis."""
    phrases = tuple(p for s in clinical_vocab().disease_states.values() for p in s.phrases)
    return re.compile(rf"\b{_phrase_regex(phrases)}" r"\b|\bor\b|[/, ]", re.IGNORECASE)


def extract_resection_cohort(context: CriterionContext) -> Rule | None:
    """ "Patients with relapsed resectable pulmonary osteosarcoma who are scheduled for a surgical
    resection": diagnosis and state are profile facts; resectable lung disease with surgery
    scheduled is the surgeon's call."""
    text = context.text.strip().rstrip(".")
    match = _RESECTION_REGEX.match(text)
    if match is None:
        return None
    diagnoses = _diagnoses_in(match["dx"])
    if not diagnoses:
        return None
    surgery = AttestationRule(subject="clinician_review", action=_RESECTION_READING.says or "")
    return AllOf(rules=(DiagnosisRule(diagnoses=tuple(diagnoses)), DiseaseStateRule(states=("relapsed",)), surgery))


def _with_diagnosis_trigger() -> Trigger | None:
    words = diagnosis_words()
    return Trigger(("neuroblastoma", *words)) if words is not None else None


KIND = RuleKind(
    AllOf, clinical_wording, ("all_of",), None,
    (
        Step(extract_resection_cohort, _RESECTION.trigger),
        Step(extract_disease_with_diagnosis, _with_diagnosis_trigger()),
    ),
    composite=True,
)  # fmt: skip

__all__ = ["KIND", "AllOf", "extract_disease_with_diagnosis", "extract_resection_cohort"]
