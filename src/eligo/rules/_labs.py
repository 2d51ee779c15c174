"""Shared by the lab rule kinds: question wording, word numbers, the latest result of a test and
the unit conversions and evidence texts the evaluators use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from eligo.patients.profile import LabResult, PatientProfile
from eligo.rules.verdicts import Outcome
from eligo.units import UnitError, convert, format_number, vocabulary


def _question(key: str, **values: str) -> str:
    return vocabulary().questions[key].format(**values)


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14}


_COUNT = r"(\d+|one|two|three|four|five|six|seven|ten|fourteen)"


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip()


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_NUMBERS[word.lower()]


def _days(count: str, unit: str) -> int:
    return _count(count) * (7 if unit.lower().startswith("week") else 1)


@lru_cache(maxsize=8192, typed=True)
def _conversion(test: str, value: float, from_unit: str, to_unit: str) -> float | str:
    """`convert` remembered, or the message of its UnitError. Pint takes ~0.3 ms a conversion behind a
    process-wide lock, and a match converts the same few profile values and trial thresholds for
    hundreds of trials; the exact value is the key, so the result is the very float Pint gave."""
    try:
        return convert(test, value, from_unit, to_unit)
    except UnitError as error:
        return str(error)


def clear_conversions() -> None:
    _conversion.cache_clear()


def _converted(test: str, value: float, from_unit: str, to_unit: str) -> float:
    result = _conversion(test, value, from_unit, to_unit)
    if isinstance(result, str):
        raise UnitError(result)
    return result


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


def lab_wording() -> Mapping[str, str]:
    return vocabulary().questions
