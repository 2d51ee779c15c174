"""Evaluating the clinical rule kinds against a PatientProfile on an explicit date."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from eligo.criteria.rules.clinical import (
    SYMBOL,
    AgeRule,
    AttestationRule,
    BiomarkerRule,
    ConditionRule,
    DiagnosisRule,
    DiseaseSiteRule,
    DiseaseStateRule,
    OrganFunctionRule,
    PerformanceRule,
    PermittedRule,
    PregnancyRule,
    RiskGroupRule,
    SexRule,
    ToxicityGradeRule,
    clinical_vocab,
    describe_months,
)
from eligo.patients.profile import PatientProfile, PerformanceScore, Sex
from eligo.rules.verdicts import Outcome

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- age ---------------------------------------------------------------------------------


def _on_month_anniversary(born: date, on: date) -> bool:
    """True when `on` is a whole number of months after `born` (a birthday to the day)."""
    if on.day == born.day:
        return True
    # Born on the 31st: the month-anniversary in a shorter month is its last day.
    next_day = date.fromordinal(on.toordinal() + 1)
    return next_day.month != on.month and born.day > on.day


def _above_min(rule: AgeRule, months: int, exact: bool | None) -> bool | None:
    """Whether the age clears the lower limit; `exact` says whether the age is a whole
    number of months today (None when only age in years is known)."""
    low = rule.min_months
    if low is None:
        return True
    if months != low:
        return months > low
    if rule.min_inclusive:
        return True
    # "> 1 year" at exactly 12 completed months: older than the limit unless today is the birthday.
    return None if exact is None else not exact


def _below_max(rule: AgeRule, months: int) -> bool:
    high = rule.max_months
    if high is None:
        return True
    if not rule.max_inclusive:
        return months < high
    # An inclusive limit covers the whole last unit of age ("≤ 18 years" runs to 18y 11m).
    if rule.unit == "years" and high % 12 == 0:
        return months < high + 12
    return months <= high


def evaluate_age(rule: AgeRule, profile: PatientProfile, on: date) -> Outcome:
    months = profile.age_in_months_on(on)
    needs = f"the trial needs {rule.bounds_text()}" + (" at diagnosis" if rule.at_diagnosis else "")
    if months is None:
        return Outcome.unknown(f"No birth date or age in the profile; {needs}.", "birth_date")
    exact = _on_month_anniversary(profile.birth_date, on) if profile.birth_date is not None else None
    age = f"Age {describe_months(months)} on {on.isoformat()}"
    above, below = _above_min(rule, months, exact), _below_max(rule, months)
    if rule.at_diagnosis:
        # Age at diagnosis is at most today's age and the profile has no diagnosis date:
        # today's age can only settle "too young" (not_met) or "young enough" (the upper limit).
        if above is False:
            return Outcome.not_met(f"{age}, so younger at diagnosis; {needs}.")
        if below and rule.min_months is None:
            return Outcome.met(f"{age}, so no older at diagnosis; {needs}.")
        return Outcome.unknown(f"{age}; the profile has no date of diagnosis and {needs}.", "diagnosis_date")
    if above is None:
        return Outcome.unknown(
            f"{age} (from age in years, no birth date); {needs}, so the exact birthday matters.", "birth_date"
        )
    if above and below:
        return Outcome.met(f"{age}; {needs}.")
    return Outcome.not_met(f"{age}; {needs}.")


def evaluate_sex(rule: SexRule, profile: PatientProfile, on: date) -> Outcome:
    if profile.sex is None:
        return Outcome.unknown(f"The profile does not give the child's sex; the trial needs {rule.sex}.", "sex")
    verdict = Outcome.met if profile.sex.value == rule.sex else Outcome.not_met
    return verdict(f"Sex {profile.sex.value}; the trial needs {rule.sex}.")


# --- diagnosis, risk, disease state -----------------------------------------------------------


def evaluate_diagnosis(rule: DiagnosisRule, profile: PatientProfile, on: date) -> Outcome:
    vocab = clinical_vocab()
    wanted = " or ".join(vocab.diagnoses[d].display for d in rule.diagnoses)
    if profile.diagnosis is None:
        return Outcome.unknown(f"No diagnosis in the profile; the trial needs {wanted}.", "diagnosis")
    actual = vocab.canonical_diagnosis(profile.diagnosis)
    if actual is None:
        return Outcome.unknown(
            f"Diagnosis '{profile.diagnosis}' is not one Eligo can compare; the trial needs {wanted}.", "diagnosis"
        )
    if not any(vocab.diagnosis_covers(d, actual) for d in rule.diagnoses):
        return Outcome.not_met(f"Diagnosis {profile.diagnosis}; the trial needs {wanted}.")
    if rule.confirmation is not None:
        how = "histologically or cytologically" if rule.confirmation == "histologic_or_cytologic" else "histologically"
        if profile.histologically_confirmed is None:
            return Outcome.unknown(
                f"Diagnosis {profile.diagnosis}; the profile does not say it was confirmed {how}, as the trial needs.",
                "histologically_confirmed",
            )
        if not profile.histologically_confirmed:
            return Outcome.not_met(f"Diagnosis {profile.diagnosis} not confirmed {how}; the trial needs that.")
        return Outcome.met(f"Diagnosis {profile.diagnosis}, confirmed {how}; the trial needs {wanted}.")
    return Outcome.met(f"Diagnosis {profile.diagnosis}; the trial needs {wanted}.")


def evaluate_risk_group(rule: RiskGroupRule, profile: PatientProfile, on: date) -> Outcome:
    needs = "high-risk" if rule.high_risk else "not high-risk"
    if profile.high_risk is None:
        return Outcome.unknown(
            f"The profile does not say whether the disease is high-risk; the trial needs {needs}.", "high_risk"
        )
    verdict = Outcome.met if profile.high_risk == rule.high_risk else Outcome.not_met
    return verdict(f"High-risk: {_yes_no(profile.high_risk)}; the trial needs {needs} disease.")


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


# --- disease sites, biomarkers -----------------------------------------------------------------


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


# --- performance, life expectancy, toxicity, cardiac ---------------------------------------------


def _latest(profile: PatientProfile, scale: str) -> PerformanceScore | None:
    scores = [p for p in profile.performance if p.scale == scale]
    if not scores:
        return None
    return max(scores, key=lambda p: p.date or date.min)


def _score_text(score: PerformanceScore) -> str:
    when = f" on {score.date.isoformat()}" if score.date else ""
    return f"{score.scale.capitalize() if score.scale != 'ecog' else 'ECOG'} score {score.score}{when}"


def evaluate_performance(rule: PerformanceRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial needs {rule.thresholds_text()}"
    checks: list[tuple[str, int, bool]] = []  # (scale, threshold, higher is better)
    if rule.lansky_min is not None and rule.karnofsky_min is not None:
        months = profile.age_in_months_on(on)
        if months is None:
            return Outcome.unknown(
                f"Age unknown, so the right scale (Lansky or Karnofsky) is unknown; {needs}.", "birth_date"
            )
        # Lansky through the given age in completed years ("=< 16 years"), Karnofsky after it.
        if months // 12 <= rule.lansky_through_age_years:
            checks.append(("lansky", rule.lansky_min, True))
        else:
            checks.append(("karnofsky", rule.karnofsky_min, True))
    elif rule.lansky_min is not None:
        checks.append(("lansky", rule.lansky_min, True))
    elif rule.karnofsky_min is not None:
        checks.append(("karnofsky", rule.karnofsky_min, True))
    # ECOG is the trial's alternative wording; it is used when the Lansky/Karnofsky score is missing.
    if rule.ecog_max is not None:
        checks.append(("ecog", rule.ecog_max, False))

    for scale, threshold, higher in checks:
        score = _latest(profile, scale)
        if score is None:
            continue
        holds = score.score >= threshold if higher else score.score <= threshold
        return (Outcome.met if holds else Outcome.not_met)(f"{_score_text(score)}; {needs}.")
    # No mapping between scales is assumed: a Karnofsky score for a young child is not read as Lansky.
    wanted = tuple(f"performance.{scale}" for scale, _, _ in checks)
    return Outcome.unknown(
        f"No {' or '.join(s.split('.')[1].capitalize() for s in wanted)} score in the profile; {needs}.", *wanted
    )


def evaluate_toxicity(rule: ToxicityGradeRule, profile: PatientProfile, on: date) -> Outcome:
    worst = profile.max_toxicity_grade
    what = rule.what or ("organ dysfunction or toxicity" if rule.comparator == ">" else "acute toxicity")
    needs = f"the trial's condition is {what} grade {SYMBOL[rule.comparator]} {rule.grade}"
    if rule.exceptions:
        needs += f", except {', '.join(rule.exceptions)}"
    if worst is None:
        return Outcome.unknown(f"No toxicity grade in the profile; {needs}.", "max_toxicity_grade")
    have = f"Worst unresolved toxicity grade {worst}"
    if rule.comparator == "<=":
        if rule.fully_recovered and worst == 1:
            return Outcome.unknown(
                f"{have}; whether grade 1 counts as fully recovered is for the study team.", "max_toxicity_grade"
            )
        if worst <= rule.grade:
            return Outcome.met(f"{have}; {needs}.")
        if rule.what is not None or rule.or_stabilized:
            why = "it may be another toxicity" if rule.what else "the trial also accepts a stable toxicity"
            return Outcome.unknown(f"{have}; {why}; {needs}.", "max_toxicity_grade")
        return Outcome.not_met(f"{have}; {needs}.")
    if worst <= rule.grade:
        return Outcome.not_met(f"{have}; {needs}.")
    if rule.exceptions or rule.what is not None:
        return Outcome.unknown(f"{have}; the profile does not say which problem it is; {needs}.", "max_toxicity_grade")
    return Outcome.met(f"{have}; {needs}.")


def evaluate_organ_function(rule: OrganFunctionRule, profile: PatientProfile, on: date) -> Outcome:
    name = "Ejection fraction" if rule.measure == "ejection_fraction" else "Shortening fraction"
    value = (
        profile.cardiac_ejection_fraction
        if rule.measure == "ejection_fraction"
        else profile.cardiac_shortening_fraction
    )
    needs = f"the trial's condition is {name.lower()} {SYMBOL[rule.comparator]} {rule.percent:g}%"
    if value is None:
        return Outcome.unknown(f"No {name.lower()} in the profile; {needs}.", f"cardiac_{rule.measure}")
    holds = _COMPARE[rule.comparator](value, rule.percent)
    return (Outcome.met if holds else Outcome.not_met)(f"{name} {value:g}%; {needs}.")


# --- conditions, pregnancy, attestation ------------------------------------------------------------


def _condition_state(name: str, profile: PatientProfile) -> tuple[bool | None, str]:
    """Whether the child has condition `name` (None: not known) and what the profile says."""
    display = clinical_vocab().conditions[name].display
    if name == "active_infection":
        if profile.active_infection is None:
            return None, "the profile does not say whether there is an active infection"
        return profile.active_infection, f"active infection: {_yes_no(profile.active_infection)}"
    entry = clinical_vocab().condition_found(name, profile.conditions)
    if entry is not None:
        return True, f"the profile lists '{entry}'"
    absent = clinical_vocab().condition_found(name, profile.conditions_absent)
    if absent is not None:
        return False, f"the profile says the child does not have '{absent}'"
    # A condition in neither list is unknown, not absent.
    return None, f"the profile does not mention {display}"


def evaluate_condition(rule: ConditionRule, profile: PatientProfile, on: date) -> Outcome:
    states = [_condition_state(name, profile) for name in rule.conditions]
    said = "; ".join(text for _, text in states)
    said = said[0].upper() + said[1:]
    names = " or ".join(clinical_vocab().conditions[c].display for c in rule.conditions)
    subject = (rule.label[0].lower() + rule.label[1:]) if rule.label else names
    if rule.qualifier:
        subject += f" ({rule.qualifier})"
    if rule.within_months:
        subject += f" in the last {rule.within_months} months"
    needs = f"the trial's condition is {'having' if rule.present else 'not having'} {subject}"
    missing = tuple(
        "active_infection" if c == "active_infection" else "conditions"
        for c, (value, _) in zip(rule.conditions, states, strict=True)
        if value is not True
    )
    found = any(value for value, _ in states)
    # A qualifier ("life-threatening") or a time window is not in the profile: a bare
    # "yes" cannot settle it, though a "no" still does.
    narrowed = bool(rule.qualifier or rule.within_months)
    absent = all(value is False for value, _ in states) and not rule.open_ended
    if found and not narrowed:
        return (Outcome.met if rule.present else Outcome.not_met)(f"{said}; {needs}.")
    if absent:
        return (Outcome.not_met if rule.present else Outcome.met)(f"{said}; {needs}.")
    if found:
        return Outcome.unknown(f"{said}, but not whether it is {subject}; {needs}.", *missing or ("conditions",))
    return Outcome.unknown(f"{said}; {needs}.", *missing)


def _pregnancy_not_applicable(rule: PregnancyRule, profile: PatientProfile, on: date) -> str | None:
    ages = clinical_vocab().pregnancy
    months = profile.age_in_months_on(on)
    sex = profile.sex
    target = "female" if rule.topic != "contraception" else rule.sex
    if sex is not None and target != "any" and sex.value != target:
        return f"The child is {sex.value}; this criterion is about {'girls' if target == 'female' else 'boys'}."
    if sex is None or months is None:
        return None
    threshold = ages.female_min_age_years if sex is Sex.FEMALE else ages.male_min_age_years
    if months < threshold * 12:
        return (
            f"Age {describe_months(months)} on {on.isoformat()}; Eligo treats this criterion as not applying "
            f"to a {sex.value} child under {threshold}."
        )
    return None


def evaluate_pregnancy(rule: PregnancyRule, profile: PatientProfile, on: date) -> Outcome:
    reason = _pregnancy_not_applicable(rule, profile, on)
    if reason is not None:
        return Outcome.not_applicable(reason)
    if rule.topic == "contraception":
        return Outcome.unknown("Contraception is agreed with the study team; the profile cannot answer it.")
    if rule.topic == "negative_test":
        if profile.pregnant:
            return Outcome.not_met("The profile says the child is pregnant; the trial needs a negative test.")
        return Outcome.unknown(
            "The study team does the pregnancy test at screening; no result in the profile.", "pregnant"
        )
    facts = [
        (name, getattr(profile, name))
        for name, on_ in (("pregnant", rule.pregnant), ("breastfeeding", rule.breastfeeding))
        if on_
    ]
    said = "; ".join(f"{name}: {'unknown' if value is None else _yes_no(value)}" for name, value in facts)
    states = " or ".join(name for name, _ in facts)
    needs = f"the trial's condition is {'being' if rule.present else 'not being'} {states}"
    if any(value for _, value in facts):
        holds = True
    elif all(value is False for _, value in facts):
        holds = False
    else:
        return Outcome.unknown(f"Profile {said}; {needs}.", *(name for name, value in facts if value is None))
    return (Outcome.met if holds == rule.present else Outcome.not_met)(f"Profile {said}; {needs}.")


def evaluate_attestation(rule: AttestationRule, profile: PatientProfile, on: date) -> Outcome:
    if rule.subject == "clinician_review":
        return Outcome.unknown(
            f"A judgement for the child's doctor and the study team ({rule.action}); no profile fact settles it."
        )
    return Outcome.unknown(
        f"The family and the study team answer this ({rule.subject}: {rule.action}); no profile fact settles it."
    )


def evaluate_permitted(rule: PermittedRule, profile: PatientProfile, on: date) -> Outcome:
    proviso = f" ({rule.provided})" if rule.provided else ""
    return Outcome.not_applicable(
        f"The trial allows {rule.who}{proviso}; this statement rules no one out (the other criteria still apply)."
    )


EVALUATORS: Mapping[type, Callable[[Any, PatientProfile, date], Outcome]] = {
    AgeRule: evaluate_age,
    SexRule: evaluate_sex,
    DiagnosisRule: evaluate_diagnosis,
    RiskGroupRule: evaluate_risk_group,
    DiseaseStateRule: evaluate_disease_state,
    DiseaseSiteRule: evaluate_disease_site,
    BiomarkerRule: evaluate_biomarker,
    PerformanceRule: evaluate_performance,
    ToxicityGradeRule: evaluate_toxicity,
    OrganFunctionRule: evaluate_organ_function,
    ConditionRule: evaluate_condition,
    PregnancyRule: evaluate_pregnancy,
    AttestationRule: evaluate_attestation,
    PermittedRule: evaluate_permitted,
}
