"""The disease-extent rule kind ("Patients must have measurable disease", "Metastatic disease",
"Symptomatic or untreated CNS metastases", "Stage IIIB, IIIC, or IV"): model, question, extractor,
evaluator and record (issue #12), evaluated against the profile's `extent` and `cns_disease`.

Read only when the whole criterion is the feature: a scan or a part named ("on 3-dimensional
planning CT scan", "In Part 2"), a lesion condition ("not previously irradiated"), an alternative
("or CA125") or an allowance leaves it to other kinds or free text. Measurable disease reads as an
inclusion, metastatic and CNS disease as exclusions; a stage in either section (an exclusion "Stadium
III and IV" excludes those stages).
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

Feature = Literal[
    "measurable_disease",
    "measurable_or_evaluable",
    "metastatic",
    "cns_disease",
    "stage",
    "unresectable",
    "unresectable_or_metastatic",
    "locally_advanced_or_metastatic",
]
# The pattern group that names each extent reading (an inclusion or an exclusion alike).
_EXTENT_GROUPS: dict[str, Feature] = {
    "unresectable": "unresectable",
    "unres_or_met": "unresectable_or_metastatic",
    "la_or_met": "locally_advanced_or_metastatic",
}
CnsQualifier = Literal["symptomatic", "untreated", "unstable"]
_QUALIFIER_WORDS: dict[str, CnsQualifier] = {
    "symptomatic": "symptomatic",
    "untreated": "untreated",
    "unstable": "unstable",
    "actively progressing": "unstable",
    "progressing": "unstable",
}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
# A stage as a profile or a trial writes it: Roman or Arabic numeral and an optional substage letter.
_STAGE = re.compile(r"^(?:stage\s*)?(IV|III|II|I|[1-4])([A-D])?$", re.IGNORECASE)
_STAGE_TOKEN = re.compile(r"(?-i:IV|III|II|I)(?:[A-Da-d](?![A-Za-z]))?")
# Substages of one stage written once ("IIIB/C", "IIIA/B"; the melanoma and lung cancer trials' shorthand).
_SUBSTAGES = re.compile(r"(?-i:(IV|III|II|I))((?-i:[A-D])(?:/(?-i:[A-D]))+)(?![A-Za-z])")
# An Arabic stage, read only after a cancer staging system's name ("INSS stage 4", "AJCC stage 3B").
_NUMBERED_TOKEN = re.compile(r"[1-4](?:[A-Da-d](?![A-Za-z]))?")
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|to)\s*(?:stage\s+)?$", re.IGNORECASE)
Stage = tuple[int, str | None]  # (number, substage letter or None when not given)


def _stage_of(written: str) -> Stage | None:
    """ "IIIB" -> (3, "B"), "4" -> (4, None); None for anything else ("M", "L2", "4S", "T2")."""
    match = _STAGE.match(written.strip())
    if match is None:
        return None
    number = match[1].upper()
    return (_ROMAN[number] if number in _ROMAN else int(number), match[2].upper() if match[2] else None)


def _before(low: Stage, high: Stage) -> bool:
    """Whether `low` comes before `high` (a stage without its letter before any of its substages)."""
    return (low[0], low[1] or "") < (high[0], high[1] or "")


def _stage_items(written: str, stage_token: re.Pattern[str] = _STAGE_TOKEN) -> tuple[str, ...]:
    """The stages a trial lists ("IIIB, IIIC, or IV" -> IIIB, IIIC, IV; "IIIB-IV" -> one range;
    "IIIB/C" -> IIIB, IIIC; with `_NUMBERED_TOKEN`, "3 or 4" -> 3, 4)."""
    written = _SUBSTAGES.sub(lambda m: ", ".join(m[1] + letter for letter in m[2].split("/")), written)
    tokens = list(stage_token.finditer(written))
    items: list[str] = []
    joined = False
    for before, token in zip([None, *tokens], tokens, strict=False):
        value = token[0][:-1] + token[0][-1].upper() if token[0][-1] in "abcd" else token[0]
        if before is not None and _RANGE_JOIN.match(written[before.end() : token.start()]) and not joined:
            items[-1] = f"{items[-1]}-{value}"
            joined = True
            continue
        items.append(value)
        joined = False
    return tuple(items)


def _in_stage(item: str, stage: Stage) -> bool | None:
    """Whether the profile's stage falls in one listed stage or range (None: the substage is needed)."""
    ends = [_stage_of(end) for end in item.split("-")]
    low, high = ends[0], ends[-1]
    if low is None or high is None:
        return None
    number, letter = stage
    if not low[0] <= number <= high[0]:
        return False
    answers: list[bool | None] = []
    if number == low[0] and low[1] is not None and low[1] != "A":
        answers.append(None if letter is None else letter >= low[1])
    if number == high[0] and high[1] is not None:
        answers.append(None if letter is None else letter <= high[1])
    if False in answers:
        return False
    return None if None in answers else True


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
    # For `stage`: the stages the trial names, each one stage ("III": any substage of III, "IIIB")
    # or a range written "IIIB-IV" (IIIB up to any substage of IV).
    stages: tuple[str, ...] | None = Field(default=None, min_length=1)
    # For `metastatic`: the trial asks for no distant spread ("No distant metastases" in an inclusion).
    # None (left out of the rule's record) otherwise.
    absent: Literal[True] | None = None
    # For `cns_disease`: the trial names the brain only ("Known brain metastases"), narrower than CNS disease,
    # which takes in the spinal cord and its lining (review of round 2, issue #12). None otherwise.
    brain_only: Literal[True] | None = None

    @model_validator(mode="after")
    def _qualifiers_for_cns(self) -> DiseaseExtentRule:
        if self.absent and self.feature != "metastatic":
            raise ValueError("only metastatic disease is asked for as absent")
        if (self.cns_qualifiers or self.brain_only) and self.feature != "cns_disease":
            raise ValueError("only CNS disease takes qualifiers")
        if (self.stages is not None) != (self.feature == "stage"):
            raise ValueError("a stage rule, and only a stage rule, lists stages")
        for item in self.stages or ():
            ends = [_stage_of(end) for end in item.split("-")]
            known = [end for end in ends if end is not None]
            if len(known) != len(ends) or len(known) > 2 or (len(known) == 2 and not _before(known[0], known[1])):
                raise ValueError(f"not a stage or an increasing range of stages: {item!r}")
        return self

    def stages_text(self) -> str:
        return " or ".join(item.replace("-", " to ") for item in self.stages or ())

    def question(self, section: Section) -> str:
        wording = general_wording()
        standard = f" ({self.standard})" if self.standard else ""
        if self.feature == "cns_disease":
            words = [_QUALIFIER_TEXT[q] for q in self.cns_qualifiers or ()]
            qualifiers = f" that is {_join(words).replace(' and ', ' or ')}" if words else ""
            return wording["brain_metastases" if self.brain_only else "cns_disease"].format(qualifiers=qualifiers)
        if self.absent:
            return wording["no_metastatic"]
        if self.feature in ("metastatic", *_EXTENT_GROUPS.values()):
            return wording[self.feature]
        if self.feature == "stage":
            return wording["stage"].format(stages=self.stages_text())
        return wording[self.feature].format(standard=standard)


_ALLOWED_CNS = patterns()["disease_extent.allowed"].regex("allowed")
_IRRADIATED_NOTE = patterns()["disease_extent.allowed"].regex("irradiated_note")
# What each word of the allowance says the child's CNS disease is not.
_ALLOWED_WORDS: dict[str, CnsQualifier] = {"asymptomatic": "symptomatic", "treated": "untreated", "stable": "unstable"}


def extract_disease_extent(context: CriterionContext) -> DiseaseExtentRule | None:
    # The text as written: "at least one measurable lesion" is a count, not a comparator.
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    note = _IRRADIATED_NOTE.search(text)
    if note is not None:
        # RECIST's own rule for lesions in an irradiated field after measurable disease: said by the standard.
        rule = extract_disease_extent(context.with_text(text[: note.start()]))
        return rule if rule is not None and rule.feature == "measurable_disease" else None
    allowed = _ALLOWED_CNS.match(text) if "eligible" in text or "allowed" in text or "permitted" in text else None
    if allowed is not None:
        # "Symptomatic or untreated CNS metastases. Participants with asymptomatic, treated CNS metastases are
        # eligible" (NCT05382559): the second sentence says again, the other way round, what the first excludes;
        # read only when it allows exactly the children the first does not exclude (oncdx, issue #12).
        rule = extract_disease_extent(context.with_text(allowed["head"]))
        words = re.findall(r"asymptomatic|treated|stable", allowed["allowed"], re.IGNORECASE)
        complement = {_ALLOWED_WORDS[word.lower()] for word in words}
        if rule is None or rule.feature != "cns_disease" or set(rule.cns_qualifiers or ()) != complement:
            return None
        return rule
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
        if groups.get("stages"):
            return DiseaseExtentRule(feature="stage", stages=_stage_items(groups["stages"]))
        if groups.get("numbered"):
            return DiseaseExtentRule(feature="stage", stages=_stage_items(groups["numbered"], _NUMBERED_TOKEN))
        if groups.get("absent") or groups.get("nonmet"):
            # An inclusion asking for no distant spread; under an exclusion heading the same words are a
            # requirement misplaced or a double negative, which a person reads (oncdx, issue #12).
            return DiseaseExtentRule(feature="metastatic", absent=True) if context.section == "inclusion" else None
        extent = next((feature for group, feature in _EXTENT_GROUPS.items() if groups.get(group)), None)
        if extent is not None:
            return DiseaseExtentRule(feature=extent)
        if groups.get("metastatic"):
            return DiseaseExtentRule(feature="metastatic")  # a requirement in an inclusion, a bar in an exclusion
        if context.section != "exclusion":
            return None
        if groups.get("unless"):
            unless = re.findall(r"asymptomatic|treated|stable", groups["unless"], re.IGNORECASE)
            excluded = tuple(dict.fromkeys(_ALLOWED_WORDS[word.lower()] for word in unless))
            return DiseaseExtentRule(
                feature="cns_disease", cns_qualifiers=excluded, brain_only=_brain_only(groups.get("cns_unless"))
            )
        found = r"actively progressing|progressing|symptomatic|untreated|unstable"
        words = re.findall(found, groups.get("quals") or "", re.IGNORECASE)
        qualifiers = tuple(dict.fromkeys(_QUALIFIER_WORDS[word.lower()] for word in words))
        return DiseaseExtentRule(
            feature="cns_disease", cns_qualifiers=qualifiers or None, brain_only=_brain_only(groups.get("cns"))
        )
    return None


def _brain_only(named: str | None) -> Literal[True] | None:
    """True when the CNS words name the brain alone ("brain", not "brain or other CNS" / "brain/CNS")."""
    return True if named is not None and named.strip().lower() == "brain" else None


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
    if rule.brain_only:
        # CNS disease may be in the spinal cord or its lining alone: the profile does not say it is in the brain.
        return Outcome.unknown(
            f"The profile says there is CNS disease, not whether it is in the brain; {needs} in the brain.",
            "cns_disease.present",
        )
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


def _stage(rule: DiseaseExtentRule, profile: PatientProfile) -> Outcome:
    needs = f"the trial asks about stage {rule.stages_text()}"
    written = profile.extent.stage
    if written is None:
        return Outcome.unknown(f"The profile does not give the stage; {needs}.", "extent.stage")
    stage = _stage_of(written)
    if stage is None:
        return Outcome.unknown(
            f"The profile gives stage {written}, which Eligo cannot compare with stages I to IV; {needs}.",
            "extent.stage",
        )
    answers = [_in_stage(item, stage) for item in rule.stages or ()]
    if True in answers:
        return Outcome.met(f"The profile gives stage {written}; {needs}.")
    if None in answers:
        return Outcome.unknown(f"The profile gives stage {written}, without the substage; {needs}.", "extent.stage")
    return Outcome.not_met(f"The profile gives stage {written}; {needs}.")


def _extent(feature: Feature, profile: PatientProfile) -> Outcome:
    """Unresectable, unresectable or metastatic, locally advanced or metastatic. The profile does not
    record "locally advanced": metastatic (or unresectable) disease meets it, anything else is unknown."""
    extent = profile.extent
    if feature == "unresectable":
        return _flag(extent.unresectable, "unresectable disease", "extent.unresectable",
                     "the trial asks about disease that cannot be removed by surgery")  # fmt: skip
    needs = (
        "the trial asks about unresectable or metastatic disease"
        if feature == "unresectable_or_metastatic"
        else "the trial asks about locally advanced or metastatic disease"
    )
    facts = {"metastatic": extent.metastatic, "unresectable": extent.unresectable}
    for what, value in facts.items():
        if value:
            return Outcome.met(f"The profile says the disease is {what}; {needs}.")
    if feature == "unresectable_or_metastatic" and all(value is False for value in facts.values()):
        return Outcome.not_met(f"The profile says the disease is neither unresectable nor metastatic; {needs}.")
    missing = [f"extent.{what}" for what, value in facts.items() if value is None]
    if feature == "locally_advanced_or_metastatic" and not missing:
        return Outcome.unknown(
            f"The profile says the disease is neither metastatic nor unresectable, and does not say whether it is "
            f"locally advanced; {needs}.",
            "extent.stage",
        )
    return Outcome.unknown(f"The profile does not say whether the disease is {' or '.join(facts)}; {needs}.", *missing)


def evaluate_disease_extent(rule: DiseaseExtentRule, profile: PatientProfile, on: date) -> Outcome:
    extent = profile.extent
    if rule.feature == "cns_disease":
        return _cns(rule, profile)
    if rule.feature == "stage":
        return _stage(rule, profile)
    if rule.feature == "metastatic" and rule.absent:
        needs = "the trial needs cancer that has not spread to distant parts of the body"
        if extent.metastatic is None:
            return Outcome.unknown(
                f"The profile does not say whether the child has metastatic disease; {needs}.", "extent.metastatic"
            )
        said = f"The profile says the child {'has' if extent.metastatic else 'does not have'} metastatic disease"
        return (Outcome.not_met if extent.metastatic else Outcome.met)(f"{said}; {needs}.")
    if rule.feature == "metastatic":
        return _flag(
            extent.metastatic, "metastatic disease", "extent.metastatic", "the trial asks about metastatic disease"
        )
    if rule.feature in _EXTENT_GROUPS.values():
        return _extent(rule.feature, profile)
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
    DiseaseExtentRule, general_wording,
    ("measurable_disease", "measurable_or_evaluable", "metastatic", "no_metastatic", "cns_disease", "stage",
     *_EXTENT_GROUPS.values()),
    evaluate_disease_extent,
    (Step(extract_disease_extent, patterns()["disease_extent"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "DiseaseExtentRule", "evaluate_disease_extent", "extract_disease_extent"]
