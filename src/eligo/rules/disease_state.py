"""The disease-state rule kind (relapsed, refractory, progressive, persistent disease): model,
question, extractor, evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import DiseaseStateName, _join, _q, clinical_vocab, clinical_wording
from eligo.rules._clinical_text import _PERMISSIVE, _states_in
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf
from eligo.rules.disease_site import _site_rule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["disease_state"]
_NOT_MINE = _PATTERNS.regex("not_mine")
_HEADING = _PATTERNS.regex("heading")
_STATE_HEADED = _PATTERNS.regex("state_headed")
_NEVER = _PATTERNS.regex("never_relapsed")
_STATES = _PATTERNS.regex("states")
_WHEN = _PATTERNS.regex("when")
_FAILURE_TO_RESPOND = _PATTERNS.regex("nct01370330_failure_to_respond")


class DiseaseStateRule(RuleBase):
    """The disease course is one of `states` ("recurrent" is read as relapsed)."""

    kind: Literal["disease_state"] = "disease_state"
    states: tuple[DiseaseStateName, ...] = Field(min_length=1)
    # "AND patient has never had a relapse/progression" (NCT01711554 refractory/persistent).
    never_relapsed: bool = False
    # The trial's own definition, kept verbatim for the study team and the evidence.
    definition: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> DiseaseStateRule:
        if len(set(self.states)) != len(self.states):
            raise ValueError("states must not repeat")
        if self.never_relapsed and {"relapsed", "progressive"} & set(self.states):
            raise ValueError("never_relapsed contradicts a relapsed or progressive state")
        return self

    def question(self, section: Section) -> str:
        vocab = clinical_vocab()
        # Where the states only approximate the trial's own words ("incomplete response to salvage
        # treatment" is not "persistent"), the question asks in the trial's words, with a gloss.
        for lead, words in vocab.disease_state_words.items():
            if self.definition is not None and self.definition.lower().startswith(lead):
                return _q("disease_state_words", words=words)
        text = _q("disease_state", states=_join([vocab.disease_states[s].display for s in self.states]))
        return text.rstrip("?") + _q("never_relapsed") if self.never_relapsed else text




def extract_disease_state(context: CriterionContext) -> Rule | None:
    """ "Recurrent/progressive disease at any time prior to enrollment", "Refractory disease:
    ... AND patient has never had a relapse/progression", "Failure to respond to standard
    therapy ... or development of progressive disease at any time (...)"."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or _NOT_MINE.search(text):
        return None
    text = _HEADING.sub("", text)
    headed = _STATE_HEADED.match(text)
    if headed is not None:
        state = _states_in(headed.group(1))
        return DiseaseStateRule(
            states=tuple(state), never_relapsed=bool(_NEVER.search(text)), definition=headed.group(2).strip()
        )
    sentences = context.sentences_of(text)
    if len(sentences) > 1:
        parts = [extract_disease_state(context.with_text(s)) or _site_rule(s) for s in sentences]
        if all(parts):
            return AllOf(rules=tuple(p for p in parts if p is not None))
        return None
    simple = _STATES.match(text)
    if simple is not None:
        rest = (simple.group("rest") or "").strip(" -")
        if rest and not _WHEN.match(rest):
            return None
        if simple.group("lead") and (not context.cancer_trial or simple.group("rest") is None):
            return None  # "Patients with progressive disease" outside a cancer trial may be any disease's course
        return DiseaseStateRule(states=tuple(_states_in(simple.group("states"))), definition=rest or None)
    failure = _FAILURE_TO_RESPOND.match(text)
    if failure is not None:
        return DiseaseStateRule(states=("refractory", "progressive"), definition=text)
    return None


def evaluate_disease_state(rule: DiseaseStateRule, profile: PatientProfile, on: date) -> Outcome:
    vocab = clinical_vocab()
    wanted = " or ".join(rule.states)
    if rule.never_relapsed:
        wanted += ", never relapsed or progressed"
    have = {state.value for state in profile.disease_states}
    if not have:
        return Outcome.unknown(f"No disease state in the profile; the trial needs {wanted}.", "disease_states")
    recorded = "Disease recorded as " + ", ".join(state.value for state in profile.disease_states)
    if rule.never_relapsed and have & {"relapsed", "progressive"}:
        return Outcome.not_met(f"{recorded}; the trial needs {wanted}.")
    if have & set(rule.states):
        return Outcome.met(f"{recorded}; the trial needs {wanted}.")
    if all(have & set(vocab.disease_states[state].conflicts) for state in rule.states):
        return Outcome.not_met(f"{recorded}; the trial needs {wanted}.")
    return Outcome.unknown(f"{recorded}; the profile does not show whether it is also {wanted}.", "disease_states")



KIND = RuleKind(
    DiseaseStateRule,
    clinical_wording,
    ("disease_state", "never_relapsed"),
    evaluate_disease_state,
    (Step(extract_disease_state, _PATTERNS.trigger),),
)

__all__ = ["KIND", "DiseaseStateRule", "evaluate_disease_state", "extract_disease_state"]
