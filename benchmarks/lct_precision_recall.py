"""Precision and recall of extracted thresholds against the LCT corpus's brat annotations.

Run:  .venv/bin/python benchmarks/lct_precision_recall.py [--data DIR] [--examples N]

Method. Each NCT*.txt is parsed with `parse_criteria`; each leaf criterion (as
`eligo.criteria.stats.leaf_criteria` counts them) owns the character span of itself and its
detail rows. Within a criterion we compare two multisets of tuples:

- gold, from the .ann file: every Eq-Comparison whose trigger starts inside the span and that is
  - `age`: the Numeric-Filter of an Age event; Operator GT/GTEQ/LT/LTEQ/BETWEEN and Values with the
    Temporal-Unit (years when none is annotated) become ("age", "min"|"max", months);
  - `lab`: the Numeric-Filter of an Observation event with an Operator and a numeric Value,
    ("lab", direction, value), direction ">" for GT/GTEQ and "<" for LT/LTEQ, one tuple per Value
    ("BP > 140/90" has two); BETWEEN gives (">", low) and ("<", high), as a range rule reads;
  - `window`: the Temporality of any event, with a numeric Value and a Temporal-Unit,
    ("window", days) with week = 7, month = 30, year = 12 months = 360 days, hour = 1/24;
- extracted, from the rules: AgeRule min/max months; LabThresholdRule comparator direction and
  `value` (or `uln_multiple`, which the annotators write as the number before "x ULN");
  ObservationRule and ClinicalScoreRule comparator direction and `value` (LCT's Observation entity
  covers vital signs, body measures and clinical scores as well as labs, so these thresholds count
  as "lab", normalised the same way: direction only, value rounded to 0.001; a weight given in pounds is
  compared in kg (an annotated Unit "lbs"/"pounds": the Value × 0.45359237, rounded to 0.1), as the
  rule holds it; a scale of classes (NYHA, Child-Pugh, GMFCS) is not counted: the annotators write its
  values as labels, "III or IV", which the gold side does not read as numbers); for the same reason
  the other observation kinds: OrganFunctionRule `percent` (LVEF), and LifeExpectancyRule `amount` in
  the unit written (the annotators' Value is "6" of "6 months"), and GestationRule `min_weeks` / `max_weeks`
  (the annotators' Value is "32" of "< 32 weeks").
  Performance scores are not counted: "ECOG < 3" is held as at most 2, and "0 or 1" has no
  numeric gold; every
  time window of a rule (WashoutRule min_days / min_hours / min_months / longer_for, and
  within_days / within_months / window_days / max_age_days / transfusion_window_days, a procedure's
  within_amount with its within_unit, a smoker's quit_within_months / quit_before_months, a
  post-menopausal woman's min_months, or `amount` with its `unit`, of other kinds, a life
  expectancy excepted). A window's Value may be written in words ("the last two weeks"), or left
  out ("within the past year": one of its unit). Windows
  are compared as sets of values per criterion: the annotators give each event its own
  Temporality, where one rule holds one window for all the names it lists.

Values match after normalising (months for ages, days for windows, both rounded to 0.1);
operators match on direction only ("≥ 1,000" and "> 1,000" agree); lab units are not compared
(the annotation's units are free text). Gold comparisons outside every leaf criterion (headings)
count as false negatives. Prints JSON: per type TP/FP/FN, precision, recall, F1, and examples.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eligo.criteria.parse import ParsedCriterion, parse_criteria
from eligo.criteria.stats import leaf_criteria
from eligo.rules.age import AgeRule
from eligo.rules.clinical_score import ClinicalScoreRule
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.gestation import GestationRule
from eligo.rules.lab_threshold import LabThresholdRule
from eligo.rules.life_expectancy import LifeExpectancyRule
from eligo.rules.observation import ObservationRule
from eligo.rules.organ_function import OrganFunctionRule
from eligo.rules.registry import Rule
from eligo.rules.washout import WashoutRule

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "lct-criteria"
UNIT_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.0, "year": 360.0}  # a year is 12 months
UNIT_MONTHS = {"day": 1 / 30, "week": 7 / 30, "month": 1.0, "year": 12.0}
WINDOW_FIELDS_DAYS = ("within_days", "window_days", "max_age_days", "transfusion_window_days")
Gold = tuple[str, str, float]


@dataclass
class Brat:
    spans: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)  # T id -> type, start, end, text
    events: dict[str, tuple[str, str, list[tuple[str, str]]]] = field(default_factory=dict)  # type, trigger, args
    values: dict[str, str] = field(default_factory=dict)  # T/E id -> attribute value


def read_brat(text: str) -> Brat:
    brat = Brat()
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            kind, _, offsets = parts[1].partition(" ")
            first = offsets.split(";")[0].split()
            brat.spans[parts[0]] = (kind, int(first[0]), int(first[1]), parts[2])
        elif line.startswith("E") and len(parts) >= 2:
            items = [item.split(":", 1) for item in parts[1].split()]
            (kind, trigger), args = items[0], [(role, target) for role, target in items[1:]]
            brat.events[parts[0]] = (kind, trigger, args)
        elif line.startswith("A") and len(parts) >= 2:
            fields = parts[1].split()
            if len(fields) == 3:
                brat.values[fields[1]] = fields[2]
    return brat


WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "forty-eight": 48, "sixty": 60, "ninety": 90,
}  # fmt: skip


def _number(text: str, words: bool = False) -> float | None:
    match = re.search(r"\d[\d,]*(?:\.\d+)?|\.\d+", text)
    if match is None:
        # A window's Value written in words ("within the last two weeks", "in the past six months").
        word = text.strip().lower()
        return float(WORD_NUMBERS[word]) if words and word in WORD_NUMBERS else None
    written = match.group()
    if re.fullmatch(r"\d+,\d{1,2}", written):  # a decimal comma ("18,5"); "1,000" is a thousands separator
        written = written.replace(",", ".")
    try:
        return float(written.replace(",", ""))
    except ValueError:
        return None


KG_PER_LB = 0.45359237
POUNDS = re.compile(r"(?:lbs?|pounds?)\.?", re.I)


def _comparison(
    brat: Brat, event_id: str, words: bool = False
) -> tuple[int, str | None, list[float], str | None] | None:
    """(start, operator, values, temporal unit) of an Eq-Comparison event; a value in pounds is given
    in kg rounded to 0.1, as an observation rule holds a weight."""
    if event_id not in brat.events:
        return None
    kind, trigger, args = brat.events[event_id]
    if kind != "Eq-Comparison" or trigger not in brat.spans:
        return None
    operator = unit = None
    values: list[float] = []
    pounds = False
    for role, target in args:
        if role.startswith("Operator"):
            operator = brat.values.get(target)
        elif role.startswith("Value") and target in brat.spans:
            number = _number(brat.spans[target][3], words)
            if number is not None:
                values.append(number)
        elif role.startswith("Temporal-Unit"):
            unit = brat.values.get(target)
        elif role.startswith("Unit") and target in brat.spans:
            pounds = bool(POUNDS.fullmatch(brat.spans[target][3].strip()))
    if pounds:
        values = [round(value * KG_PER_LB, 1) for value in values]
    return brat.spans[trigger][1], operator, values, unit


def gold_tuples(brat: Brat) -> Iterator[tuple[int, Gold]]:
    for kind, _, args in brat.events.values():
        for role, target in args:
            found = _comparison(brat, target, words=role.startswith("Temporality"))
            if found is None:
                continue
            start, operator, values, unit = found
            if kind == "Age" and role.startswith("Numeric-Filter") and values and operator:
                months = UNIT_MONTHS.get(unit or "year")
                if months is None:
                    continue
                bounds = {"GT": ["min"], "GTEQ": ["min"], "LT": ["max"], "LTEQ": ["max"], "BETWEEN": ["min", "max"]}
                for bound, value in zip(bounds.get(operator, []), sorted(values), strict=False):
                    yield start, ("age", bound, round(value * months, 1))
            elif kind == "Observation" and role.startswith("Numeric-Filter") and values and operator:
                direction = {"GT": ">", "GTEQ": ">", "LT": "<", "LTEQ": "<"}.get(operator)
                if direction is not None:
                    for value in values:  # "BP > 140/90": Value and Value2, both bounded the same way
                        yield start, ("lab", direction, round(value, 3))
                elif operator == "BETWEEN" and len(values) >= 2:
                    yield start, ("lab", ">", round(min(values), 3))
                    yield start, ("lab", "<", round(max(values), 3))
            elif role.startswith("Temporality") and unit in UNIT_DAYS:
                # A unit with no Value is one of it ("within the past year", "within prior month").
                for value in values or [1.0]:
                    yield start, ("window", "", round(value * UNIT_DAYS[unit], 1))


def _leaf_rules(rule: Rule) -> Iterator[Rule]:
    if isinstance(rule, AllOf | AnyOf):
        for part in rule.rules:
            yield from _leaf_rules(part)
    else:
        yield rule


def extracted_tuples(rule: Rule) -> Iterator[Gold]:
    for part in _leaf_rules(rule):
        if isinstance(part, AgeRule):
            if part.min_months is not None:
                yield ("age", "min", float(part.min_months))
            if part.max_months is not None:
                yield ("age", "max", float(part.max_months))
        elif isinstance(part, LabThresholdRule):
            number = part.value if part.value is not None else part.uln_multiple
            if number is not None:
                yield ("lab", part.comparator[0], round(number, 3))
        elif isinstance(part, ObservationRule) or (isinstance(part, ClinicalScoreRule) and not part.levelled):
            yield ("lab", part.comparator[0], round(part.value, 3))
        elif isinstance(part, OrganFunctionRule):
            yield ("lab", part.comparator[0], round(part.percent, 3))
        elif isinstance(part, LifeExpectancyRule):
            yield ("lab", part.comparator[0], float(part.amount))
        elif isinstance(part, GestationRule):
            if part.min_weeks is not None:
                yield ("lab", ">", float(part.min_weeks))
            if part.max_weeks is not None:
                yield ("lab", "<", float(part.max_weeks))
        if isinstance(part, WashoutRule):
            days = part.min_days or ((part.min_hours or 0) / 24) or (part.min_months or 0) * 30
            yield ("window", "", round(float(days), 1))
            for longer in part.longer_for.values():
                yield ("window", "", float(longer))
        else:
            data = part.model_dump()
            for name in WINDOW_FIELDS_DAYS:
                if isinstance(data.get(name), int):
                    yield ("window", "", float(data[name]))
            # "within_months" of a condition or medicine; a smoker's "stopped within N months" or "at
            # least N months ago", a post-menopausal woman's "last period at least N months ago".
            for name in ("within_months", "quit_within_months", "quit_before_months"):
                if isinstance(data.get(name), int):
                    yield ("window", "", float(data[name] * 30))
            if part.kind == "menopause" and isinstance(data.get("min_months"), int):
                yield ("window", "", float(data["min_months"] * 30))
            # A procedure's window ("thymectomy < 12 months prior to screening").
            within_unit = str(data.get("within_unit") or "").rstrip("s")
            if isinstance(data.get("within_amount"), int) and within_unit in UNIT_DAYS:
                yield ("window", "", round(data["within_amount"] * UNIT_DAYS[within_unit], 1))
            # "Major surgery within 4 weeks", "another trial within 30 days" (a life expectancy is no
            # window of an event, and the annotators mostly leave it out).
            unit = str(data.get("unit") or "").rstrip("s")
            if isinstance(data.get("amount"), int) and unit in UNIT_DAYS and part.kind != "life_expectancy":
                yield ("window", "", round(data["amount"] * UNIT_DAYS[unit], 1))


def _span(node: ParsedCriterion) -> tuple[int, int]:
    nodes = [node] if node.group_op is not None else list(node.walk())  # detail rows belong to their parent
    return min(n.start for n in nodes), max(n.end for n in nodes)


def evaluate(folder: Path, examples: int) -> dict[str, Any]:
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in ("age", "lab", "window")}
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {kind: {"fp": [], "fn": []} for kind in counts}

    def note(kind: str, which: str, nct: str, text: str, item: Gold) -> None:
        if len(samples[kind][which]) < examples:
            samples[kind][which].append({"trial": nct, "criterion": text[:200], "tuple": list(item)})

    for path in sorted(folder.glob("NCT*.txt")):
        text = path.read_text("utf-8")
        ann = path.with_suffix(".ann")
        brat = read_brat(ann.read_text("utf-8")) if ann.exists() else Brat()
        gold = list(gold_tuples(brat))
        placed = [False] * len(gold)
        for node in leaf_criteria(parse_criteria(text)):
            start, end = _span(node)
            mine = [g for i, (at, g) in enumerate(gold) if start <= at < end and not placed[i]]
            for i, (at, _) in enumerate(gold):
                if start <= at < end:
                    placed[i] = True
            ours = Counter(extracted_tuples(node.rule)) if node.rule is not None else Counter()
            theirs = Counter(mine)
            # A window is counted once per criterion and value: the annotators give each event its own
            # Temporality ("antibiotics or probiotics in the previous 90 days" holds two), where one rule
            # holds the window for all its names (and a rule of two parts, the other way round).
            for counter in (ours, theirs):
                for item in [item for item in counter if item[0] == "window"]:
                    counter[item] = 1
            for item, n in (ours & theirs).items():
                counts[item[0]]["tp"] += n
            for item, n in (ours - theirs).items():
                counts[item[0]]["fp"] += n
                note(item[0], "fp", path.stem, node.text, item)
            for item, n in (theirs - ours).items():
                counts[item[0]]["fn"] += n
                note(item[0], "fn", path.stem, node.text, item)
        for i, (at, item) in enumerate(gold):
            if not placed[i]:
                counts[item[0]]["fn"] += 1
                counts[item[0]]["fn_outside_criteria"] += 1
                note(item[0], "fn", path.stem, text[max(0, at - 60) : at + 60], item)
    report: dict[str, Any] = {}
    for kind, tally in counts.items():
        tp, fp, fn = tally["tp"], tally["fp"], tally["fn"]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[kind] = {
            "gold": tp + fn,
            "extracted": tp + fp,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "fn_outside_criteria": tally["fn_outside_criteria"],
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "examples": samples[kind],
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--examples", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(evaluate(args.data, args.examples), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
