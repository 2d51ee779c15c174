"""The attestation rule kind (consent, assent, willingness, ability, a clinician's review): model,
question, extractor, evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["attestation"]
_CONSENT = _PATTERNS.regex("consent")
_ASSENT = _PATTERNS.regex("assent")
_ABLE = _PATTERNS.regex("able")
_UNABLE = _PATTERNS.regex("unable")
_DECLINES = _PATTERNS.regex("declines")
_WILLING = _PATTERNS.regex("willing")


class AttestationRule(RuleBase):
    """Something a person states: consent, assent, willingness or ability. No profile fact
    settles it, so the evaluator always answers unknown and the question goes to the family."""

    kind: Literal["attestation"] = "attestation"
    computable: ClassVar[bool] = False
    # clinician_review: a judgement for the child's doctor or the study chair ("must be approved
    # by the study chair", "disease that would compromise their ability to withstand therapy").
    subject: Literal["consent", "assent", "willingness", "ability", "clinician_review"]
    action: str = Field(min_length=3)  # plain-language verb phrase: "sign the informed consent form"
    negated: bool = False  # "Inability to swallow capsules", "Patient declines participation"

    @model_validator(mode="after")
    def _negation(self) -> AttestationRule:
        if self.negated and self.subject not in {"willingness", "ability"}:
            raise ValueError("only willingness and ability can be negated")
        return self

    def question(self, section: Section) -> str:
        key = self.subject + ("_negated" if self.negated else "")
        return _q(key, action=self.action)


def _attestation(text: str) -> AttestationRule | None:
    t = text.strip().rstrip(".")
    if _CONSENT.search(t):
        return AttestationRule(subject="consent", action="sign the study's written informed consent form")
    if _ASSENT.match(t):
        return AttestationRule(subject="assent", action="as the hospital's rules require for their age")
    able = _ABLE.match(t)
    if able is not None:
        return AttestationRule(subject="ability", action=able.group(1))
    unable = _UNABLE.match(t)
    if unable is not None:
        return AttestationRule(subject="ability", action=unable.group(1).strip(), negated=True)
    declines = _DECLINES.match(t)
    if declines is not None:
        return AttestationRule(subject="willingness", action=f"take part in {declines.group(1).strip()}", negated=True)
    willing = _WILLING.match(t)
    if willing is not None:
        return AttestationRule(subject="willingness", action=willing.group(1))
    return None


def extract_attestation(context: CriterionContext) -> Rule | None:
    """Consent, assent, willingness and ability (a person answers these)."""
    return _attestation(context.text)


def evaluate_attestation(rule: AttestationRule, profile: PatientProfile, on: date) -> Outcome:
    if rule.subject == "clinician_review":
        return Outcome.unknown(
            f"A judgement for the child's doctor and the study team ({rule.action}); no profile fact settles it."
        )
    return Outcome.unknown(
        f"The family and the study team answer this ({rule.subject}: {rule.action}); no profile fact settles it."
    )


KIND = RuleKind(
    AttestationRule,
    clinical_wording,
    (
        "consent",
        "assent",
        "willingness",
        "willingness_negated",
        "ability",
        "ability_negated",
        "clinician_review",
    ),
    evaluate_attestation,
    (Step(extract_attestation, _PATTERNS.trigger),),
)

__all__ = ["KIND", "AttestationRule", "evaluate_attestation", "extract_attestation"]
