"""Evaluating lab rules against a profile: the most recent result on or before the evaluation
date, converted into the trial's unit, compared exactly at the boundary, with transfusion,
recency and stem-cell conditions, and evidence a clinician can check.

Policies (stated in the evidence when they apply):
- Results dated after the evaluation date are ignored; an undated result is used only when no
  dated one exists, and the evidence says it is undated.
- A result older than `policy.stale_after_days` still decides, with a warning; a trial's own
  recency limit (`max_age_days`) is strict: an older result leaves the criterion unknown.
- `transfused_within_days` on a result is read as days between the last transfusion of that
  product and the test.
- Values outside the vocabulary's plausible range, unknown units and impossible conversions
  give `unknown` with the reason, never a verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from eligo.criteria.rules.labs import CreatinineForAgeRule, LabThresholdRule, TransfusionDependenceRule
from eligo.patients.profile import LabResult, PatientProfile, Sex
from eligo.rules.verdicts import Outcome
from eligo.units import (
    UnitError,
    convert,
    display_unit,
    format_number,
    lab_spec,
    plausible,
    satisfies,
    vocabulary,
)


@lru_cache(maxsize=8192, typed=True)
def _conversion(test: str, value: float, from_unit: str, to_unit: str) -> float | str:
    """`convert` remembered, or the message of its UnitError. Pint takes ~0.3 ms a conversion behind a
    process-wide lock, and a match converts the same few profile values and trial thresholds for
    hundreds of trials; the exact value is the key, so the result is the very float Pint gave."""
    try:
        return convert(test, value, from_unit, to_unit)
    except UnitError as error:
        return str(error)


def _converted(test: str, value: float, from_unit: str, to_unit: str) -> float:
    result = _conversion(test, value, from_unit, to_unit)
    if isinstance(result, str):
        raise UnitError(result)
    return result


def clear_conversions() -> None:
    _conversion.cache_clear()


def latest_result(profile: PatientProfile, test: str, on: date) -> LabResult | None:
    """The most recent result of `test` on or before `on` (undated ones only as a last resort)."""
    results = [lab for lab in profile.labs if lab.test == test]
    dated = [lab for lab in results if lab.date is not None and lab.date <= on]
    if dated:
        return max(dated, key=lambda lab: lab.date or on)
    undated = [lab for lab in results if lab.date is None]
    return undated[-1] if undated else None


def _unit_text(unit: str) -> str:
    joiner = " " if unit[:1].isalpha() or unit.startswith("×") else ""
    return f"{joiner}{unit}"


def _shown(value: float, unit: str) -> str:
    return f"{format_number(value)}{_unit_text(unit)}"


def _when(result: LabResult) -> str:
    return f"on {result.date.isoformat()}" if result.date else "(undated)"


def _stale_note(result: LabResult, on: date) -> str:
    limit = vocabulary().policy.stale_after_days
    if result.date is not None and (on - result.date).days > limit:
        return f" This result is {(on - result.date).days} days old and may be out of date."
    return ""


def _missing_result(label: str, test: str) -> Outcome:
    return Outcome.unknown(f"No {label} result in the profile.", f"labs.{test}")


def _check_recency(rule: LabThresholdRule, result: LabResult, on: date, label: str) -> Outcome | None:
    if rule.max_age_days is None:
        return None
    if result.date is None or (on - result.date).days > rule.max_age_days:
        when = "is undated" if result.date is None else f"is from {result.date.isoformat()}"
        return Outcome.unknown(
            f"The {label} result {when}; the trial needs one from the last {rule.max_age_days} days.",
            f"labs.{rule.test}",
        )
    return None


def _condition_holds(rule: LabThresholdRule, profile: PatientProfile) -> tuple[bool | None, str]:
    cd34 = profile.stored_stem_cells_cd34_per_kg
    if cd34 is None:
        return None, "It is not known whether stem cells are stored."
    available = cd34 > 0
    stored = f"{format_number(cd34)} CD34+ cells/kg stored" if available else "no stem cells stored"
    wanted = rule.condition == "stem_cells_available"
    return available == wanted, f"The profile records {stored}."


def _transfusion_outcome(rule: LabThresholdRule, result: LabResult, label: str) -> tuple[bool | None, str]:
    """(independent?, sentence) for a transfusion-independence qualifier."""
    product = lab_spec(rule.test).transfusion_product
    if rule.transfusion != "independent" or product is None:
        return True, ""
    window = rule.transfusion_window_days
    default_note = ""
    if window is None:
        window = vocabulary().policy.transfusion_independence_default_days
        default_note = f" (the trial states no window; Eligo uses {window} days)"
    if result.transfused_within_days is None:
        return None, f"Not known whether {product}s were transfused in the {window} days before this {label}."
    if result.transfused_within_days <= window:
        return False, (
            f"A {product} transfusion {result.transfused_within_days} days before the test; the trial needs "
            f"the count without transfusion in the last {window} days{default_note}."
        )
    return True, f"No {product} transfusion in the {window} days before the test{default_note}."


def _compare(rule: LabThresholdRule, result: LabResult, label: str) -> tuple[bool | None, str]:
    """(condition holds?, evidence) for the threshold alone; None when it cannot be decided."""
    needs = f"the trial needs {rule.threshold_text()}"
    if rule.uln_multiple is not None:
        if result.upper_limit_normal is None:
            return (
                None,
                f"{label} {format_number(result.value)} {_when(result)} has no upper limit of normal "
                f"recorded; {needs}.",
            )
        unit = _unit_text(result.unit) if result.unit else ""
        ratio = result.value / result.upper_limit_normal
        holds = satisfies(result.value, rule.comparator, rule.uln_multiple * result.upper_limit_normal)
        return holds, (
            f"{label} {format_number(result.value)}{unit} {_when(result)} "
            f"(ULN {format_number(result.upper_limit_normal)}{unit}, so {format_number(ratio)} × ULN); {needs}."
        )
    if result.unit is None:
        return None, f"{label} {format_number(result.value)} {_when(result)} has no unit recorded; {needs}."
    trial_unit = rule.unit or ""
    value = _converted(rule.test, result.value, result.unit, trial_unit)
    written = _shown(result.value, display_unit(result.unit))
    converted = _shown(value, trial_unit)
    shown = written if written == converted else f"{written} = {converted}"
    assumed = f" (the trial gives no unit; {trial_unit} assumed)" if rule.unit_assumed else ""
    canonical_unit = lab_spec(rule.test).display
    if trial_unit != canonical_unit and rule.value is not None:
        threshold_canonical = _converted(rule.test, rule.value, trial_unit, canonical_unit)
        needs += f" (= {_shown(threshold_canonical, canonical_unit)})"
    holds = satisfies(value, rule.comparator, rule.value or 0.0)
    return holds, f"{label} {shown} {_when(result)}; {needs}{assumed}."


def _not_met(condition: bool | None, evidence: str) -> Outcome:
    """A failed limit decides only when it is known to apply to this child."""
    if condition is None:
        return Outcome.unknown(f"{evidence} This limit may not apply to this child.", "stored_stem_cells_cd34_per_kg")
    return Outcome.not_met(evidence)


def evaluate_lab_threshold(rule: LabThresholdRule, profile: PatientProfile, on: date) -> Outcome:
    spec = lab_spec(rule.test)
    condition: bool | None = True
    condition_note = ""
    if rule.condition is not None:
        condition, condition_note = _condition_holds(rule, profile)
        if condition is False:
            which = "are" if rule.condition == "stem_cells_available" else "are not"
            return Outcome.not_applicable(f"This limit applies only if stem cells {which} available. {condition_note}")
    result = latest_result(profile, rule.test, on)
    if result is None:
        return _missing_result(spec.label, rule.test)
    stale = _check_recency(rule, result, on, spec.label)
    if stale is not None:
        return stale
    try:
        canonical = _converted(rule.test, result.value, result.unit, spec.display) if result.unit else None
    except UnitError as error:
        return Outcome.unknown(f"Cannot read the {spec.label} result: {error}.", f"labs.{rule.test}")
    if canonical is not None and not plausible(rule.test, canonical):
        return Outcome.unknown(
            f"The {spec.label} value {format_number(result.value)}{_unit_text(result.unit or '')} is outside the "
            f"plausible range; please check it.",
            f"labs.{rule.test}",
        )
    try:
        holds, evidence = _compare(rule, result, spec.label)
    except UnitError as error:
        return Outcome.unknown(f"Cannot compare the {spec.label} result: {error}.", f"labs.{rule.test}")
    evidence += _stale_note(result, on)
    if rule.transfusion == "allowed":
        evidence += " Transfusion support is allowed."
    if holds is None:
        return Outcome.unknown(evidence, f"labs.{rule.test}")
    if not holds:
        return _not_met(condition, f"{evidence} {condition_note}".strip())
    independent, transfusion_note = _transfusion_outcome(rule, result, spec.label)
    evidence = f"{evidence} {transfusion_note}".strip()
    if independent is False:
        return _not_met(condition, f"{evidence} {condition_note}".strip())
    if independent is None:
        return Outcome.unknown(evidence, f"labs.{rule.test}.transfused_within_days")
    if condition is None:
        # Met whichever way the condition falls; a failed value could still not apply.
        return Outcome.met(f"{evidence} {condition_note}".strip())
    return Outcome.met(evidence)


def evaluate_creatinine_for_age(rule: CreatinineForAgeRule, profile: PatientProfile, on: date) -> Outcome:
    months = profile.age_in_months_on(on)
    if months is None:
        return Outcome.unknown(
            "The child's age is not known, so the creatinine limit for age cannot be chosen.", "birth_date"
        )
    row = next(
        (r for r in rule.rows if r.min_months <= months and (r.max_months is None or months < r.max_months)), None
    )
    if row is None:
        return Outcome.unknown(f"The trial's creatinine table has no row for age {months} months.")
    result = latest_result(profile, "creatinine", on)
    if result is None:
        return _missing_result("creatinine", "creatinine")
    if result.unit is None:
        return Outcome.unknown(
            f"Creatinine {format_number(result.value)} {_when(result)} has no unit recorded.", "labs.creatinine"
        )
    try:
        value = _converted("creatinine", result.value, result.unit, rule.unit)
    except UnitError as error:
        return Outcome.unknown(f"Cannot read the creatinine result: {error}.", "labs.creatinine")
    if not plausible("creatinine", _converted("creatinine", value, rule.unit, "mg/dL")):
        return Outcome.unknown(
            "The creatinine value is outside the plausible range; please check it.", "labs.creatinine"
        )
    written = _shown(result.value, display_unit(result.unit))
    converted = _shown(value, rule.unit)
    shown = written if written == converted else f"{written} = {converted}"
    symbol = "≤" if rule.comparator == "<=" else "<"
    head = f"Creatinine {shown} {_when(result)} at age {months} months"
    stale = _stale_note(result, on)
    if profile.sex is not None:
        limit = row.male if profile.sex is Sex.MALE else row.female
        evidence = f"{head} ({profile.sex.value}); the trial needs {symbol} {_shown(limit, rule.unit)}.{stale}"
        return Outcome.met(evidence) if satisfies(value, rule.comparator, limit) else Outcome.not_met(evidence)
    low, high = sorted((row.male, row.female))
    if satisfies(value, rule.comparator, low):
        return Outcome.met(f"{head}; within the limit for either sex ({symbol} {_shown(low, rule.unit)}).{stale}")
    if not satisfies(value, rule.comparator, high):
        return Outcome.not_met(f"{head}; above the limit for either sex ({symbol} {_shown(high, rule.unit)}).{stale}")
    return Outcome.unknown(
        f"{head}; the limit is {_shown(row.male, rule.unit)} for boys and {_shown(row.female, rule.unit)} "
        f"for girls, and the child's sex is not recorded.{stale}",
        "sex",
    )


def evaluate_transfusion_dependence(rule: TransfusionDependenceRule, profile: PatientProfile, on: date) -> Outcome:
    product = lab_spec(rule.test).transfusion_product or rule.test
    result = latest_result(profile, rule.test, on)
    if result is None or result.transfused_within_days is None:
        return Outcome.unknown(
            f"Not known how many {product} transfusions the child had in the last {rule.window_days} days.",
            f"labs.{rule.test}.transfused_within_days",
        )
    since = result.transfused_within_days + ((on - result.date).days if result.date else 0)
    if since > rule.window_days:
        return Outcome.not_met(
            f"Last {product} transfusion about {since} days ago, before the {rule.window_days}-day window; "
            f"the trial excludes more than {rule.min_units_exclusive} units within it."
        )
    return Outcome.unknown(
        f"A {product} transfusion about {since} days ago; how many units in the last {rule.window_days} days "
        f"is not recorded (the trial's limit is {rule.min_units_exclusive}).",
        "transfusion_history",
    )


EVALUATORS: Mapping[type, Callable[[Any, PatientProfile, date], Outcome]] = {
    LabThresholdRule: evaluate_lab_threshold,
    CreatinineForAgeRule: evaluate_creatinine_for_age,
    TransfusionDependenceRule: evaluate_transfusion_dependence,
}
