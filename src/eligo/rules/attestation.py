"""The attestation rule kind (consent, assent, willingness, ability, language, residence, a clinician's
review, the protocol's other criteria): model, question, extractor, evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["attestation"]
_CONSENT = _PATTERNS.regex("consent")
_CONSENT_ANY = _PATTERNS.regex("consent_any")
_CONSENT_ELSEWHERE = _PATTERNS.regex("consent_elsewhere")
_ASSENT = _PATTERNS.regex("assent")
_ABLE = _PATTERNS.regex("able")
_UNABLE = _PATTERNS.regex("unable")
_DECLINES = _PATTERNS.regex("declines")
_WILLING = _PATTERNS.regex("willing")
_ASIDE = _PATTERNS.regex("aside")
_NOT_ACTION = _PATTERNS.regex("not_action")
_ACTION_TAIL = _PATTERNS.regex("action_tail")
_READINGS = _PATTERNS.compiled_readings()

Subject = Literal[
    "consent",
    "assent",
    "willingness",
    "ability",
    "language",
    "residence",
    "clinician_review",
    "protocol_reference",
    "study_team",
    "detention",
    "legal_protection",
    "health_insurance",
    "prior_enrolment",
    "exclusion_period",
]


class AttestationRule(RuleBase):
    """Something a person states: consent, assent, willingness or ability. No profile fact
    settles it, so the evaluator always answers unknown and the question goes to the family."""

    kind: Literal["attestation"] = "attestation"
    computable: ClassVar[bool] = False
    # clinician_review: a judgement for the child's doctor or the study chair ("must be approved
    # by the study chair", "disease that would compromise their ability to withstand therapy").
    # language: what the child speaks or reads ("Native speakers of English"); residence: where the
    # child lives ("Living in the greater San Francisco Bay Area"); protocol_reference: "Other
    # protocol-defined inclusion/exclusion criteria may apply", which the study team checks.
    # study_team: a judgement only the study team makes about something the trial does not name ("Any
    # condition that, in the opinion of the investigator, would interfere with the study"): the action
    # quotes the trial. detention, legal_protection: "Prisoners", "Persons deprived of liberty", "Subject
    # under guardianship, curatorship or safeguard of justice"; health_insurance: "Affiliated to a social
    # security scheme", which French trials require; prior_enrolment: "Previously enrolled in the study",
    # this very study; exclusion_period: "Patient in an exclusion period determined by another study",
    # a time after another study during which the person may not join a new one (issue #12).
    subject: Subject
    action: str = Field(min_length=3)  # plain-language verb phrase: "sign the informed consent form"
    negated: bool = False  # "Inability to swallow capsules", "Patient declines participation"

    @model_validator(mode="after")
    def _negation(self) -> AttestationRule:
        if self.negated and self.subject not in {"willingness", "ability", "health_insurance"}:
            raise ValueError("only willingness, ability and health insurance can be negated")
        return self

    def question(self, section: Section) -> str:
        key = self.subject + ("_negated" if self.negated else "")
        return _q(key, action=self.action)


def _read(text: str, section: Section | None) -> Rule | None:
    """A whole criterion read by one of the block's readings (one rule per subject it names)."""
    plain = _ASIDE.sub("", text).strip()
    for regex, reading in _READINGS:
        if reading.section is not None and reading.section != section:
            continue
        match = regex.match(plain)
        if match is None:
            continue
        found = {key: value for key, value in match.groupdict().items() if value is not None}
        if _NOT_ACTION.search(found.get("action", "")):
            return None
        if "action" in found:
            found["action"] = _ACTION_TAIL.sub("", found["action"])
            if found["action"][1:2].islower():
                # a verb opening the criterion ("Read and speak English") is asked mid-sentence
                found["action"] = found["action"][:1].lower() + found["action"][1:]
        action = (reading.says or "").format(**found).strip()
        negated = bool(reading.fields.get("negated", False))
        rules: list[Rule] = [
            AttestationRule(subject=subject, action=action, negated=negated) for subject in reading.fields["subjects"]
        ]
        if len(rules) == 1:
            return rules[0]
        # Willing and able: both hold for an inclusion; unwilling or unable: either one excludes.
        return AnyOf(rules=tuple(rules)) if negated else AllOf(rules=tuple(rules))
    return None


def _attestation(text: str, section: Section | None = None) -> Rule | None:
    t = text.strip().rstrip(".")
    if _CONSENT.search(t):
        return AttestationRule(subject="consent", action=_consent_form(t))
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
    read = _read(text, section)
    if read is None and _CONSENT_ANY.search(t) and not _list_after_consent(t) and not _CONSENT_ELSEWHERE.search(t):
        return AttestationRule(subject="consent", action=_consent_form(t))
    return read


_ORAL = re.compile(r"\b(?:oral|orally|verbal|verbally)\b", re.IGNORECASE)
_WRITTEN = re.compile(r"\b(?:written|writing|sign\w*|form)\b", re.IGNORECASE)


def _consent_form(text: str) -> str:
    """What a consent statement asks: the written form, or spoken consent where the criterion says only
    that ("Oral and dated consent", NCT03925571)."""
    if _ORAL.search(text) and not _WRITTEN.search(text):
        return "give the study's informed consent out loud (oral consent)"
    return "sign the study's written informed consent form"


_BRACKETED = re.compile(r"\([^()]*\)")
_LIST_ITEM_WORDS = 2  # a comma part this short after the consent continues a list ("tests HIV, HCV, HBV")


def _list_after_consent(text: str) -> bool:
    """Whether the consent clause ends in a list that runs on past its comma ("consented to carry out
    serological tests HIV, HCV, HBV"): the parts after it belong to the consent, not to the child."""
    parts = [part.split() for part in _BRACKETED.sub(" ", text).split(",")]
    at = next((n for n, words in enumerate(parts) if _CONSENT_ANY.search(" ".join(words))), len(parts))
    after = [words for words in parts[at + 1 :] if words]
    return bool(after) and all(len(words) <= _LIST_ITEM_WORDS for words in after)


def extract_attestation(context: CriterionContext) -> Rule | None:
    """Consent, assent, willingness, ability, language, residence, the protocol's other criteria (a
    person answers these)."""
    return _attestation(context.text, context.section)


_TEAM = patterns()["attestation.study_team"]
_TEAM_READINGS = _TEAM.compiled_readings()
_LEGAL = _TEAM.regex("legal")
_PRISON = _TEAM.regex("prison_item")
_LIBERTY = _TEAM.regex("liberty_item")
_PROTECTION = _TEAM.regex("protection_item")
_MINORS = _TEAM.regex("minors_lead")
_ITEM_NUMBER = re.compile(r"^\d{1,2}\.?\s+(?=[A-Z])")  # "12. Other patients who are judged ...", "6 Unstable ..."
_TEAM_QUOTE = 300  # characters of the trial's words a study-team question quotes


def _quoted(text: str) -> str:
    words = " ".join(text.split()).rstrip(" .;,")
    if len(words) <= _TEAM_QUOTE:
        return words
    return words[: words.rfind(" ", 0, _TEAM_QUOTE)].rstrip(",;:") + " ..."


def _legal(text: str) -> Rule | None:
    """An exclusion that lists legal statuses and nothing else: deprived of liberty, court-ordered protection;
    led perhaps by minors, read as an age under 18 years."""
    minors = _MINORS.match(text)
    if minors is not None:
        from eligo.rules.age import AgeRule  # age reads attestations itself: imported when used

        rest = _legal(text[minors.end() :])
        if rest is None:
            return None
        parts = rest.rules if isinstance(rest, AnyOf) else (rest,)
        return AnyOf(rules=(AgeRule(max_months=18 * 12, max_inclusive=False), *parts))
    if _LEGAL.match(text) is None:
        return None
    rules: list[Rule] = []
    if _PRISON.search(text) and not _LIBERTY.search(text):
        rules.append(AttestationRule(subject="detention", action="in prison or held in custody"))
    elif _PRISON.search(text) or _LIBERTY.search(text):
        rules.append(
            AttestationRule(
                subject="detention",
                action="deprived of liberty by a court or official decision (held in prison, in custody, "
                "or in a hospital or institution by order)",
            )
        )
    if _PROTECTION.search(text):
        rules.append(
            AttestationRule(
                subject="legal_protection",
                action="under a court-ordered legal protection measure (guardianship, curatorship or "
                "safeguard of justice)",
            )
        )
    if not rules:
        return None
    return rules[0] if len(rules) == 1 else AnyOf(rules=tuple(rules))


def extract_study_team(context: CriterionContext) -> Rule | None:
    """A judgement only the study team makes, or a legal status (issue #12): the whole criterion or nothing."""
    text = _ITEM_NUMBER.sub("", " ".join(context.text.split()))
    if context.section == "exclusion":
        legal = _legal(text)
        if legal is not None:
            return legal
    for regex, reading in _TEAM_READINGS:
        if reading.section is not None and reading.section != context.section:
            continue
        match = regex.match(text)
        if match is not None:
            found = {key: value.lower() if key == "what" else value for key, value in match.groupdict("").items()}
            return AttestationRule(
                subject=reading.fields["subjects"][0],
                action=_quoted(text) if reading.says is None else " ".join(reading.says.format(**found).split()),
                negated=bool(reading.fields.get("negated", False)),
            )
    return None


def evaluate_attestation(rule: AttestationRule, profile: PatientProfile, on: date) -> Outcome:
    if rule.subject == "study_team":
        return Outcome.unknown(f"The study doctor decides this ({rule.action}); no profile fact settles it.")
    if rule.subject in {"detention", "legal_protection", "health_insurance", "exclusion_period"}:
        return Outcome.unknown(f"The family and the study team answer this ({rule.action}).")
    if rule.subject == "protocol_reference":
        return Outcome.unknown("The protocol lists further criteria; the study team checks them.")
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
        "language",
        "residence",
        "clinician_review",
        "protocol_reference",
        "study_team",
        "detention",
        "legal_protection",
        "health_insurance",
        "health_insurance_negated",
        "exclusion_period",
    ),
    evaluate_attestation,
    (Step(extract_attestation, _PATTERNS.trigger), Step(extract_study_team, _TEAM.trigger)),
)

__all__ = ["KIND", "AttestationRule", "evaluate_attestation", "extract_attestation", "extract_study_team"]
