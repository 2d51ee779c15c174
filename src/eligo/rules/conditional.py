"""The conditional rule kind ("For patients with chronic HBV, the viral load must be undetectable"):
the model is `eligo.rules.composite.ConditionalRule`; this module holds its extractors and record.

Conditional requirements, permissive statements and clinician-judgement criteria.

These read before the therapy, lab and clinical extractors: their texts ("For patients with
chronic HBV ...", "... are eligible as long as ...", "must be approved by the study chair")
mention drugs, labs and conditions that the other extractors would misread as plain rules.
Each extractor returns a rule only when the condition resolves to known vocabulary; the
requirement is kept verbatim and typed only where its meaning is clear.

The kind's steps also read the statements that must be read before any plain rule: biopsy
confirmation (a disease_site rule), permissive statements (permitted) and a clinician's judgement
(attestation)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from eligo.rules._clinical import clinical_vocab, clinical_wording
from eligo.rules._clinical_text import _consume_conditions, _diagnoses_in, _strip_framing
from eligo.rules._therapy import Exposure
from eligo.rules.age import _age_rule
from eligo.rules.attestation import AttestationRule
from eligo.rules.base import CriterionContext
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.condition import ConditionRule
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.disease_site import DiseaseSiteRule
from eligo.rules.disease_state import DiseaseStateRule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.permitted import PermittedRule
from eligo.rules.prior_therapy import PriorTherapyRule

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


_CONDITIONAL = patterns()["conditional"]
_SYMPTOMS_LEAD = _CONDITIONAL.regex("symptoms_lead")
_CARDIOTOXIC = _CONDITIONAL.regex("cardiotoxic")
_DIAGNOSIS_FILLER = _CONDITIONAL.regex("diagnosis_filler")
_REQUIREMENT_AGE = _CONDITIONAL.regex("requirement_age")
_JUDGEMENTS = patterns()["conditional.judgement"].compiled_readings()
_PERMITTED = patterns()["conditional.permitted"]
_BIOPSY_REQUIREMENT = patterns()["conditional.biopsy"]
_PERSISTENT_FEW_LESIONS = _BIOPSY_REQUIREMENT.regex("nct01711554_persistent_few_lesions")
_MIBG_NON_AVID_THEN = _BIOPSY_REQUIREMENT.regex("nct01711554_mibg_non_avid")
_FDG_PET_ONLY = _BIOPSY_REQUIREMENT.regex("nct01711554_fdg_pet_only")
_NON_AVID_LESION = _BIOPSY_REQUIREMENT.regex("nct01711554_non_avid_lesion")
_CLINICIAN_REVIEW = patterns()["conditional.clinician_review"]


def _one_condition(text: str) -> tuple[Rule, str] | None:
    item = _SYMPTOMS_LEAD.sub("", text.strip(" ,."))
    if _CARDIOTOXIC.match(item):
        exposure = Exposure(
            therapy_classes=("anthracycline",), label="heart-toxic chemotherapy (anthracyclines such as doxorubicin)"
        )
        return PriorTherapyRule(exposure=exposure, condition="received"), "treatment with heart-toxic medicines"
    names = _consume_conditions(item) or _consume_conditions(_strip_framing(item))
    if names:
        displays = [clinical_vocab().conditions[name].display for name in names]
        return ConditionRule(conditions=tuple(names)), " or ".join(displays)
    diagnoses = _diagnoses_in(item)
    leftover = _DIAGNOSIS_FILLER.sub("", item)
    for name in diagnoses:
        for synonym in clinical_vocab().diagnoses[name].synonyms:
            leftover = re.sub(re.escape(synonym.replace(" ", "")), "", leftover, flags=re.IGNORECASE)
    if diagnoses and not leftover:
        displays = [clinical_vocab().diagnoses[name].display for name in diagnoses]
        return DiagnosisRule(diagnoses=tuple(diagnoses)), " or ".join(displays)
    return None


def condition_rule(text: str) -> tuple[Rule, str] | None:
    """The condition a phrase names, as a rule (met = the child has it) and in parents' words.

    "known history or current symptoms of cardiac disease, or history of treatment with
    cardiotoxic agents" gives any-of a condition and a prior therapy; None when any part is unknown.
    """
    whole = _one_condition(text)
    if whole is not None:
        return whole
    parts = [part for part in re.split(r",\s*or\s+", text.strip(" ,.")) if part.strip()]
    if len(parts) < 2:
        # "Gilbert disease or HCC": a condition or a diagnosis, each a whole vocabulary term
        parts = [part for part in re.split(r"\s+or\s+", text.strip(" ,.")) if part.strip()]
    if len(parts) < 2:
        return None
    found = [_one_condition(part) for part in parts]
    if any(item is None for item in found):
        return None
    rules = tuple(item[0] for item in found if item is not None)
    words = " or ".join(item[1] for item in found if item is not None)
    return AnyOf(rules=rules), words




def _requirement_rule(requirement: str) -> Rule | None:
    age = _REQUIREMENT_AGE.match(requirement)
    age_rule = _age_rule("age " + age.group(1)) if age is not None else None
    if age_rule is not None:
        return age_rule
    for regex, reading in _JUDGEMENTS:
        match = regex.search(requirement)
        if match is not None:
            return AttestationRule(subject="clinician_review", action=(reading.says or "").format(*match.groups()))
    return None


def _conditional(cond_text: str, requirement: str) -> ConditionalRule | None:
    found = condition_rule(cond_text)
    if found is None:
        return None
    rule, words = found
    requirement = requirement.strip(" ,;.")
    return ConditionalRule(
        if_present=rule, condition=words, requirement=requirement, requirement_rule=_requirement_rule(requirement)
    )




def extract_conditional(context: CriterionContext) -> Rule | None:
    """A requirement that applies only to children with a named condition or diagnosis."""
    text = context.text.strip().rstrip(".")
    for regex, reading in _CONDITIONAL.compiled_readings():
        if reading.section is not None and context.section != reading.section:
            continue
        match = regex.match(text)
        if match is None:
            continue
        rule = _conditional(match["cond"], match["req"])
        if rule is not None:
            return rule
    return None




def extract_permitted(context: CriterionContext) -> Rule | None:
    """Statements that allow a group rather than require anything of the child."""
    text = context.text.strip().rstrip(".")
    for regex, reading in _PERMITTED.compiled_readings():
        match = regex.match(text)
        if match is not None:
            fields = {key: value.strip() for key, value in match.groupdict().items() if value}
            provided = fields.get("prov") or None
            return PermittedRule(who=(reading.says or "").format(**{**{"exc": ""}, **fields}), provided=provided)
    return None


_BIOPSY = DiseaseSiteRule(biopsy_confirmed=True)
_MIBG_NON_AVID = DiseaseSiteRule(sites=("mibg_avid",), negated=True)


def extract_biopsy(context: CriterionContext) -> Rule | None:
    """Biopsy requirements tied to the disease state and to MIBG / FDG-PET avidity."""
    text = context.text.strip().rstrip(".")
    persistent = _PERSISTENT_FEW_LESIONS.match(text)
    if persistent is not None:
        # 3 or more MIBG-avid lesions (Curie score >= 3) need no biopsy; fewer need one.
        conditional = ConditionalRule(
            if_present=DiseaseStateRule(states=("persistent",)),
            condition="persistent disease (it shrank with treatment but did not go away)",
            requirement=persistent["req"],
            requirement_rule=AnyOf(rules=(DiseaseSiteRule(curie_score_min=3), _BIOPSY)),
        )
        if persistent["lead"]:
            return AllOf(rules=(DiseaseSiteRule(sites=("mibg_avid",)), conditional))
        return conditional
    non_avid = _MIBG_NON_AVID_THEN.match(text)
    if non_avid is not None:
        return ConditionalRule(
            if_present=_MIBG_NON_AVID,
            condition="disease known not to show up on an MIBG scan (MIBG non-avid)",
            requirement=non_avid["req"],
            requirement_rule=DiseaseSiteRule(sites=("bone", "fdg_pet_avid"), mode="all", biopsy_confirmed=True),
        )
    if _FDG_PET_ONLY.match(text):
        return AllOf(rules=(_MIBG_NON_AVID, DiseaseSiteRule(sites=("fdg_pet_avid",), biopsy_confirmed=True)))
    if _NON_AVID_LESION.match(text):
        return AllOf(rules=(DiseaseSiteRule(sites=("mibg_avid", "fdg_pet_avid"), negated=True), _BIOPSY))
    return None


def extract_clinician_review(context: CriterionContext) -> Rule | None:
    """ "Disease of any major organ system that would compromise their ability to withstand therapy"."""
    text = context.text.strip().rstrip(".")
    match = _CLINICIAN_REVIEW.regex("nct01370330_organ_system").match(text)
    if match is None or context.section != "exclusion":
        return None
    what = match["what"].replace("their ability", "your child's ability")
    return AttestationRule(subject="clinician_review", action=f"does your child have {what}")


# Conditional and permissive statements mention drugs, labs and conditions that the other kinds
# would read as plain rules, so these steps come first in the chain.
KIND = RuleKind(
    ConditionalRule, clinical_wording, ("conditional_inclusion", "conditional_exclusion"), None,
    (
        Step(extract_biopsy, _BIOPSY_REQUIREMENT.trigger),
        Step(extract_permitted, _PERMITTED.trigger),
        Step(extract_clinician_review, _CLINICIAN_REVIEW.trigger),
        Step(extract_conditional, _CONDITIONAL.trigger),
    ),
    composite=True,
)  # fmt: skip

__all__ = [
    "KIND",
    "ConditionalRule",
    "condition_rule",
    "extract_biopsy",
    "extract_clinician_review",
    "extract_conditional",
    "extract_permitted",
]
