"""Rules about the child and the disease: age, sex, diagnosis, disease state and sites,
biomarkers, performance status, life expectancy, organ function, infection, pregnancy,
and attestations (consent, assent)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.criteria.rules.base import RuleBase, Section
from eligo.terms import DISEASE_SITES as SITES
from eligo.terms import Comparator
from eligo.terms import DiseaseSite as Site
from eligo.trials.ages import AgeLimits, registry_age_limits
from eligo.yamlfile import load_yaml

SYMBOL: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


# --- vocabulary -------------------------------------------------------------------------


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


class PregnancyAges(_Vocab):
    female_min_age_years: int = Field(ge=0, le=30)
    male_min_age_years: int = Field(ge=0, le=30)


class PerformanceVocab(_Vocab):
    lansky_through_age_years: int = Field(ge=1, le=30)


class ClinicalVocab(_Vocab):
    """The validated contents of `criteria/vocab/clinical.yaml`."""

    version: Literal[1]
    diagnoses: dict[str, DiagnosisTerm]
    disease_states: dict[str, StateTerm]
    sites: dict[str, str]
    conditions: dict[str, ConditionTerm]
    condition_qualifiers: tuple[str, ...]
    condition_framing: tuple[str, ...]
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
        return self

    def diagnosis_covers(self, wanted: str, actual: str) -> bool:
        """True when the child's canonical diagnosis `actual` is `wanted` or included in it."""
        return actual == wanted or actual in self.diagnoses[wanted].includes

    def canonical_diagnosis(self, text: str) -> str | None:
        lowered = text.strip().lower()
        for name, term in self.diagnoses.items():
            if lowered == name.replace("_", " ") or lowered in (s.lower() for s in term.synonyms):
                return name
        return None

    def condition_found(self, name: str, profile_conditions: tuple[str, ...]) -> str | None:
        """The profile entry that names condition `name` (by a synonym, whole words), if any."""
        for entry in profile_conditions:
            for synonym in self.conditions[name].synonyms:
                if re.search(rf"(?<!\w){re.escape(synonym)}(?!\w)", entry, re.IGNORECASE):
                    return entry
        return None


@cache
def clinical_vocab() -> ClinicalVocab:
    """Load and validate the clinical vocabulary once per process."""
    text = resources.files("eligo.criteria").joinpath("vocab/clinical.yaml").read_text(encoding="utf-8")
    return ClinicalVocab.model_validate(load_yaml(text))


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


# --- age ----------------------------------------------------------------------------------


class AgeRule(RuleBase):
    """The child's age lies in a range, compared on completed months of age.

    `unit` is how the trial wrote its limits. An inclusive upper limit counts the whole last
    unit of age, as ClinicalTrials.gov and COG read it: "≤ 18 years" admits 18 years 11
    months; "< 18 years" ends at the 18th birthday. A strict lower limit ("> 1 year") needs the
    child to be older than the exact birthday.
    """

    kind: Literal["age"] = "age"
    min_months: int | None = Field(default=None, ge=0, le=1800)
    max_months: int | None = Field(default=None, ge=0, le=1800)
    min_inclusive: bool = True
    max_inclusive: bool = True
    unit: Literal["years", "months"] = "years"
    # "< 21 years at diagnosis": the limit applies to the age when the cancer was diagnosed.
    at_diagnosis: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> AgeRule:
        if self.min_months is None and self.max_months is None:
            raise ValueError("an age rule needs a lower or an upper limit")
        if self.min_months is not None and self.max_months is not None:
            if self.min_months > self.max_months:
                raise ValueError("min_months must not exceed max_months")
            if self.min_months == self.max_months and not (self.min_inclusive and self.max_inclusive):
                raise ValueError("an empty age range")
        return self

    @classmethod
    def from_limits(cls, limits: AgeLimits | None) -> AgeRule | None:
        """The rule for a trial's registry age limits (`Eligibility.age_limits`); both limits inclusive."""
        if limits is None:
            return None
        return cls(min_months=limits.min_months, max_months=limits.max_months, unit=limits.unit)

    @classmethod
    def from_registry(cls, min_text: str | None, max_text: str | None) -> AgeRule | None:
        """Read `minimumAge` / `maximumAge` text; an unreadable age raises `UnreadableAge`."""
        return cls.from_limits(registry_age_limits(min_text, max_text, strict=True))

    def bounds_text(self) -> str:
        parts = []
        if self.min_months is not None:
            parts.append(f"{'≥' if self.min_inclusive else '>'} {self._amount(self.min_months)}")
        if self.max_months is not None:
            parts.append(f"{'≤' if self.max_inclusive else '<'} {self._amount(self.max_months)}")
        return " and ".join(parts)

    def _amount(self, months: int) -> str:
        if self.unit == "years" and months % 12 == 0:
            return f"{months // 12} year" + ("s" if months != 12 else "")
        return describe_months(months)

    def question(self, section: Section) -> str:
        if self.min_months is not None and self.max_months is not None:
            low = (
                f"at least {self._amount(self.min_months)}"
                if self.min_inclusive
                else (f"older than {self._amount(self.min_months)}")
            )
            high = (
                f"{self._amount(self.max_months)} or younger"
                if self.max_inclusive
                else (f"younger than {self._amount(self.max_months)}")
            )
            span = f"{low} and {high}"
        elif self.min_months is not None:
            span = f"{'at least' if self.min_inclusive else 'older than'} {self._amount(self.min_months)}"
        else:
            top = self._amount(self.max_months or 0)
            span = f"{top} or younger" if self.max_inclusive else f"younger than {top}"
        return _q("age_at_diagnosis" if self.at_diagnosis else "age", range=span)


# --- sex, diagnosis, risk, disease state ----------------------------------------------------


class SexRule(RuleBase):
    kind: Literal["sex"] = "sex"
    sex: Literal["female", "male"]

    def question(self, section: Section) -> str:
        return _q("sex", sex="a girl" if self.sex == "female" else "a boy")


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


class RiskGroupRule(RuleBase):
    """The child's neuroblastoma is (or is not) classed as high-risk."""

    kind: Literal["high_risk"] = "high_risk"
    high_risk: bool = True

    def question(self, section: Section) -> str:
        return _q("high_risk" if self.high_risk else "not_high_risk")


DiseaseStateName = Literal["relapsed", "refractory", "progressive", "persistent", "metastatic"]


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


# --- disease sites, biomarkers ----------------------------------------------------------------

_ONLY_SITES = frozenset({"bone", "bone_marrow", "mibg_avid"})


class DiseaseSiteRule(RuleBase):
    """Where the disease is and how it shows.

    mode "any": at least one listed item; "all": every listed item; "only": at least one of
    the listed sites (within bone, marrow, MIBG) and no disease outside bone and marrow.
    The lesion size and Curie score thresholds count as listed items.
    """

    kind: Literal["disease_site"] = "disease_site"
    sites: tuple[Site, ...] = ()
    mode: Literal["any", "all", "only"] = "any"
    min_lesion_mm: float | None = Field(default=None, gt=0, le=1000)
    curie_score_min: int | None = Field(default=None, ge=1, le=30)
    # "MIBG avid within 6 weeks prior to enrollment": how recent the scan must be.
    within_days: int | None = Field(default=None, gt=0)
    # "these patients must have had a biopsy confirming neuroblastoma": the current disease is
    # biopsy-proven (profile.disease_sites.biopsy_confirmed); the biopsy's timing is the study team's check.
    biopsy_confirmed: bool = False
    # "known to be MIBG non-avid": the rule holds when NONE of the listed sites is present.
    negated: bool = False

    @model_validator(mode="after")
    def _something(self) -> DiseaseSiteRule:
        if not self.sites and self.min_lesion_mm is None and self.curie_score_min is None and not self.biopsy_confirmed:
            raise ValueError("a disease-site rule needs a site, a lesion size, a Curie score or a biopsy")
        if self.negated and (
            not self.sites
            or self.mode != "any"
            or self.min_lesion_mm is not None
            or self.curie_score_min is not None
            or self.biopsy_confirmed
        ):
            raise ValueError("a negated disease-site rule lists sites only, in mode 'any'")
        if len(set(self.sites)) != len(self.sites):
            raise ValueError("sites must not repeat")
        if self.mode == "only" and (not self.sites or not set(self.sites) <= _ONLY_SITES):
            raise ValueError("mode 'only' takes sites among bone, bone_marrow and mibg_avid")
        return self

    def item_texts(self) -> list[str]:
        vocab = clinical_vocab()
        items = [vocab.sites[s] for s in self.sites]
        if self.min_lesion_mm is not None:
            items.append(_q("site_lesion", mm=f"{self.min_lesion_mm:g} mm"))
        if self.curie_score_min is not None:
            items.append(_q("site_curie", score=str(self.curie_score_min)))
        if self.biopsy_confirmed:
            items.append(_q("site_biopsy"))
        return items

    def question(self, section: Section) -> str:
        items = self.item_texts()
        if self.negated:
            return _q("site_none", sites=_join(items))
        key = {"any": "site_any", "all": "site_all", "only": "site_only"}[self.mode]
        if self.mode == "all" and len(items) == 1:
            key = "site_any"
        text = _q(key, sites=_join(items, "and" if self.mode == "all" else "or"))
        if self.within_days is not None:
            text = text[:-1] + _q("site_within", days=str(self.within_days)) + "?"
        return text


class BiomarkerRule(RuleBase):
    """A tumour gene finding: ALK mutation/amplification, MYCN amplification."""

    kind: Literal["biomarker"] = "biomarker"
    marker: Literal["alk", "mycn"]
    alterations: tuple[Literal["mutation", "amplification"], ...] = Field(min_length=1)
    present: bool = True

    @model_validator(mode="after")
    def _fits_marker(self) -> BiomarkerRule:
        if self.marker == "mycn" and self.alterations != ("amplification",):
            raise ValueError("MYCN rules are about amplification only")
        if len(set(self.alterations)) != len(self.alterations):
            raise ValueError("alterations must not repeat")
        return self

    def describe(self) -> str:
        gene = "an ALK" if self.marker == "alk" else "MYCN"
        if self.marker == "mycn":
            return "MYCN amplification (extra copies of the MYCN gene)"
        return f"{gene} gene " + " or ".join(
            "mutation (a change in the gene)" if a == "mutation" else "amplification (extra copies)"
            for a in self.alterations
        )

    def question(self, section: Section) -> str:
        return _q("biomarker_present" if self.present else "biomarker_absent", marker=self.describe())


# --- performance, life expectancy, toxicity, organ function ---------------------------------


class PerformanceRule(RuleBase):
    """Activity score thresholds. With both Lansky and Karnofsky minimums, the scale that
    fits the child's age is used (Lansky through `lansky_through_age_years` completed years)."""

    kind: Literal["performance"] = "performance"
    lansky_min: int | None = Field(default=None, ge=0, le=100)
    karnofsky_min: int | None = Field(default=None, ge=0, le=100)
    ecog_max: int | None = Field(default=None, ge=0, le=5)
    lansky_through_age_years: int = Field(default=16, ge=1, le=30)

    @model_validator(mode="after")
    def _some_scale(self) -> PerformanceRule:
        if self.lansky_min is None and self.karnofsky_min is None and self.ecog_max is None:
            raise ValueError("a performance rule needs at least one scale")
        return self

    def thresholds_text(self) -> str:
        parts = []
        if self.lansky_min is not None:
            age = f" (age {self.lansky_through_age_years} or under)" if self.karnofsky_min is not None else ""
            parts.append(f"Lansky ≥ {self.lansky_min}{age}")
        if self.karnofsky_min is not None:
            age = f" (age {self.lansky_through_age_years + 1} or over)" if self.lansky_min is not None else ""
            parts.append(f"Karnofsky ≥ {self.karnofsky_min}{age}")
        if self.ecog_max is not None:
            parts.append(f"ECOG ≤ {self.ecog_max}")
        return _join(parts)

    def question(self, section: Section) -> str:
        return _q("performance", scores=self.thresholds_text())


class ToxicityGradeRule(RuleBase):
    """The worst CTCAE grade of a toxicity or organ dysfunction compared with `grade`.

    comparator "<=": the child's `what` is at most `grade` (inclusion: "resolved to grade 1
    or less"); ">": it is worse than `grade` (exclusion: "organ dysfunction > Grade 2").
    """

    kind: Literal["toxicity_grade"] = "toxicity_grade"
    comparator: Literal["<=", ">"]
    grade: int = Field(ge=0, le=4)
    # None: any acute toxicity of earlier therapy; otherwise a named toxicity ("hematuria").
    what: str | None = None
    exceptions: tuple[str, ...] = ()
    or_stabilized: bool = False
    # "fully recovered from the acute toxic effects": grade 0 is certain, grade 1 is a judgement.
    fully_recovered: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> ToxicityGradeRule:
        if self.fully_recovered and (self.comparator != "<=" or self.what is not None):
            raise ValueError("fully_recovered is an '<=' rule about all acute toxicity")
        return self

    def question(self, section: Section) -> str:
        if self.fully_recovered:
            return _q("toxicity_recovered")
        if self.comparator == "<=":
            return _q(
                "toxicity_max",
                what=f" ({self.what})" if self.what else "",
                grade=str(self.grade),
                stabilized=" or at least stable" if self.or_stabilized else "",
            )
        exceptions = f", apart from {_join(list(self.exceptions), 'and')}" if self.exceptions else ""
        return _q(
            "toxicity_min",
            what=self.what or "a side effect or organ problem",
            grade=str(self.grade),
            exceptions=exceptions,
        )


class OrganFunctionRule(RuleBase):
    """A heart function measurement (echocardiogram or MUGA) against a percentage."""

    kind: Literal["organ_function"] = "organ_function"
    measure: Literal["ejection_fraction", "shortening_fraction"]
    comparator: Comparator
    percent: float = Field(gt=0, lt=100)

    def question(self, section: Section) -> str:
        words = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}[self.comparator]
        measure = "ejection fraction" if self.measure == "ejection_fraction" else "shortening fraction"
        return _q("cardiac", measure=measure, comparator=words, percent=f"{self.percent:g}")


# --- conditions, pregnancy, attestation -------------------------------------------------------


class ConditionRule(RuleBase):
    """The child has (present=True) or is free of (present=False) any of `conditions`.

    `label` names an umbrella the trial lists examples of ("uncontrolled intercurrent
    illness including, but not limited to, ..."): then `conditions` are examples, and not
    having them does not show the umbrella is absent (`open_ended`).
    """

    kind: Literal["condition"] = "condition"
    conditions: tuple[str, ...] = Field(min_length=1)
    present: bool = True
    qualifier: str | None = None
    within_months: int | None = Field(default=None, gt=0)
    label: str | None = None
    open_ended: bool = False

    @model_validator(mode="after")
    def _known(self) -> ConditionRule:
        unknown = set(self.conditions) - set(clinical_vocab().conditions)
        if unknown:
            raise ValueError(f"unknown conditions {sorted(unknown)}")
        if self.open_ended and self.label is None:
            raise ValueError("an open-ended condition list needs its label")
        return self

    def question(self, section: Section) -> str:
        vocab = clinical_vocab()
        names = [vocab.conditions[c].display for c in self.conditions]
        text = _join(names)
        if self.label is not None:
            text = f"{self.label.lower()} (for example {_join(names)})" if self.open_ended else self.label.lower()
        qualifier = f" ({self.qualifier})" if self.qualifier else ""
        window = f" in the last {self.within_months} months" if self.within_months else ""
        if self.present:
            return _q("condition_present", conditions=text, qualifier=qualifier, window=window)
        return _q("condition_absent", conditions=text, qualifier=qualifier)


class PregnancyRule(RuleBase):
    """Pregnancy, breastfeeding, a negative pregnancy test, or contraception.

    topic "pregnant": condition is being pregnant (and/or breastfeeding, per the flags);
    `present=False` for "must not be pregnant". "negative_test": has had the negative test
    the trial asks for. "contraception": will use contraception; `sex` says who is meant.
    """

    kind: Literal["pregnancy"] = "pregnancy"
    topic: Literal["pregnant", "negative_test", "contraception"]
    pregnant: bool = True
    breastfeeding: bool = False
    present: bool = True
    sex: Literal["female", "male", "any"] = "female"

    @model_validator(mode="after")
    def _coherent(self) -> PregnancyRule:
        if self.topic == "pregnant" and not (self.pregnant or self.breastfeeding):
            raise ValueError("a pregnancy rule needs pregnant and/or breastfeeding")
        if self.topic == "negative_test" and self.sex != "female":
            raise ValueError("a pregnancy test rule is about girls and women")
        if self.topic != "pregnant" and not self.present:
            raise ValueError("only pregnancy/breastfeeding rules can be negated")
        return self

    def question(self, section: Section) -> str:
        if self.topic == "pregnant":
            states = _join([w for w, on in (("pregnant", self.pregnant), ("breastfeeding", self.breastfeeding)) if on])
            return _q("pregnant_present" if self.present else "pregnant_absent", states=states)
        if self.topic == "negative_test":
            return _q("negative_test")
        who = {
            "female": "girls old enough to become pregnant",
            "male": "boys old enough to father a child",
            "any": "young people old enough to have children",
        }[self.sex]
        return _q("contraception", who=who)


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


class PermittedRule(RuleBase):
    """A permissive statement: the trial allows a group it might seem to exclude ("patients with
    known bone marrow disease will be eligible as long as they meet hematologic criteria").

    It states no condition the child must meet, so it always evaluates to not_applicable, with
    the allowance as evidence; the criteria it refers to are evaluated where they are written.
    It counts as computable: no fact and no person is needed to settle it.
    """

    kind: Literal["permitted"] = "permitted"
    who: str = Field(min_length=3)  # plain words: "children with bone marrow disease"
    provided: str | None = None  # the trial's proviso, verbatim ("as long as they meet ...")

    def question(self, section: Section) -> str:
        return _q("permitted", who=self.who)


ClinicalRule = Union[
    AgeRule,
    SexRule,
    DiagnosisRule,
    RiskGroupRule,
    DiseaseStateRule,
    DiseaseSiteRule,
    BiomarkerRule,
    PerformanceRule,
    ToxicityGradeRule,
    OrganFunctionRule,
    ConditionRule,
    PregnancyRule,
    AttestationRule,
    PermittedRule,
]

__all__ = [
    "SITES",
    "AgeRule",
    "AttestationRule",
    "BiomarkerRule",
    "ClinicalRule",
    "ClinicalVocab",
    "ConditionRule",
    "DiagnosisRule",
    "DiseaseSiteRule",
    "DiseaseStateRule",
    "OrganFunctionRule",
    "PerformanceRule",
    "PermittedRule",
    "PregnancyRule",
    "RiskGroupRule",
    "SexRule",
    "ToxicityGradeRule",
    "clinical_vocab",
    "describe_months",
]
