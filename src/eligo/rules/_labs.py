"""Shared by the lab rule kinds: question wording, word numbers, the latest result of a test and
the unit conversions and evidence texts the evaluators use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from eligo.patients.profile import LabResult, PatientProfile
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome
from eligo.units import UnitError, convert, format_number, lab_spec, vocabulary

# How labs.yaml writes the unit of a plain ratio (INR).
UNITLESS = "ratio"


def _question(key: str, **values: str) -> str:
    return vocabulary().questions[key].format(**values)


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip()


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_NUMBERS[word.lower()]


def _days(count: str, unit: str) -> int:
    """Days in "14 days", "2 weeks"; a month counts 30 days (a recency limit is then slightly strict)."""
    unit = unit.lower()
    return _count(count) * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)


def per_canonical(test: str, unit: str) -> float | str:
    """How many `unit` one canonical unit of `test` is (the lab vocabulary's `display`), or why it
    cannot be said. Lab units are multiples of one another (counts, mass or molar concentrations,
    activities), so a value in canonical units times this is the value in `unit`."""
    display = lab_spec(test).display
    if unit == display:
        return 1.0
    try:
        return convert(test, 1.0, display, unit)
    except UnitError as error:
        return str(error)


def value_in(result: LabResult, factor: float | str) -> float:
    """The result in a rule's unit: its canonical value (converted when the profile was loaded) times
    the rule's `per_canonical` factor (computed when the rule was made); UnitError when either is missing."""
    canonical = result.canonical_value
    if isinstance(factor, str):
        raise UnitError(factor)
    return canonical * factor


def latest_result(profile: PatientProfile, test: str, on: date) -> LabResult | None:
    """The most recent result of `test` on or before `on` (undated ones only as a last resort)."""
    results = [lab for lab in profile.labs if lab.test == test]
    dated = [lab for lab in results if lab.date is not None and lab.date <= on]
    if dated:
        return max(dated, key=lambda lab: lab.date or on)
    undated = [lab for lab in results if lab.date is None]
    return undated[-1] if undated else None


def _unit_text(unit: str) -> str:
    if unit == UNITLESS:
        return ""  # "INR ≤ 1.5": a ratio is written bare
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


_PATTERNS = patterns()["lab_threshold"]
_EXCEPTION = _PATTERNS.regex("exception")
_EXCEPTION_START = _PATTERNS.regex("exception_start")
_SENTENCE_END = re.compile(r";|\.(?=\s|$)")
_DEFERRED = _PATTERNS.regex("exception_deferred")
_ASIDES = (_PATTERNS.regex("note"), _PATTERNS.regex("scope"))


_ABOVE_NORMAL_SCOPE = _PATTERNS.regex("above_normal_scope")


def without_implied_scope(text: str) -> str:
    """`text` with a closing "for patients with creatinine levels above institutional normal" blanked: the
    lab kind reads a criterion holding it only where its alternatives imply it (`lab_threshold._implied_scope`)."""
    return blank(_ABOVE_NORMAL_SCOPE, text)


def blank(pattern: re.Pattern[str], text: str) -> str:
    """`text` with each match of `pattern` replaced by as many spaces (offsets stay the same)."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def exceptions_in(text: str) -> tuple[str, ...]:
    """The exceptions `mask_exceptions` finds once notes and scopes the lab kind reads are set aside."""
    for pattern in _ASIDES:
        text = blank(pattern, text)
    return mask_exceptions(text)[1]


def mask_exceptions(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with every exception blanked out, and the exceptions: a bracket holding an exception
    cue ("(≤ 5 × ULN if liver metastases)"), or, outside brackets, from the clause break before the
    cue to the end of the sentence ("; Gilbert's syndrome ≤ 3 × ULN"). What an exception states is
    for some patients only (issue #12)."""
    found: list[str] = []
    first = re.search(r"\d", text)
    for cue in _EXCEPTION.finditer(text):
        if not text[cue.start() : cue.end()].strip():
            continue  # inside an exception already blanked
        if (first is None or cue.start() < first.start()) and not re.search(r"\w", text[: cue.start()]):
            # A cue opening the criterion is its subject ("Patients with a platelet count < 100 × 10⁹/L")
            # or a lead the guards read ("If liver metastases are present: ALT ≤ 5 × ULN").
            continue
        opened = text.rfind("(", 0, cue.start())
        if opened != -1 and text.find(")", opened, cue.start()) == -1:
            closed = text.find(")", cue.end())
            start, end = opened, len(text) if closed == -1 else closed + 1
        else:
            breaks = [m.start() for m in _EXCEPTION_START.finditer(text, 0, cue.start())]
            start = breaks[-1] if breaks else cue.start()
            stop = _SENTENCE_END.search(text, cue.end())
            end = stop.start() if stop else len(text)
        if _DEFERRED.search(text, start, end):
            continue  # "may be eligible after discussion with the study chair": the limit stands
        found.append(text[start:end].strip(" ,;()"))
        text = text[:start] + " " * (end - start) + text[end:]
    return text, tuple(part for part in found if part)
