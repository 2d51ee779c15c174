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
from eligo.rules.permitted import PermittedRule
from eligo.rules.prefilter import Trigger
from eligo.rules.prior_therapy import PriorTherapyRule

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


_CARDIOTOXIC = re.compile(r"^(?:history of )?treatment with cardiotoxic agents$", re.IGNORECASE)


def _one_condition(text: str) -> tuple[Rule, str] | None:
    item = re.sub(
        r"^(?:known )?(?:history or current symptoms of|current symptoms of)\s+",
        "",
        text.strip(" ,."),
        flags=re.IGNORECASE,
    )
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
    leftover = re.sub(r"\b(?:or|and|related tumou?rs?)\b|[\s,/]", "", item, flags=re.IGNORECASE)
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
        return None
    found = [_one_condition(part) for part in parts]
    if any(item is None for item in found):
        return None
    rules = tuple(item[0] for item in found if item is not None)
    words = " or ".join(item[1] for item in found if item is not None)
    return AnyOf(rules=rules), words


_JUDGEMENTS: tuple[tuple[str, str], ...] = (
    (r"approved by the study chair", "has the study chair approved your child's entry to the trial"),
    (
        r"potential to interfere with the safety or efficacy",
        "is the other cancer (and its treatment) one that cannot interfere with judging the safety and effect "
        "of the trial treatment",
    ),
    (
        r"New York Heart Association.*class (\w+) or better",
        "is your child's heart function New York Heart Association class {0} or better",
    ),
)


def _requirement_rule(requirement: str) -> Rule | None:
    age = re.match(r"^must be (.+)$", requirement, re.IGNORECASE)
    age_rule = _age_rule("age " + age.group(1)) if age is not None else None
    if age_rule is not None:
        return age_rule
    for pattern, action in _JUDGEMENTS:
        match = re.search(pattern, requirement, re.IGNORECASE | re.DOTALL)
        if match is not None:
            return AttestationRule(subject="clinician_review", action=action.format(*match.groups()))
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


_LEADS: tuple[tuple[str, str | None], ...] = (
    # "For patients with evidence of chronic hepatitis B virus (HBV) infection, the HBV viral load must ..."
    (r"^For patients with (?:evidence of )?(?P<cond>[^,]+), (?P<req>.+)$", None),
    # "Human immunodeficiency virus (HIV)-infected patients on effective anti-retroviral therapy ... are eligible"
    (r"^(?P<cond>.+?)[- ]infected patients (?P<req>on .+?) (?:are|is) eligible(?: for this (?:trial|study))?$", None),
    # "Sinusoidal obstruction syndrome (SOS) if present, must be stable or improving clinically"
    (r"^(?P<cond>.+?),? if present,? (?P<req>must .+)$", None),
    # "Patients with a history of venous or arterial thrombosis personally before the age of 40 years unless ..."
    (
        r"^Patients with (?:a )?history of (?P<cond>.+?)(?: personally)?(?: before the age of \d+ years)? "
        r"(?P<req>unless .+)$",
        "exclusion",
    ),
    # "Patients with a prior or concurrent malignancy whose natural history ... are eligible for this trial"
    (
        r"^Patients with (?:a |an )?(?P<cond>.+?) (?P<req>whose .+?) (?:are|is) eligible"
        r"(?: for this (?:trial|study))?$",
        None,
    ),
    # "Patients with X must / should / will be required / cannot / who have ..."
    (r"^Patients with (?P<cond>.+?) (?P<req>(?:who have |must |should |will be required |cannot ).+)$", None),
)


def extract_conditional(context: CriterionContext) -> Rule | None:
    """A requirement that applies only to children with a named condition or diagnosis."""
    text = context.text.strip().rstrip(".")
    for pattern, section in _LEADS:
        if section is not None and context.section != section:
            continue
        match = re.match(pattern, text, re.IGNORECASE | re.DOTALL)
        if match is None:
            continue
        rule = _conditional(match["cond"], match["req"])
        if rule is not None:
            return rule
    return None


_PERMITS: tuple[tuple[str, str], ...] = (
    # "Patients with known bone marrow metastatic disease will be eligible for study as long as ..."
    (
        r"^Patients (?P<who>(?:with|who) .+?),? (?:will be|are) eligible(?: for (?:this )?study)?,? "
        r"(?P<prov>as long as .+)$",
        "children {who}",
    ),
    # "Except for patients with a history of progressive disease, patients whose only site(s) ... are eligible if ..."
    (
        r"^Except for patients with (?P<exc>.+?), patients (?P<who>whose .+?) are eligible (?P<prov>if .+)$",
        "children {who} (except those with {exc})",
    ),
    # "For recurrent/progressive or refractory disease a biopsy is not required regardless of ..."
    (
        r"^For (?P<who>[\w/ ]+ disease),? a biopsy is not required(?P<prov>.*)$",
        "children with {who} to join without a biopsy",
    ),
)


def extract_permitted(context: CriterionContext) -> Rule | None:
    """Statements that allow a group rather than require anything of the child."""
    text = context.text.strip().rstrip(".")
    for pattern, who in _PERMITS:
        match = re.match(pattern, text, re.IGNORECASE)
        if match is not None:
            fields = {key: value.strip() for key, value in match.groupdict().items() if value}
            provided = fields.get("prov") or None
            return PermittedRule(who=who.format(**{**{"exc": ""}, **fields}), provided=provided)
    return None


_BIOPSY = DiseaseSiteRule(biopsy_confirmed=True)
_PERSISTENT_FEW_LESIONS = re.compile(
    r"^(?P<lead>MIBG avid;\s*)?(?:for patients with persistent disease only:|for persistent disease,)\s*"
    r"(?P<req>if (?:a )?patient has only 1 or 2 MIBG avid lesions OR a Curie score of 1-2, then biopsy "
    r"confirmation .+)$",
    re.IGNORECASE,
)
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
    non_avid = re.match(
        r"^If a tumou?r is known to be MIBG non-avid, then (?P<req>a patient must have at least one "
        r"(?:fludeoxyglucose \(FDG\)-positron emission tomography \(PET\)|FDG-PET) avid bone site .*"
        r"biopsy confirmation .+)$",
        text,
        re.IGNORECASE,
    )
    if non_avid is not None:
        return ConditionalRule(
            if_present=_MIBG_NON_AVID,
            condition="disease known not to show up on an MIBG scan (MIBG non-avid)",
            requirement=non_avid["req"],
            requirement_rule=DiseaseSiteRule(sites=("bone", "fdg_pet_avid"), mode="all", biopsy_confirmed=True),
        )
    if re.match(
        r"^FDG-PET avid \(only if tumou?r is known to be MIBG non-avid\); these patients must have had a "
        r"biopsy confirming",
        text,
        re.IGNORECASE,
    ):
        return AllOf(rules=(_MIBG_NON_AVID, DiseaseSiteRule(sites=("fdg_pet_avid",), biopsy_confirmed=True)))
    if re.match(
        r"^Non-avid lesion \(both MIBG and FDG-PET non-avid\); these patients must have had a biopsy "
        r"confirming",
        text,
        re.IGNORECASE,
    ):
        return AllOf(rules=(DiseaseSiteRule(sites=("mibg_avid", "fdg_pet_avid"), negated=True), _BIOPSY))
    return None


def extract_clinician_review(context: CriterionContext) -> Rule | None:
    """ "Disease of any major organ system that would compromise their ability to withstand therapy"."""
    text = context.text.strip().rstrip(".")
    match = re.match(
        r"^(?:Patients with )?(?P<what>(?:a )?disease of any major organ system that would compromise "
        r"their ability to withstand (?:the )?therapy)\b",
        text,
        re.IGNORECASE,
    )
    if match is None or context.section != "exclusion":
        return None
    what = match["what"].replace("their ability", "your child's ability")
    return AttestationRule(subject="clinician_review", action=f"does your child have {what}")


# Conditional and permissive statements mention drugs, labs and conditions that the other kinds
# would read as plain rules, so these steps come first in the chain.
KIND = RuleKind(
    ConditionalRule, clinical_wording, ("conditional_inclusion", "conditional_exclusion"), None,
    (
        Step(extract_biopsy, Trigger(("biopsy",))),
        Step(extract_permitted, Trigger(("eligible", "biopsy"))),
        Step(extract_clinician_review, Trigger(("organ",))),
        # "Patients with ...", "... if present, ..."
        Step(extract_conditional, Trigger(("patients", "present"))),
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
