"""The biomarker rule kind (ALK, MYCN): model, question, extractor, evaluator and record."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_wording
from eligo.rules._clinical_text import _PERMISSIVE, _THERAPY, _scope
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["biomarker"]
_ALK = _PATTERNS.regex("alk")
_MYCN = _PATTERNS.regex("mycn")


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


def extract_biomarker(context: CriterionContext) -> Rule | None:
    """ "Documented ALK mutation or amplification", "MYCN non-amplified tumour"."""
    text = context.text.strip().rstrip(".")
    if _PERMISSIVE.search(text) or _THERAPY.search(text):
        return None
    scope, rest = _scope(text)
    alk = _ALK.match(rest)
    if alk is not None:
        kinds = {alk.group(1).lower(), (alk.group(2) or "").lower()}
        if kinds & {"aberration", "alteration"}:
            kinds = {"mutation", "amplification"}
        order = tuple(k for k in ("mutation", "amplification") if k in kinds)
        return BiomarkerRule(scope=scope, marker="alk", alterations=order)
    mycn = _MYCN.match(rest)
    if mycn is not None:
        present = not mycn.group(1).lower().startswith("no")
        return BiomarkerRule(scope=scope, marker="mycn", alterations=("amplification",), present=present)
    return None


def evaluate_biomarker(rule: BiomarkerRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial needs {'' if rule.present else 'no '}{rule.marker.upper()} {' or '.join(rule.alterations)}"
    if rule.marker == "mycn":
        amplified = profile.biomarkers.mycn_amplified
        if amplified is None:
            return Outcome.unknown(f"MYCN status not in the profile; {needs}.", "biomarkers.mycn_amplified")
        holds = amplified == rule.present
        return (Outcome.met if holds else Outcome.not_met)(
            f"MYCN {'amplified' if amplified else 'not amplified'}; {needs}."
        )
    alk = profile.biomarkers.alk
    if alk is None:
        return Outcome.unknown(f"ALK status not in the profile; {needs}.", "biomarkers.alk")
    has = alk in rule.alterations
    return (Outcome.met if has == rule.present else Outcome.not_met)(f"ALK {alk.replace('_', ' ')}; {needs}.")


KIND = RuleKind(
    BiomarkerRule,
    clinical_wording,
    ("biomarker_present", "biomarker_absent"),
    evaluate_biomarker,
    (Step(extract_biomarker, _PATTERNS.trigger),),
)

__all__ = ["KIND", "BiomarkerRule", "evaluate_biomarker", "extract_biomarker"]
