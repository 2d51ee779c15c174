"""The disease-extent rule kind ("Patients must have measurable disease", "Metastatic disease",
"Symptomatic or untreated CNS metastases"): model, question, extractor, evaluator and record
(issue #12), evaluated against the profile's `extent` and `cns_disease`.

Read only when the whole criterion is the feature: a scan or a part named ("on 3-dimensional
planning CT scan", "In Part 2"), a lesion condition ("not previously irradiated"), an alternative
("or CA125") or an allowance leaves it to other kinds or free text. Measurable disease reads as an
inclusion, metastatic and CNS disease as exclusions.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _join
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

Feature = Literal["measurable_disease", "measurable_or_evaluable", "metastatic", "cns_disease"]
CnsQualifier = Literal["symptomatic", "untreated", "unstable"]
_QUALIFIER_WORDS: dict[str, CnsQualifier] = {
    "symptomatic": "symptomatic",
    "untreated": "untreated",
    "unstable": "unstable",
    "actively progressing": "unstable",
    "progressing": "unstable",
}
_QUALIFIER_TEXT: dict[str, str] = {
    "symptomatic": "causing symptoms",
    "untreated": "untreated",
    "unstable": "not stable",
}


class DiseaseExtentRule(RuleBase):
    """The child has the feature; for CNS disease with qualifiers, CNS disease that is any of them."""

    kind: Literal["disease_extent"] = "disease_extent"
    feature: Feature
    cns_qualifiers: tuple[CnsQualifier, ...] | None = Field(default=None, min_length=1)
    standard: Literal["RECIST 1.1", "RECIST"] | None = None

    @model_validator(mode="after")
    def _qualifiers_for_cns(self) -> DiseaseExtentRule:
        if self.cns_qualifiers and self.feature != "cns_disease":
            raise ValueError("only CNS disease takes qualifiers")
        return self

    def question(self, section: Section) -> str:
        wording = general_wording()
        standard = f" ({self.standard})" if self.standard else ""
        if self.feature == "cns_disease":
            words = [_QUALIFIER_TEXT[q] for q in self.cns_qualifiers or ()]
            qualifiers = f" that is {_join(words).replace(' and ', ' or ')}" if words else ""
            return wording["cns_disease"].format(qualifiers=qualifiers)
        if self.feature == "metastatic":
            return wording["metastatic"]
        return wording[self.feature].format(standard=standard)


def extract_disease_extent(context: CriterionContext) -> DiseaseExtentRule | None:
    # The text as written: "at least one measurable lesion" is a count, not a comparator.
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    text = re.sub(r"^\d{1,2}\s+", "", text)  # a list number kept in the text ("4 Patients with ...")
    for pattern in patterns()["disease_extent"].compiled:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("measurable") or groups.get("either"):
            if context.section != "inclusion":
                return None
            recist = text  # the standard may lead ("According to RECIST version 1.1, ...") or follow
            standard: Literal["RECIST 1.1", "RECIST"] | None = (
                ("RECIST 1.1" if "1.1" in recist else "RECIST") if "recist" in recist.lower() else None
            )
            feature: Feature = "measurable_or_evaluable" if groups.get("either") else "measurable_disease"
            return DiseaseExtentRule(feature=feature, standard=standard)
        if context.section != "exclusion":
            return None
        if groups.get("metastatic"):
            return DiseaseExtentRule(feature="metastatic")
        found = r"actively progressing|progressing|symptomatic|untreated|unstable"
        words = re.findall(found, groups.get("quals") or "", re.IGNORECASE)
        qualifiers = tuple(dict.fromkeys(_QUALIFIER_WORDS[word.lower()] for word in words))
        return DiseaseExtentRule(feature="cns_disease", cns_qualifiers=qualifiers or None)
    return None


def _flag(value: bool | None, what: str, field: str, needs: str) -> Outcome:
    if value is None:
        return Outcome.unknown(f"The profile does not say whether the child has {what}; {needs}.", field)
    said = f"The profile says the child {'has' if value else 'does not have'} {what}"
    return (Outcome.met if value else Outcome.not_met)(f"{said}; {needs}.")


def _cns(rule: DiseaseExtentRule, profile: PatientProfile) -> Outcome:
    cns = profile.cns_disease
    qualifiers = rule.cns_qualifiers or ()
    words = [_QUALIFIER_TEXT[q] for q in qualifiers]
    needs = "the trial asks about CNS metastases" + (f" that are {' or '.join(words)}" if words else "")
    if cns.present is None:
        return Outcome.unknown(
            f"The profile does not say whether there is CNS disease; {needs}.", "cns_disease.present"
        )
    if not cns.present:
        return Outcome.not_met(f"The profile says there is no CNS disease; {needs}.")
    if not qualifiers:
        return Outcome.met(f"The profile says there is CNS disease; {needs}.")
    # Each qualifier as a yes / no / unknown fact of the profile.
    facts = {
        "symptomatic": cns.symptomatic,
        "untreated": None if cns.treated is None else not cns.treated,
        "unstable": None if cns.stable is None else not cns.stable,
    }
    fields = {
        "symptomatic": "cns_disease.symptomatic",
        "untreated": "cns_disease.treated",
        "unstable": "cns_disease.stable",
    }
    states = [facts[q] for q in qualifiers]
    if any(states):
        return Outcome.met(f"The profile says there is CNS disease that is {' or '.join(words)}; {needs}.")
    if all(state is False for state in states):
        return Outcome.not_met(f"The profile says the CNS disease is none of these; {needs}.")
    missing = [fields[q] for q, state in zip(qualifiers, states, strict=True) if state is None]
    said = f"The profile says there is CNS disease, but not whether it is {' or '.join(words)}"
    return Outcome.unknown(f"{said}; {needs}.", *missing)


def evaluate_disease_extent(rule: DiseaseExtentRule, profile: PatientProfile, on: date) -> Outcome:
    extent = profile.extent
    if rule.feature == "cns_disease":
        return _cns(rule, profile)
    if rule.feature == "metastatic":
        return _flag(
            extent.metastatic, "metastatic disease", "extent.metastatic", "the trial asks about metastatic disease"
        )
    standard = f" ({rule.standard})" if rule.standard else ""
    if rule.feature == "measurable_disease":
        needs = f"the trial needs measurable disease{standard}"
        return _flag(extent.measurable_disease, "measurable disease", "extent.measurable_disease", needs)
    needs = f"the trial needs measurable or evaluable disease{standard}"
    either = (extent.measurable_disease, extent.evaluable_disease)
    if any(either):
        return Outcome.met(f"The profile says the child has measurable or evaluable disease; {needs}.")
    if all(value is False for value in either):
        return Outcome.not_met(f"The profile says the child has neither measurable nor evaluable disease; {needs}.")
    missing = [
        f for f, v in zip(("extent.measurable_disease", "extent.evaluable_disease"), either, strict=True) if v is None
    ]
    return Outcome.unknown(
        f"The profile does not say whether the disease is measurable or evaluable; {needs}.", *missing
    )


KIND = RuleKind(
    DiseaseExtentRule, general_wording, ("measurable_disease", "measurable_or_evaluable", "metastatic", "cns_disease"),
    evaluate_disease_extent,
    (Step(extract_disease_extent, patterns()["disease_extent"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "DiseaseExtentRule", "evaluate_disease_extent", "extract_disease_extent"]
