"""The disease-site rule kind (bone, bone marrow, MIBG-avid, measurable disease, Curie scores):
model, question, extractor, evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal, cast

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _join, _q, _yes_no, clinical_vocab, clinical_wording
from eligo.rules._clinical_text import _PERMISSIVE, _diagnoses_in, _scope
from eligo.rules.base import CriterionContext, RuleBase, Section, normalize_comparators
from eligo.rules.composite import AllOf
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome
from eligo.terms import DiseaseSite as Site

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["disease_site"]
_READINGS = _PATTERNS.compiled_readings()
_WITHIN = _PATTERNS.regex("within")
_MEASURABLE = _PATTERNS.regex("measurable")
_NOT_MINE = _PATTERNS.regex("not_mine")
_HEADING = _PATTERNS.regex("heading")
_MEASURABLE_DIAGNOSIS = _PATTERNS.regex("measurable_diagnosis")


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


def _site_rule(text: str, scope: str | None = None) -> DiseaseSiteRule | None:
    t = normalize_comparators(text).rstrip(".")
    within = None
    recent = _WITHIN.search(t)
    if recent is not None:
        within = int(recent.group(1)) * (7 if recent.group(2).lower().startswith("w") else 1)
    for regex, reading in _READINGS:
        match = regex.match(t)
        if match is None:
            continue
        fields = reading.fields
        if not fields:
            site = cast(Site, match.group(1).lower().replace(" ", "_"))
            return DiseaseSiteRule(scope=scope, sites=(site,))
        if "curie" in fields:
            return DiseaseSiteRule(scope=scope, curie_score_min=int(match.group(1)))
        return DiseaseSiteRule(scope=scope, within_days=within, **fields)
    return _measurable(t, scope)


def _measurable(text: str, scope: str | None) -> DiseaseSiteRule | None:
    """Measurable disease by size. When sizes differ by imaging method the smallest counts
    (any method will do); a size stated only for chest x-ray is not enough to go on."""
    if not _MEASURABLE.search(text):
        return None
    # Each size's method runs to the next size: "as ≥20 mm with conventional techniques or as ≥10 mm with
    # spiral CT scan" (the NCI CTEP template) is two sizes, not one that swallows the other (nci, issue #12).
    sizes = [(float(m.group(1)), m.group(2)) for m in re.finditer(r"≥ ?(\d+(?:\.\d+)?) ?mm\b([^,;)≥]*)", text)]
    if not sizes:
        return None
    # A size right after a node's or short axis's words is that node's ("... and the short axis ≥ 12 mm").
    nodal = [re.search(r"short axis|lymph", how, re.I) is not None for _, how in sizes]
    long_axis = [size for i, size in enumerate(sizes) if not nodal[i] and not (i and nodal[i - 1])]
    if any("x-ray" in how.lower() or "chest" in how.lower() for _, how in long_axis) and not any(
        re.search(r"\bCT\b|computed|MRI|calipers", how) for _, how in long_axis
    ):
        return None
    if not long_axis:
        return None
    return DiseaseSiteRule(scope=scope, min_lesion_mm=min(mm for mm, _ in long_axis))


def extract_disease_site(context: CriterionContext) -> Rule | None:
    text = context.text.strip()
    if _PERMISSIVE.search(text) or _NOT_MINE.search(text):
        return None
    scope, rest = _scope(text)
    rest = _HEADING.sub("", rest)
    measurable_dx = _MEASURABLE_DIAGNOSIS.match(rest)
    if measurable_dx is not None:
        size = _measurable(normalize_comparators(measurable_dx.group(2)), scope)
        if size is None:
            return None
        dx = _diagnoses_in(measurable_dx.group(1))
        return AllOf(scope=scope, rules=(DiagnosisRule(scope=scope, diagnoses=tuple(dx)), size))
    return _site_rule(rest, scope)


def _site_flag(profile: PatientProfile, site: str) -> bool | None:
    sites = profile.disease_sites
    if site == "outside_bone_and_marrow":
        if sites.outside_bone_and_marrow is not None:
            return sites.outside_bone_and_marrow
        return True if sites.soft_tissue else None
    value: bool | None = getattr(sites, site)
    return value


def evaluate_disease_site(rule: DiseaseSiteRule, profile: PatientProfile, on: date) -> Outcome:
    """Sites, size and Curie score by `mode`; a biopsy requirement is one more condition (AND);
    a negated rule holds when none of its sites is present."""
    located = rule.sites or rule.min_lesion_mm is not None or rule.curie_score_min is not None
    outcome = _sites_outcome(rule, profile) if located else None
    if rule.negated and outcome is not None:
        flipped = {"met": Outcome.not_met, "not_met": Outcome.met}.get(outcome.verdict.value)
        evidence = f"{outcome.evidence[:-1]}; the trial's condition is that none of them is present."
        if flipped is None:
            return Outcome.unknown(evidence, *outcome.missing)
        return flipped(evidence)
    if not rule.biopsy_confirmed:
        return outcome if outcome is not None else Outcome.unknown("No disease-site condition.")
    biopsy = profile.disease_sites.biopsy_confirmed
    said = (
        "The profile does not say whether a biopsy confirmed the current disease"
        if biopsy is None
        else f"Current disease confirmed by biopsy: {_yes_no(biopsy)}"
    )
    note = "the trial needs biopsy confirmation (its timing is checked by the study team)"
    if outcome is None:
        if biopsy is None:
            return Outcome.unknown(f"{said}; {note}.", "disease_sites.biopsy_confirmed")
        return (Outcome.met if biopsy else Outcome.not_met)(f"{said}; {note}.")
    evidence = f"{outcome.evidence} {said}; {note}."
    if outcome.verdict.value == "not_met" or biopsy is False:
        return Outcome.not_met(evidence)
    if outcome.verdict.value == "met" and biopsy:
        return Outcome.met(evidence)
    return Outcome.unknown(evidence, *outcome.missing, *(() if biopsy else ("disease_sites.biopsy_confirmed",)))


def _sites_outcome(rule: DiseaseSiteRule, profile: PatientProfile) -> Outcome:
    sites = profile.disease_sites
    findings: list[tuple[str, bool | None, str]] = []  # (label, holds, missing field)
    for site in rule.sites:
        findings.append((site.replace("_", " "), _site_flag(profile, site), f"disease_sites.{site}"))
    if rule.min_lesion_mm is not None:
        size = sites.largest_lesion_mm
        holds = None if size is None else size >= rule.min_lesion_mm
        label = f"largest lesion {size:g} mm (needs ≥ {rule.min_lesion_mm:g} mm)" if size is not None else "lesion size"
        findings.append((label, holds, "disease_sites.largest_lesion_mm"))
    if rule.curie_score_min is not None:
        score = sites.curie_score
        holds = None if score is None else score >= rule.curie_score_min
        label = f"Curie score {score} (needs ≥ {rule.curie_score_min})" if score is not None else "Curie score"
        findings.append((label, holds, "disease_sites.curie_score"))

    known = [
        f"{label}: {_yes_no(holds)}" if "(" not in label else label for label, holds, _ in findings if holds is not None
    ]
    said = ("Profile: " + "; ".join(known)) if known else "The profile does not say where the disease is"
    missing = tuple(field for _, holds, field in findings if holds is None)
    recency = f" (scan within {rule.within_days} days)" if rule.within_days else ""
    needs = f"the trial needs {rule.mode} of {', '.join(label for label, _, _ in findings)}{recency}"
    values = [holds for _, holds, _ in findings]

    if rule.mode == "only":
        outside = _site_flag(profile, "outside_bone_and_marrow")
        if outside:
            return Outcome.not_met(f"{said}; disease outside bone and marrow: yes; {needs} and nothing else.")
        if all(v is False for v in values):
            return Outcome.not_met(f"{said}; {needs} and nothing else.")
        if any(values) and outside is False:
            return Outcome.met(f"{said}; disease outside bone and marrow: no; {needs} and nothing else.")
        extra = () if outside is not None else ("disease_sites.outside_bone_and_marrow",)
        return Outcome.unknown(f"{said}; {needs} and nothing else.", *missing, *extra)
    if rule.mode == "all":
        if any(v is False for v in values):
            return Outcome.not_met(f"{said}; {needs}.")
        if all(values):
            return Outcome.met(f"{said}; {needs}.")
        return Outcome.unknown(f"{said}; {needs}.", *missing)
    if any(values):
        return Outcome.met(f"{said}; {needs}.")
    if all(v is False for v in values):
        return Outcome.not_met(f"{said}; {needs}.")
    return Outcome.unknown(f"{said}; {needs}.", *missing)


KIND = RuleKind(
    DiseaseSiteRule,
    clinical_wording,
    ("site_any", "site_all", "site_only", "site_lesion", "site_curie", "site_within", "site_biopsy", "site_none"),
    evaluate_disease_site,
    (Step(extract_disease_site, _PATTERNS.trigger),),
)

__all__ = ["KIND", "DiseaseSiteRule", "evaluate_disease_site", "extract_disease_site"]
