"""The observation rule kind (measurements other than labs: "BMI ≥ 30 kg/m²", "QTcF > 470 msec",
"Systolic blood pressure ≥ 160 mmHg or diastolic blood pressure ≥ 100 mmHg"): model, question,
extractor, evaluator and record (issue #12).

One rule is one bound on one measure; a range or an "either" reads as `all_of` / `any_of` of two.
The extractor reads a criterion only when the whole text is the bound(s); anything more leaves it
to other kinds or free text.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._general import general_vocab, general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger
from eligo.rules.sex import SexRule
from eligo.rules.verdicts import Outcome
from eligo.terms import Comparator

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

MeasureName = Literal[
    "bmi",
    "weight",
    "height",
    "systolic_bp",
    "diastolic_bp",
    "qtc",
    "heart_rate",
    "oxygen_saturation",
    "temperature",
    "respiratory_rate",
    "fev1",
    "dlco",
    "birth_weight",
]

_FROM_SYMBOL: dict[str, Comparator] = {"≥": ">=", ">": ">", "≤": "<=", "<": "<"}
_WORDS: dict[str, str] = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
# Where each measure is in the profile (`PatientProfile.observations`).
_FIELD: dict[str, str] = {
    "bmi": "bmi",
    "weight": "weight_kg",
    "height": "height_cm",
    "systolic_bp": "systolic_bp_mmhg",
    "diastolic_bp": "diastolic_bp_mmhg",
    "qtc": "qtc_ms",
    "heart_rate": "heart_rate_bpm",
    "oxygen_saturation": "spo2_percent",
    "temperature": "temperature_c",
    "respiratory_rate": "respiratory_rate_per_min",
    "fev1": "fev1_percent_predicted",
    "dlco": "dlco_percent_predicted",
    "birth_weight": "birth_weight_g",
}
# "equal or greater than" is left as "equal or >" by the comparator words; so is "> or equal to".
_EQUAL_OR = ((re.compile(r"\bequal (?:to )?or\s*([<>])"), r"\1="), (re.compile(r"([<>])\s*or equal(?: to)?\b"), r"\1="))
_OBESITY = re.compile(r"^(?:severe |morbid )?(?:obes(?:e|ity)|overweight)\s*\((?P<inner>[^()]+)\)$", re.I)


def profile_field(measure: str) -> str:
    """The `PatientProfile.observations` field a measure is read from (BMI: `bmi`, else worked out)."""
    return _FIELD[measure]


class ObservationRule(RuleBase):
    """A measurement compared with a threshold in the measure's unit (vocab/general.yaml)."""

    kind: Literal["observation"] = "observation"
    measure: MeasureName
    comparator: Comparator
    value: float = Field(gt=0, le=7000)  # a weight at birth in grams; every other measure at most 1000

    @model_validator(mode="after")
    def _plausible(self) -> ObservationRule:
        if self.measure != "birth_weight" and self.value > 1000:
            raise ValueError(f"{self.value:g} is no limit on {self.measure}")
        return self

    def bound_text(self) -> str:
        unit = general_vocab().measures[self.measure].unit
        return f"{_WORDS[self.comparator]} {self.value:g} {unit}"

    def question(self, section: Section) -> str:
        display = general_vocab().measures[self.measure].display
        return general_wording()["observation"].format(measure=display, comparison=self.bound_text())


def _symbols(text: str) -> str:
    for pattern, replacement in _EQUAL_OR:
        text = pattern.sub(replacement, text)
    return text.replace("<=", "≤").replace(">=", "≥")


def _number(written: str) -> float:
    return float(written.replace(",", "."))


def _bound(measure: str, symbol: str, value: str) -> ObservationRule:
    name = general_vocab().measure_named(measure)
    if name is None:
        raise ValueError(f"unknown measure {measure!r}")
    return ObservationRule(measure=name, comparator=_FROM_SYMBOL[symbol], value=_number(value))


def _lower(rule: ObservationRule) -> bool:
    return rule.comparator in (">=", ">")


def _two(first: ObservationRule, second: ObservationRule, join: str | None) -> Rule | None:
    """Two bounds as a range (all_of) or as "either" (any_of); None when the words and numbers disagree."""
    if first.measure == second.measure:
        if _lower(first) == _lower(second):
            return None
        low, high = (first, second) if _lower(first) else (second, first)
        if low.value < high.value and join in ("and", ",", None):
            return AllOf(rules=(first, second))
        if low.value > high.value and join in ("or", "and/or"):
            return AnyOf(rules=(first, second))  # outside a range: "BMI < 20 or > 35"
        return None
    if join in ("or", "and/or"):
        return AnyOf(rules=(first, second))
    if join == "and":
        return AllOf(rules=(first, second))
    return None


_WEIGHT_UNIT = re.compile(r"\d\s*(?:kg|kilograms?)\b", re.IGNORECASE)


def _read(text: str) -> Rule | None:
    block = patterns()["observation"]
    single, ranged, pressure = block.compiled
    match = single.match(text)
    if match is not None:
        if general_vocab().measure_named(match["m1"]) == "weight" and not _WEIGHT_UNIT.search(text):
            return None  # a weight needs its unit (a bare number could be pounds or kilograms)
        first = _bound(match["m1"], match["c1"], match["v1"])
        if match["c2"] is None:
            return first
        second = _bound(match["m2"] or match["m1"], match["c2"], match["v2"])
        return _two(first, second, match["join"] and match["join"].lower())
    match = ranged.match(text)
    if match is not None:
        low, high = _number(match["lo"]), _number(match["hi"])
        if low >= high:
            return None
        name = general_vocab().measure_named(match["m1"])
        if name is None:
            return None
        return AllOf(
            rules=(
                ObservationRule(measure=name, comparator=">=", value=low),
                ObservationRule(measure=name, comparator="<=", value=high),
            )
        )
    match = pressure.match(text)
    if match is not None:
        symbol = _FROM_SYMBOL[match["c1"]]
        parts = (
            ObservationRule(measure="systolic_bp", comparator=symbol, value=_number(match["sys"])),
            ObservationRule(measure="diastolic_bp", comparator=symbol, value=_number(match["dia"])),
        )
        # Above 140/90 is either number above; below 140/90 is both below.
        return AnyOf(rules=parts) if symbol in (">=", ">") else AllOf(rules=parts)
    return None


def extract_observation(context: CriterionContext) -> Rule | None:
    text = _symbols(context.normalized).strip().rstrip(".;,*").strip()
    text = re.sub(r"^\d{1,2}\.\s+", "", text)  # a list number kept in the text ("6. BMI > 30")
    obesity = _OBESITY.match(text)
    if obesity is not None:
        rule = _read(obesity["inner"].strip())
        # "Obesity (BMI > 30)": the parenthesis defines the word; only a body-mass bound can.
        parts = getattr(rule, "rules", (rule,))
        return rule if rule is not None and all(getattr(p, "measure", None) == "bmi" for p in parts) else None
    return _read(text)


_BODY = patterns()["observation.body"]
_BODY_SINGLE = _BODY.regex("single")
_BODY_RANGE = _BODY.regex("range")
_EXCEEDS = _BODY.regex("exceeds")
_GREATER_OR_EQUAL = _BODY.regex("greater_or_equal")
_POUNDS = _BODY.regex("pounds")
_NON_OBESE = _BODY.regex("non_obese")
_SECOND_MEASURE = _BODY.regex("second_measure")
_KG_PER_LB = 0.45359237
_BRACKET = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_GRAMS = re.compile(r"g|grams?|gr", re.I)


def _body_bound(written: str, symbol: str, value: str, unit: str | None) -> ObservationRule | None:
    """One bound on weight, BMI or height in the measure's unit; None when the unit does not fit."""
    name = general_vocab().measure_named(_BRACKET.sub("", written))
    if name is None:
        return None
    unit = (unit or "").lower()
    number = _number(value)
    if name == "birth_weight":
        if _GRAMS.fullmatch(unit):
            return ObservationRule(measure=name, comparator=_FROM_SYMBOL[symbol], value=number)
        return None  # a weight at birth is read in grams; a bare number or another unit is not
    if name == "weight":
        if not unit or unit.startswith(("cm", "cent", "g")) or "/" in unit or "per" in unit or unit.endswith("-2"):
            return None  # a weight needs its unit (a bare number could be pounds or kilograms); grams are not read
        if _POUNDS.match(unit):
            number = round(number * _KG_PER_LB, 1)
    elif name == "height":
        if not unit.startswith(("cm", "cent")):
            return None
    elif name == "bmi" and unit and not ("/" in unit or "per" in unit or unit.endswith("-2")):
        return None  # "BMI > 30 kg" is no body mass index
    return ObservationRule(measure=name, comparator=_FROM_SYMBOL[symbol], value=number)


def _read_body(text: str) -> Rule | None:
    match = _BODY_SINGLE.match(text)
    if match is not None:
        bounds = _limits(match, _body_bound)
        if bounds is None:
            return None
        first, second = bounds
        return first if second is None else _two(first, second, match["join"] and match["join"].lower())
    match = _BODY_RANGE.match(text)
    return _range(match, _body_bound) if match is not None else None


Bound = Callable[[str, str, str, str | None], ObservationRule | None]


def _limits(match: re.Match[str], bound: Bound) -> tuple[ObservationRule, ObservationRule | None] | None:
    """One limit, or two ("weight > 50 kg and BMI < 30"), of a measure-and-limit pattern's match (the
    second measure and unit fall back on the first's); None when either is not one the kind reads."""
    first = bound(match["m1"], match["c1"], match["v1"], match["u1"] or match["u2"])
    if first is None:
        return None
    if match["c2"] is None:
        return first, None
    second = bound(match["m2"] or match["m1"], match["c2"], match["v2"], match["u2"] or match["u1"])
    return None if second is None else (first, second)


def _range(match: re.Match[str], bound: Bound) -> Rule | None:
    """A range pattern's match ("BMI 18.5-30 kg/m2"): both ends, the lower below the upper."""
    unit = match["u2"] or match["u1"]
    low = bound(match["m1"], "≥", match["lo"], match["u1"] or unit)
    high = bound(match["m1"], "≤", match["hi"], unit)
    if low is None or high is None or low.value >= high.value:
        return None
    return AllOf(rules=(low, high))


def extract_body_size(context: CriterionContext) -> Rule | None:
    """Weight, BMI and height limits in the words real registries use (issue #12), read only when the
    whole criterion is the limit(s)."""
    text = _symbols(_GREATER_OR_EQUAL.sub("≥", context.normalized)).strip().rstrip(".;,*").strip()
    text = _EXCEEDS.sub(">", re.sub(r"^\d{1,2}\.\s+|^[A-Z]{1,3}\d{1,3}:\s*", "", text))  # "6. ", "SI04: "
    non_obese = _NON_OBESE.match(text)
    if non_obese is not None:  # "Non-obese (BMI < 30)": the parenthesis defines the word
        rule = _read_body(non_obese["inner"].strip())
        parts = getattr(rule, "rules", (rule,))
        return rule if rule is not None and all(getattr(p, "measure", None) == "bmi" for p in parts) else None
    whole = _read_body(text)
    if whole is not None or context.section != "inclusion":
        return whole
    # Two limits on different measures, both required in an inclusion (an exclusion's "and" is not read).
    for split in _SECOND_MEASURE.finditer(text):
        if split.start() == 0:
            continue
        first, second = _read_body(text[: split.start()].strip()), _read_body(text[split.end() :].strip())
        if first is None or second is None:
            continue
        measures = {getattr(p, "measure", None) for rule in (first, second) for p in getattr(rule, "rules", (rule,))}
        if len(measures) == 2:
            return AllOf(rules=(first, second))  # each measure's limits kept together
    return None


_VITALS = patterns()["observation.vitals"]
_VITAL_SINGLE = _VITALS.regex("single")
_VITAL_RANGE = _VITALS.regex("range")
_VITAL_PRESSURE = _VITALS.regex("pressure")
_VITAL_BY_SEX = _VITALS.regex("by_sex")
_VITAL_VALUE_FIRST = _VITALS.regex("value_first")
_VITAL_VALUE_RANGE = _VITALS.regex("value_range")
_SECOND_VITAL = _VITALS.regex("second_vital")
_FAHRENHEIT = re.compile(r"°\s*f|℉|degrees?\s*(?:f|fahrenheit)|f", re.I)
_CELSIUS = re.compile(r"°\s*c|℃|degrees?\s*(?:c|celsius|centigrade)|c", re.I)
_PER_MINUTE = re.compile(r"(?:breaths?|beats?)?\s*(?:/|per)\s*min(?:ute)?s?(?:\s*\(min\))?|bpm", re.I)
_MILLISECONDS = re.compile(r"ms(?:ec)?|milliseconds", re.I)
_MM_HG = re.compile(r"mm ?hg", re.I)
_PERCENT_PREDICTED = re.compile(r"(?:%|percent)(?:\s*(?:of\s+(?:the\s+)?)?(?:predicted|pred\.?)(?:\s+values?)?)?", re.I)
# A vital-sign name as the vocabulary lists it, once a bracketed abbreviation is dropped ("Oxygen saturation (SpO2)").
_VITAL_BRACKET = re.compile(r"\s*\((?:spo2|sao2|spo 2|rr|hr)\)", re.I)


def _vital_bound(written: str, symbol: str, value: str, unit: str | None) -> ObservationRule | None:
    """One bound on a vital sign in the measure's unit; None when the unit does not fit the measure."""
    name = general_vocab().measure_named(_VITAL_BRACKET.sub("", written))
    if name is None:
        return None
    unit = (unit or "").strip().lower()
    number = _number(value)
    if name == "oxygen_saturation":
        if unit not in ("", "%", "percent"):
            return None
    elif name == "temperature":
        if _FAHRENHEIT.fullmatch(unit):
            number = round((number - 32) * 5 / 9, 1)
        elif not _CELSIUS.fullmatch(unit):
            return None  # a bare number could be °C or °F
    elif name in ("respiratory_rate", "heart_rate"):
        if unit and not _PER_MINUTE.fullmatch(unit):
            return None
        if not unit and written.strip().lower() == "hr":
            return None  # "HR" without "beats/min" could be a hazard ratio
        if (name == "respiratory_rate" and unit.startswith(("beat", "bpm"))) or (
            name == "heart_rate" and unit.startswith("breath")
        ):
            return None
    elif name in ("systolic_bp", "diastolic_bp"):
        if not _MM_HG.fullmatch(unit):
            return None  # a blood pressure is read with its unit here; bare numbers are the first pattern's
    elif name == "qtc":
        if not _MILLISECONDS.fullmatch(unit):
            return None
    elif name in ("fev1", "dlco"):
        if not _PERCENT_PREDICTED.fullmatch(unit):
            return None  # a volume ("FEV1 > 0.8 L") or a bare number is not read: only % of predicted
    else:
        return None
    return ObservationRule(measure=name, comparator=_FROM_SYMBOL[symbol], value=number)


def extract_vital_sign(context: CriterionContext) -> Rule | None:
    """Oxygen saturation, temperature, breathing-rate and heart-rate limits (issue #12), read only when
    the whole criterion is the limit(s)."""
    text = _symbols(context.normalized).strip().rstrip(".;,*").strip()
    text = re.sub(r"^\d{1,2}\.\s+", "", text)
    whole = _read_vital(context, text)
    if whole is not None or context.section != "inclusion":
        return whole
    # Limits on two measures listed in an inclusion ("SBP 90~150mmHg, DBP 60-95mmHg"), each part read
    # whole, both required (an exclusion's list is not read: each part would be a reason of its own).
    for split in _SECOND_VITAL.finditer(text):
        if split.start() == 0:
            continue
        first, second = _read_vital(context, text[: split.start()]), _read_vital(context, text[split.end() :])
        if first is None or second is None:
            continue
        measures = {getattr(p, "measure", None) for rule in (first, second) for p in getattr(rule, "rules", (rule,))}
        if len(measures) == 2:
            return AllOf(rules=(first, second))
    return None


def _read_vital(context: CriterionContext, text: str) -> Rule | None:
    """The vital-sign limit(s) that are the whole of `text`."""
    match = _VITAL_SINGLE.match(text)
    if match is not None:
        bounds = _limits(match, _vital_bound)
        if bounds is None:
            return None
        first, second = bounds
        if second is None:
            return first
        if match["join"] == "," and first.measure != second.measure and context.section == "inclusion":
            # "Systolic blood pressure < 150 mmHg, HR < 100 beats/min" (NCT03861377): an inclusion's
            # list, all of it required.
            return AllOf(rules=(first, second))
        return _two(first, second, match["join"] and match["join"].lower())
    match = _VITAL_BY_SEX.match(text)
    if match is not None:
        return _by_sex(match)
    match = _VITAL_PRESSURE.match(text)
    if match is not None:
        symbol = _FROM_SYMBOL[match["c1"]]
        parts = (
            ObservationRule(measure="systolic_bp", comparator=symbol, value=_number(match["sys"])),
            ObservationRule(measure="diastolic_bp", comparator=symbol, value=_number(match["dia"])),
        )
        # As the first pattern reads "BP > 140/90": above is either number above, below both below.
        return AnyOf(rules=parts) if symbol in (">=", ">") else AllOf(rules=parts)
    match = _VITAL_RANGE.match(text)
    if match is not None:
        return _range(match, _vital_bound)
    match = _VITAL_VALUE_RANGE.match(text)
    if match is not None:
        return _value_range(match)
    match = _VITAL_VALUE_FIRST.match(text)
    if match is None:
        return None
    bounds = _limits(match, _vital_bound)
    if bounds is None:
        return None
    first, second = bounds
    return first if second is None else _two(first, second, match["join"] and match["join"].lower())


def _value_range(match: re.Match[str]) -> Rule | None:
    """ "145 mmHg ≤ msSBP ≤ 190 mmHg": the measure between two limits, each bound as written (≤ or <),
    the unit written once serving both; None unless the lower limit is below the upper."""
    unit = match["u2"] or match["u1"]
    low = _vital_bound(match["m1"], "≥" if match["c1"] == "≤" else ">", match["lo"], match["u1"] or unit)
    high = _vital_bound(match["m1"], match["c2"], match["hi"], unit)
    if low is None or high is None or low.value >= high.value:
        return None
    return AllOf(rules=(low, high))


def _sex_of(word: str) -> Literal["female", "male"]:
    return "female" if word.lower().startswith(("wom", "fem", "girl")) else "male"


def _by_sex(match: re.Match[str]) -> Rule | None:
    """ "QTc > 450 ms (men) or > 470 ms (women)": one limit for each sex, on the same side, read as "a boy
    with his limit or a girl with hers" (the unit written once serves both)."""
    sexes = (_sex_of(match["s1"]), _sex_of(match["s2"]))
    first = _vital_bound(match["m1"], match["c1"], match["v1"], match["u1"])
    second = _vital_bound(match["m1"], match["c2"], match["v2"], match["u2"] or match["u1"])
    if sexes[0] == sexes[1] or first is None or second is None or _lower(first) != _lower(second):
        return None
    return AnyOf(
        rules=tuple(AllOf(rules=(SexRule(sex=sex), bound)) for sex, bound in zip(sexes, (first, second), strict=True))
    )


@cache
def _defined_by() -> tuple[tuple[re.Pattern[str], frozenset[str], bool], ...]:
    """(the condition and how the measurement may follow it, its measures, whether bounds point up)."""
    out = []
    for row in general_vocab().defined_by:
        unknown = set(row.measures) - set(general_vocab().measures)
        if unknown:
            raise ValueError(f"general.yaml defined_by: unknown measures {sorted(unknown)}")
        pattern = re.compile(
            rf"^(?:{row.words})(?:\s*(?:\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)?)\)|\[(?P<square>[^\[\]]+)\])"
            rf"|\s*(?::|,|-|;)?\s*(?:(?:defined|as defined) (?:as|by) |i\.\s?e\.,? |with |of )?(?P<rest>.+))$",
            re.I,
        )
        out.append((pattern, frozenset(row.measures), row.direction == "above"))
    return tuple(out)


def _bounds(rule: Rule) -> tuple[ObservationRule, ...] | None:
    if isinstance(rule, ObservationRule):
        return (rule,)
    if isinstance(rule, AllOf | AnyOf):
        found: list[ObservationRule] = []
        for part in rule.rules:
            inner = _bounds(part)
            if inner is None:
                return None
            found.extend(inner)
        return tuple(found)
    return None


def extract_defined_condition(context: CriterionContext) -> Rule | None:
    """ "Uncontrolled hypertension (BP > 160/100 mmHg)", "morbid obesity BMI > 40": the condition read as
    the measurement that defines it, when every bound is on its measures and points its way (issue #12)."""
    text = context.normalized.strip().rstrip(".;,*").strip()
    text = re.sub(r"^\d{1,2}\.\s+", "", text)
    whole = _one_defined(context, text)
    if whole is not None:
        return whole
    # "Resting hypotension (systolic < 90 mmHg) or hypertension (resting blood pressure >170/110)"
    # (NCT03860350): two conditions, each defined in its brackets, either one.
    for split in _EITHER_DEFINED.finditer(text):
        first = _one_defined(context, text[: split.start() + 1])
        second = _one_defined(context, text[split.end() :]) if first is not None else None
        if first is not None and second is not None:
            return AnyOf(rules=(first, second))
    return None


_EITHER_DEFINED = re.compile(r"\)\s*,?\s*(?:or|and/or)\s+", re.I)


def _one_defined(context: CriterionContext, text: str) -> Rule | None:
    """The one condition of `text` read as the measurement that defines it (see `extract_defined_condition`)."""
    for pattern, measures, above in _defined_by():
        match = pattern.match(text)
        if match is None:
            continue
        inner = (match["inner"] or match["square"] or match["rest"] or "").strip()
        if not inner:
            return None
        inner_context = context.with_text(inner)
        for extract in (extract_observation, extract_body_size, extract_vital_sign):
            rule = extract(inner_context)
            if rule is None:
                continue
            if isinstance(rule, AllOf) and not all(_lower(part) == above for part in _bounds(rule) or ()):
                return None  # a range ("BMI 30-40") says more than the condition
            parts = _bounds(rule)
            if parts is None or any(p.measure not in measures or _lower(p) != above for p in parts):
                return None
            return rule
        return None
    return None


def evaluate_observation(rule: ObservationRule, profile: PatientProfile, on: date) -> Outcome:
    measure = general_vocab().measures[rule.measure]
    needs = f"the trial needs {measure.display} {rule.bound_text()}"
    observations = profile.observations
    value = observations.body_mass_index() if rule.measure == "bmi" else getattr(observations, _FIELD[rule.measure])
    if value is None:
        missing = (
            ("observations.bmi", "observations.weight_kg", "observations.height_cm")
            if rule.measure == "bmi"
            else (f"observations.{_FIELD[rule.measure]}",)
        )
        return Outcome.unknown(f"No {measure.display} in the profile; {needs}.", *missing)
    when = f" on {observations.date.isoformat()}" if observations.date else ""
    said = f"{measure.display[0].upper()}{measure.display[1:]} {value:.1f} {measure.unit}{when}"
    holds = _COMPARE[rule.comparator](round(value, 1), rule.value)
    return (Outcome.met if holds else Outcome.not_met)(f"{said}; {needs}.")


# Words one of which every vital-sign name in `observation.vitals` holds.
_VITAL_WORDS = (
    "saturation", "spo", "sao2", "oximetry", "temperature", "respiratory", "respiration", "breathing",
    "frequency", "heart", "pulse", "systolic", "diastolic", "sbp", "dbp", "qt", "hr", "fev", "fev1", "expiratory",
    "dlco", "diffusing", "diffusion",
)  # fmt: skip
# Words one of which every condition in general.yaml `defined_by` holds (checked by tests/criteria/test_prefilter.py).
_DEFINED_WORDS = (
    "hypertension", "hypotension", "obes", "adipositas", "overweight", "underweight", "hypox", "fever",
    "pyrexia", "tachycardia", "bradycardia", "tachypn", "qt", "prolong", "normal",
)  # fmt: skip

KIND = RuleKind(
    ObservationRule,
    general_wording,
    ("observation",),
    evaluate_observation,
    (
        Step(extract_observation, patterns()["observation"].trigger),
        Step(
            extract_body_size,
            Trigger(("bmi", "mass", "weight", "weigh", "weighs", "weighing", "height", "birthweight")),
        ),
        Step(extract_defined_condition, Trigger(_DEFINED_WORDS)),
        Step(
            extract_vital_sign,
            Trigger(_VITAL_WORDS),
        ),
    ),
)

__all__ = [
    "KIND",
    "ObservationRule",
    "evaluate_observation",
    "extract_body_size",
    "extract_defined_condition",
    "extract_observation",
    "extract_vital_sign",
    "profile_field",
]
