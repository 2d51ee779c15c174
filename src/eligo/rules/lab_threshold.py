"""The lab-threshold rule kind: model, question, extractor, evaluator and record. Its step also
produces creatinine_for_age (from a criterion's age/sex rows) and any_of.

Reading laboratory criteria into lab rules: "ANC >= 1,000/mcL", "AST/ALT =< 5 x ULN",
"Creatinine =< ULN OR GFR >= 70 mL/min/1.73 m^2", the age/sex creatinine table, conditional
platelet limits and transfusion qualifiers.

An extractor returns None rather than a rule it is unsure of: when a lab is named without a
threshold, a unit cannot be read or measure the test, a threshold is implausible for the test
("Creatinine < 2.0 ng/dL"), or the text holds limits Eligo does not model (sex-specific
values outside the creatinine table). The criterion then becomes a question to a person.

Evaluating lab rules against a profile: the most recent result on or before the evaluation
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
  give `unknown` with the reason, never a verdict."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import Field, PrivateAttr, model_validator

from eligo.patients.profile import LabResult, PatientProfile
from eligo.rules._labs import (
    _WORD_NUMBERS,
    _clean,
    _days,
    _missing_result,
    _question,
    _shown,
    _stale_note,
    _unit_text,
    _when,
    lab_wording,
    latest_result,
    mask_exceptions,
    per_canonical,
    value_in,
)
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.conditional import condition_rule
from eligo.rules.creatinine_for_age import AgeSexLimit, CreatinineForAgeRule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger, TriggerText, phrase_words
from eligo.rules.sex import SexRule
from eligo.rules.verdicts import Outcome
from eligo.terms import COMPARATORS, Comparator
from eligo.units import UnitError, convert, display_unit, format_number, lab_spec, plausible, satisfies, vocabulary

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["lab_threshold"]


# A lab requirement that applies only in one situation ("Platelets > 50 × 10⁹/L if stem cells
# are not available"); settled from `PatientProfile.stored_stem_cells_cd34_per_kg`.
LabCondition = Literal["stem_cells_available", "no_stem_cells_available"]


class LabThresholdRule(RuleBase):
    """The most recent result of one test compared with a threshold.

    Exactly one of `value` (absolute, in `unit` as the trial wrote it, normalised for display:
    "/µL", "× 10⁹/L", "g/dL") or `uln_multiple` (× the upper limit of normal reported with the
    result; "=< institutional ULN" is 1.0) is set.
    """

    kind: Literal["lab_threshold"] = "lab_threshold"
    test: str  # canonical name from vocab/labs.yaml
    comparator: Comparator
    value: float | None = None
    unit: str | None = None
    # The trial gave a bare number and the unit is the vocabulary's convention for the test.
    unit_assumed: bool = False
    uln_multiple: float | None = Field(default=None, gt=0)
    # "≥ LLN": the threshold is the lower limit of normal reported with the result (issue #12); left out
    # (None) otherwise, so the stored rules of other limits read as before.
    lln: Literal[True] | None = None
    for_age: bool = False  # "ULN for age": the age-appropriate ULN (or LLN) reported with the result
    # "independent": no transfusion of the product within `transfusion_window_days` before the
    # test (None = the window was not stated; the evaluator applies the vocabulary default).
    # "allowed": the value may be reached with transfusion support.
    transfusion: Literal["independent", "allowed"] | None = None
    transfusion_window_days: int | None = Field(default=None, gt=0)
    max_age_days: int | None = Field(default=None, gt=0)  # the result must be this recent
    condition: LabCondition | None = None
    # Set when the rule is made (read from a criterion or loaded from stored JSON), so evaluation
    # converts nothing: the threshold in the test's canonical unit, and the trial's unit per
    # canonical unit (`_labs.per_canonical`); for each, the reason instead when there is none.
    _canonical_threshold: float | str = PrivateAttr(default="no absolute threshold")
    _per_canonical: float | str = PrivateAttr(default=1.0)

    def model_post_init(self, context: Any, /) -> None:
        if self.value is None or self.unit is None:
            return
        try:
            self._canonical_threshold = convert(self.test, self.value, self.unit, lab_spec(self.test).display)
        except UnitError as error:
            self._canonical_threshold = str(error)
        self._per_canonical = per_canonical(self.test, self.unit)

    @property
    def canonical_threshold(self) -> float:
        """The absolute threshold in the test's canonical unit; `UnitError` when there is none."""
        if isinstance(self._canonical_threshold, str):
            raise UnitError(self._canonical_threshold)
        return self._canonical_threshold

    @model_validator(mode="after")
    def _shape(self) -> LabThresholdRule:
        lab_spec(self.test)  # an unknown test name is an error, not a silent unknown later
        if [self.value is not None, self.uln_multiple is not None, bool(self.lln)].count(True) != 1:
            raise ValueError("give exactly one of value, uln_multiple or lln")
        if self.value is not None and not self.unit:
            raise ValueError("an absolute threshold needs its unit")
        if (self.uln_multiple is not None or self.lln) and (self.unit is not None or self.unit_assumed):
            raise ValueError("a ULN multiple or the LLN has no unit")
        if self.for_age and self.uln_multiple is None and not self.lln:
            raise ValueError("for_age qualifies a ULN multiple or the LLN")
        if self.transfusion_window_days is not None and self.transfusion != "independent":
            raise ValueError("a transfusion window belongs to transfusion independence")
        return self

    def threshold_text(self) -> str:
        """The threshold for display: "≥ 1,000/µL", "≤ 1.5 × ULN for age", "≤ ULN"."""
        symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}[self.comparator]
        if self.lln:
            return f"{symbol} LLN{' for age' if self.for_age else ''}"
        if self.uln_multiple is not None:
            multiple = "" if self.uln_multiple == 1 else f"{format_number(self.uln_multiple)} × "
            return f"{symbol} {multiple}ULN{' for age' if self.for_age else ''}"
        return f"{symbol} {_shown(self.value or 0, self.unit or '')}"

    def question(self, section: Section) -> str:
        spec = lab_spec(self.test)
        comparator = vocabulary().comparators[self.comparator]
        if self.lln:
            text = _question(
                "lln", label=spec.label, comparator=comparator, for_age=" for their age" if self.for_age else ""
            )
        elif self.uln_multiple is not None:
            multiple = "" if self.uln_multiple == 1 else f"{format_number(self.uln_multiple)} times"
            text = _question(
                "uln",
                label=spec.label,
                comparator=comparator,
                multiple=multiple,
                for_age=" for their age" if self.for_age else "",
            ).replace("  ", " ")
        else:
            threshold = self.threshold_text().split(" ", 1)[1]
            text = _question("threshold", label=spec.label, comparator=comparator, threshold=threshold)
        if self.transfusion == "independent" and spec.transfusion_product:
            window = self.transfusion_window_days or vocabulary().policy.transfusion_independence_default_days
            text = text[:-1] + _question(
                "transfusion_independent", product=spec.transfusion_product, window=str(window)
            )
            text += "?"
        elif self.transfusion == "allowed":
            text = text[:-1] + _question("transfusion_allowed") + "?"
        if self.condition is not None:
            text = _question(f"condition_{self.condition}") + text[0].lower() + text[1:]
        return text


_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"


# The comparator phrases in order, each saying its comparator; one alternation, group `c<i>` for row i.
_COMPARATORS: tuple[tuple[str, Comparator], ...] = tuple(
    (_PATTERNS.expand(reading.pattern), cast(Comparator, reading.says)) for reading in _PATTERNS.readings
)
if any(comparator not in COMPARATORS for _, comparator in _COMPARATORS):
    raise ValueError("patterns.yaml: a lab comparator says no comparator")
_COMPARATOR = re.compile("|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(_COMPARATORS)), re.I)

_ULN = _PATTERNS.regex("uln")
_LLN = _PATTERNS.regex("lln")
_NUMBER_AT = re.compile(rf"\s*(?P<number>{_NUMBER})")
# "Platelets ≥100 000/µL", "ANC ≥ 1 500/mm³": a space (or a thin/no-break space) as the thousands
# separator, as industry templates write it. Read only right after a comparator, with exactly three digits
# in each group after a space and a unit following (checked by the caller), never "1000 0 /uL".
_SPACED_NUMBER_AT = re.compile(r"\s*(?P<number>\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+)(?![\d.,])")
_FILLER_GAP = _PATTERNS.regex("filler_gap")
_OR = _PATTERNS.regex("or")
_BOUNDARY = re.compile(r";|\.(?=\s|$)")
_LEFTOVER_LIMIT = _PATTERNS.regex("leftover_limit")
_SEX_SPECIFIC = _PATTERNS.regex("sex_specific")

_ALLOWED = _PATTERNS.regex("allowed")
_INDEPENDENT = _PATTERNS.regex("independent")
_WINDOW = _PATTERNS.regex("window")
_RECENCY = _PATTERNS.regex("recency")
_NO_STEM_CELLS = _PATTERNS.regex("no_stem_cells")
_STEM_CELLS = _PATTERNS.regex("stem_cells")
_SCOPE = _PATTERNS.regex("scope")
_POSTFIX: tuple[tuple[re.Pattern[str], Comparator], ...] = (
    (_PATTERNS.regex("postfix_at_most"), "<="),
    (_PATTERNS.regex("postfix_at_least"), ">="),
)
_NOTE = _PATTERNS.regex("note")
_QUALIFIED_LEAD = _PATTERNS.regex("qualified_lead")
_LASTING_LEAD = _PATTERNS.regex("lasting_lead")
_PER_BSA = _PATTERNS.regex("per_bsa")
_GFR_NAMED = _PATTERNS.regex("gfr_named")
_ABOVE_NORMAL_SCOPE = _PATTERNS.regex("above_normal_scope")
_WITHIN_NORMAL = _PATTERNS.regex("within_normal")
_CLEARANCE_NAMED = _PATTERNS.regex("clearance_named")
_LEAD_WORDS = _PATTERNS.regex("lead_words")
_AND = _PATTERNS.regex("and")
# A condition a lab limit may define ("Hyperkalemia (potassium > 5.0 mEq/L)") but not follow as a list item.
_LEAD_CONDITION = re.compile(r"\b\w+(?:a?emia|penia|osis)\b|\bdiabet\w*|\bhypertension\b", re.I)
# More words than this before the first lab, outside `lead_words`, say something the limit does not carry.
_LEAD_OTHER_WORDS_MAX = 3

_LIST_OR = re.compile(r",\s*(?:and/)?or\b", re.I)  # the last item of a list of alternatives: ", or"
_SEX_MARKER = _PATTERNS.regex("sex_marker")
_SEX_RESPECTIVELY = _PATTERNS.regex("sex_respectively")
_SEX_JOINER = _PATTERNS.regex("sex_joiner")
_SEX_TAIL = _PATTERNS.regex("sex_tail")
_SEX_LEAD = _PATTERNS.regex("sex_lead")

_EXCEPTION_READING = _PATTERNS.regex("exception_reading")
_EXCEPTION_LIMIT_FIRST = _PATTERNS.regex("exception_limit_first")
_EXCEPTION_PERMITTED = _PATTERNS.regex("exception_permitted")
_EXCEPTION_INTRO = _PATTERNS.regex("exception_intro")
_AGE_ROW = _PATTERNS.regex("age_row")
_AGE_TABLE_ROW = _PATTERNS.regex("age_table_row")
_AGE_TABLE_HEADER = _PATTERNS.regex("age_table_header")
_AGE_TABLE_LEAD = _PATTERNS.regex("age_table_lead")
_AGE_BAND_ROW = _PATTERNS.regex("age_band_row")
_AGE_BAND_THROUGH = _PATTERNS.regex("age_band_through")
_AGE_BAND_BETWEEN = _PATTERNS.regex("age_band_between")
_AGE_BAND_OVER = _PATTERNS.regex("age_band_over")
_AGE_BAND_LEAD = _PATTERNS.regex("age_band_lead")
_AGE_TABLE_INLINE_LEAD = _PATTERNS.regex("age_table_inline_lead")
_AGE_TABLE_LEAD_LAST = _PATTERNS.regex("age_table_lead_last")
_AGE_TABLE_INLINE_ROW = _PATTERNS.regex("age_table_inline_row")
_TIME_AFTER = _PATTERNS.regex("time_after")
_NOTHING_AFTER = _PATTERNS.regex("nothing_after")


# Multiples written as one word ("twice the upper limit of normal").
_MULTIPLE_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0}


def _number(text: str) -> float:
    word = text.lower()
    if word in _MULTIPLE_WORDS:
        return _MULTIPLE_WORDS[word]
    return float(text.replace(",", "")) if word not in _WORD_NUMBERS else float(_WORD_NUMBERS[word])


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    test: str


# A mention of a group of tests ("hepatic enzymes": AST and ALT) carries the group's name after this.
_GROUP = "group:"


def _tests_of(mention: str) -> tuple[str, ...]:
    """The tests a mention names: itself, or the tests of its group."""
    if mention.startswith(_GROUP):
        return vocabulary().groups[mention[len(_GROUP) :]].tests
    return (mention,)


@cache
def _synonym_patterns() -> tuple[tuple[re.Pattern[str], str, str | None], ...]:
    """(pattern, test, a word the synonym cannot match without) for every synonym, longest first."""
    patterns: list[tuple[int, re.Pattern[str], str, str | None]] = []
    named: list[tuple[str, str, str | None]] = [
        (spec.test, synonym, spec.not_followed_by) for spec in vocabulary().tests.values() for synonym in spec.synonyms
    ]
    named += [
        (_GROUP + name, synonym, None) for name, group in vocabulary().groups.items() for synonym in group.synonyms
    ]
    for test, synonym, not_followed_by in named:
        after = f"(?!{not_followed_by})" if not_followed_by else ""
        flags = 0 if synonym != synonym.lower() else re.I
        body = re.escape(synonym).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+")
        pattern = re.compile(rf"(?<![\w-]){body}(?![\w-]){after}(?!\s*transfus)", flags)
        word = phrase_words([synonym], case_sensitive=not flags)
        patterns.append((len(synonym), pattern, test, word[0] if word else None))
    patterns.sort(key=lambda item: -item[0])
    return tuple((pattern, test, word) for _, pattern, test, word in patterns)


@cache
def _synonym_words() -> frozenset[str]:
    return frozenset(word for _, _, word in _synonym_patterns() if word is not None)


def _mentions(text: str) -> list[_Mention]:
    taken: list[_Mention] = []
    words = TriggerText.of(text)
    present = {word for word in _synonym_words() if words.contains(word)}  # each word tested once
    for pattern, test, word in _synonym_patterns():
        if word is not None and word not in present:
            continue  # the synonym cannot be there (see eligo.rules.prefilter); scanning is slow
        for match in pattern.finditer(text):
            if not any(m.start < match.end() and match.start() < m.end for m in taken):
                taken.append(_Mention(match.start(), match.end(), test))
    return sorted(taken, key=lambda m: m.start)


@dataclass
class _Group:
    tests: list[str]
    start: int
    end: int


def _groups(masked: str, mentions: Sequence[_Mention]) -> list[_Group]:
    groups: list[_Group] = []
    for mention in mentions:
        tests = _tests_of(mention.test)
        if groups and _FILLER_GAP.match(masked[groups[-1].end : mention.start]):
            group = groups[-1]
            group.end = mention.end
            group.tests.extend(test for test in tests if test not in group.tests)
        else:
            groups.append(_Group(list(tests), mention.start, mention.end))
    return groups


@dataclass(frozen=True)
class _Threshold:
    comparator: Comparator
    end: int  # offset in the clause just after the threshold
    value: float | None = None
    unit: str | None = None
    unit_assumed: bool = False
    uln_multiple: float | None = None
    for_age: bool = False
    test: str | None = None
    lln: bool = False  # the test the threshold's unit says it is, when not the one named


def _comparator(clause: str) -> tuple[Comparator, int] | None:
    match = _COMPARATOR.search(clause)
    if match is None or match.start() > 45 or re.search(r"\d", clause[: match.start()]):
        return None
    index = int(next(name for name, value in match.groupdict().items() if value is not None)[1:])
    return _COMPARATORS[index][1], match.end()


def _unit_after(test: str, rest: str) -> tuple[str, int] | None:
    """The longest run of up to five words right after a number that is a unit for `test`."""
    head = re.split(r"[(;]|,(?!\d)", rest, maxsplit=1)[0]
    tokens = list(re.finditer(r"\S+", head))[:5]
    if not tokens or tokens[0].start() > 1:
        return None
    for count in range(len(tokens), 0, -1):
        end = tokens[count - 1].end()
        candidate = head[:end].strip().rstrip(".,;:)]*")
        if not _measures(test, candidate):
            continue
        return display_unit(candidate), len(head[:end].rstrip().rstrip(".,;:)]*"))
    return None


# Unit conversion with Pint is slow (about 0.1 ms a call) and depends only on the vocabulary and its
# arguments, while trials write the same few units and thresholds over and over: both answers are
# cached. Not a text memo: parsing all of ../shared/data spends about 3% of its time here uncached.
@lru_cache(maxsize=1024)
def _measures(test: str, written: str) -> bool:
    """Whether `written` is a unit `test` can be expressed in."""
    try:
        convert(test, 1.0, written, lab_spec(test).display)
    except UnitError:
        return False
    return True


@lru_cache(maxsize=4096)
def _in_display_unit(test: str, value: float, written: str) -> float | None:
    try:
        return convert(test, value, written, lab_spec(test).display)
    except UnitError:
        return None


def _threshold(test: str, clause: str, per_bsa: bool = False, bare_gfr: bool = False) -> _Threshold | None:
    found = _comparator(clause)
    if found is None:
        return _postfix_threshold(test, clause, per_bsa, bare_gfr)
    return _threshold_at(test, clause, *found, per_bsa, bare_gfr)


def _postfix_threshold(test: str, clause: str, per_bsa: bool, bare_gfr: bool = False) -> _Threshold | None:
    """ "AST 2.5 times ULN or less", "ANC 1,500/µL or more": the number first, the comparator after it."""
    start = re.match(r"\s*(?:(?:level|count|value)s?\s+)?(?:of\s+|is\s+|:\s*)?(?=\d)", clause)
    if start is None:
        return None
    # Read as if "<=" came first; the comparator after the threshold then says which it was.
    read = _threshold_at(test, clause, "<=", start.end(), per_bsa, bare_gfr)
    if read is None:
        return None
    for pattern, comparator in _POSTFIX:
        after = pattern.match(clause, read.end)
        if after is not None:
            return _Threshold(
                comparator,
                after.end(),
                value=read.value,
                unit=read.unit,
                unit_assumed=read.unit_assumed,
                uln_multiple=read.uln_multiple,
                for_age=read.for_age,
                test=read.test,
                lln=read.lln,
            )
    return None


def _threshold_at(
    test: str, clause: str, comparator: Comparator, position: int, per_bsa: bool = False, bare_gfr: bool = False
) -> _Threshold | None:
    lln = _LLN.match(clause, position)
    if lln is not None:
        return _Threshold(comparator, lln.end(), lln=True, for_age=bool(lln.group("for_age")))
    uln = _ULN.match(clause, position)
    if uln is not None:
        multiple = uln.group("multiple")
        return _Threshold(
            comparator,
            uln.end(),
            uln_multiple=_number(multiple) if multiple else 1.0,
            for_age=bool(uln.group("for_age")),
        )
    spaced = _SPACED_NUMBER_AT.match(clause, position)
    number = spaced or _NUMBER_AT.match(clause, position)
    if number is None:
        return None
    value = _number(re.sub(r"\s", "", number.group("number")))
    spec = lab_spec(test)
    unit = _unit_after(test, clause[number.end() :])
    if spaced is not None and unit is None:
        return None  # "≥ 100 000" with no unit: not read as a number (a list "100 000" is ambiguous)
    if unit is None and spec.unadjusted_test is not None:
        unadjusted = _unit_after(spec.unadjusted_test, clause[number.end() :])
        if unadjusted is not None and per_bsa:
            # "eGFR < 45 mL/min (CKD-EPI)": estimating equations give mL/min/1.73 m² by definition; the
            # trial left the body-size part of the unit out, and the evidence says the unit is assumed.
            end = number.end() + unadjusted[1]
            return _Threshold(comparator, end, value=value, unit=spec.display, unit_assumed=True)
        if unadjusted is not None:
            # "Creatinine clearance ≥ 60 mL/min": the unadjusted clearance, never the adjusted GFR.
            test, spec = spec.unadjusted_test, lab_spec(spec.unadjusted_test)
            shown, length = unadjusted
            threshold = _Threshold(comparator, number.end() + length, value=value, unit=shown, test=test)
            canonical = _in_display_unit(test, value, shown)
            return threshold if canonical is not None and plausible(test, canonical) else None
    if unit is not None:
        shown, length = unit
        threshold = _Threshold(comparator, number.end() + length, value=value, unit=shown)
    elif (per_bsa or bare_gfr) and spec.unadjusted_test is not None and _NOTHING_AFTER.match(clause, number.end()):
        # "eGFR < 45" (NCT03929822), "GFR < 60" (NCT03921034), the number ending the criterion: an
        # estimated GFR is in mL/min/1.73 m² by definition, and a GFR is reported in it; the unit is
        # assumed, and the evidence says so. A bare creatinine clearance is still not read, nor a number
        # followed by words ("ml/m", "at time of discharge").
        threshold = _Threshold(comparator, number.end(), value=value, unit=spec.display, unit_assumed=True)
    elif (assumed := _assumed_unit(test, value, clause, number.end())) is not None:
        threshold = _Threshold(comparator, number.end(), value=value, unit=assumed, unit_assumed=True)
    else:
        return None
    canonical = _in_display_unit(test, value, threshold.unit or "")
    if canonical is None:
        return None
    return threshold if plausible(test, canonical) else None


# Right after a bare number: a unit the test cannot be given in ("Creatinine < 2.0 ng/dL") or another
# number ("ANC ≥ 1000 0 /uL"), not "no unit".
_WRONG_UNIT = re.compile(
    r"\s*(?:\d|[^\s\d,;()]*/|%|(?:x|×)\s*10\b|(?:mg|g|gm|mmol|µmol|umol|mcmol|nmol|pmol|ng|pg|mcg|µg|ug|m?IU|U|mEq|units?)\b)",
    re.I,
)


@lru_cache(maxsize=4096)
def _bare_unit(test: str, value: float) -> str | None:
    """The test's unit for a bare number: its `assumed_unit`, or the one of its `bare_units` that puts
    the number inside its `threshold_range` (None when no unit or several do)."""
    spec = lab_spec(test)
    if spec.assumed_unit is not None:
        return display_unit(spec.assumed_unit)
    if spec.threshold_range is None:
        return None
    low, high = spec.threshold_range
    fits = []
    for unit in spec.bare_units:
        canonical = _in_display_unit(test, value, unit)
        if canonical is not None and low <= canonical <= high:
            fits.append(display_unit(unit))
    return fits[0] if len(fits) == 1 else None


def _assumed_unit(test: str, value: float, clause: str, end: int) -> str | None:
    """The unit a number written without one (ending at `end` of `clause`) is read in, or None: a time
    ("3 days") or a unit the test cannot be given in follows it, or no unit fits it alone."""
    if _TIME_AFTER.match(clause, end) or _WRONG_UNIT.match(clause, end):
        return None
    return _bare_unit(test, value)


def _transfusion(test: str, own: str, general: str) -> tuple[Literal["independent", "allowed"] | None, int | None]:
    if lab_spec(test).transfusion_product is None:
        return None, None
    for text in (own, general):
        if _ALLOWED.search(text):
            return "allowed", None
        if _INDEPENDENT.search(text):
            window = _WINDOW.search(text)
            return "independent", _days(*window.groups()) if window else None
    return None, None


def _condition(text: str) -> LabCondition | None:
    if _NO_STEM_CELLS.search(text):
        return "no_stem_cells_available"
    if _STEM_CELLS.search(text):
        return "stem_cells_available"
    return None


def _combine(rules: Sequence[Rule], any_of: bool) -> Rule:
    if len(rules) == 1:
        return rules[0]
    kind = AnyOf if any_of else AllOf
    flat: list[Rule] = []
    for rule in rules:
        flat.extend(rule.rules if isinstance(rule, kind) else (rule,))
    return kind(rules=tuple(flat))


def _dedupe(rules: list[LabThresholdRule]) -> list[LabThresholdRule]:
    """One requirement stated twice ("Hb >= 9 g/dL ... to have Hb >= 9 g/dL") is one rule;
    the statement with a transfusion qualifier wins."""
    kept: dict[tuple[object, ...], LabThresholdRule] = {}
    for rule in rules:
        key = (rule.test, rule.comparator, rule.value, rule.unit, rule.uln_multiple, rule.lln, rule.condition)
        if key not in kept or (rule.transfusion and not kept[key].transfusion):
            kept[key] = rule
    return list(kept.values())


def _age_rows(text: str) -> list[AgeSexLimit]:
    rows = []
    for match in _AGE_ROW.finditer(text):
        lo_unit = match.group("lo_unit") or match.group("hi_unit") or "years"
        lo = int(match.group("lo")) * (1 if lo_unit.lower().startswith("month") else 12)
        hi = None
        if match.group("hi"):
            hi = int(match.group("hi")) * (1 if match.group("hi_unit").lower().startswith("month") else 12)
        rows.append(
            AgeSexLimit(
                min_months=lo, max_months=hi, male=_number(match.group("male")), female=_number(match.group("female"))
            )
        )
    return rows


def _months(count: str, unit: str | None) -> int:
    return int(count) * (1 if (unit or "years").lower().startswith("month") else 12)


def age_table_row(text: str) -> AgeSexLimit | None:
    """One row of the creatinine table as COG/NANT lay it out ("| 1 to < 2 years | 0.6 | 0.6 |",
    "≥ 16 years 1.7 1.4": the age band, the male and the female maximum), or None."""
    match = _AGE_TABLE_ROW.match(_clean(text))
    if match is None:
        return None
    male, female = _number(match["male"]), _number(match["female"])
    if match["open"]:
        low, high = _months(match["open"], match["open_unit"]), None
    else:
        high = _months(match["hi"], match["hi_unit"])
        low = _months(match["lo"], match["lo_unit"] or match["hi_unit"])
        if high <= low:
            return None
    if male <= 0 or female <= 0:
        return None
    return AgeSexLimit(min_months=low, max_months=high, male=male, female=female)


def _band_row(text: str) -> tuple[str, AgeSexLimit] | None:
    """ "No greater than 0.8 mg/dL (for patients 5 years of age and under)": the comparator and the row (one
    limit for both sexes; whole years, so "6 to 10" ends at the 11th birthday), or None. A band that starts
    at no age ("5 and under") starts at birth; the table's order is checked by its reader."""
    match = _AGE_BAND_ROW.match(_clean(text))
    if match is None:
        return None
    band, value = match["band"], _number(match["value"])
    comparator = "<" if match["cmp"] == "<" else "<="
    if (found := _AGE_BAND_THROUGH.match(band)) is not None:
        low, high = 0, (int(found["hi"]) + 1) * 12
    elif (found := _AGE_BAND_BETWEEN.match(band)) is not None:
        low, high = int(found["lo"]) * 12, (int(found["hi"]) + 1) * 12
    elif (found := _AGE_BAND_OVER.match(band)) is not None:
        low, high = (int(found["lo"]) + 1) * 12, None
    else:
        return None
    if (high is not None and high <= low) or value <= 0:
        return None
    return comparator, AgeSexLimit(min_months=low, max_months=high, male=value, female=value)


# Every row, band row or heading line of the table names an age ("years", "months", "Age") or is a markdown rule
# ("|---|---|"): a cheap test that spares most lines of a trial's text the three patterns below.
_AGE_TABLE_GATE = re.compile(r"year|month|\bage\b|\byrs?\b|^[\s|:\-]+$", re.IGNORECASE)


def is_age_table_line(text: str) -> bool:
    """Whether a line is a row or the heading line of the creatinine table (what its lead reads)."""
    if _AGE_TABLE_GATE.search(text) is None:
        return False
    return (
        age_table_row(text) is not None
        or _band_row(text) is not None
        or _AGE_TABLE_HEADER.match(_clean(text)) is not None
    )


def opens_age_table(text: str) -> bool:
    """Whether the text is the lead of a creatinine table ("A serum creatinine based on age/gender as follows:"),
    alone or as the last alternative of its item ("GFR ≥ 70 mL/min/1.73 m² or a serum creatinine based on ...")."""
    text = _clean(text)
    return _AGE_TABLE_LEAD.match(text) is not None or _AGE_TABLE_LEAD_LAST.search(text) is not None


# Plausible maxima of the table (mg/dL): the COG rows run from 0.4 (infants) to 1.7 (boys of 16 and over).
_TABLE_LIMITS = (0.2, 3.0)


def _age_table(ctx: CriterionContext) -> CreatinineForAgeRule | None:
    """ "A serum creatinine based on age/gender as follows:" with its rows as the children: the table read
    whole, or nothing. The rows must be the whole of the children (a heading line aside), follow on from
    one another without gap or overlap, lie within `_TABLE_LIMITS`, and give boys a limit no lower than
    girls (the protocols' Male | Female order; a table that reads the other way is not guessed)."""
    rows: list[AgeSexLimit] = []
    comparators: set[str] = set()
    for child in ctx.children:
        row = age_table_row(child)
        band = _band_row(child) if row is None else None
        if band is not None:
            comparators.add(band[0])
            row = band[1]
        if row is None:
            if _AGE_TABLE_HEADER.match(_clean(child)) is None or rows:
                return None  # a line that is neither a row nor the heading line above the rows
            continue
        rows.append(row)
    return _table_rule(rows, comparators)


def _inline_table(text: str) -> CreatinineForAgeRule | None:
    """The creatinine table flattened onto its lead's line (CT.gov's layout of a table inside an item): the
    lead, an optional heading, then rows that must run to the end of the text; read whole or not at all."""
    text = text.rstrip(" .;")
    lead = _AGE_TABLE_INLINE_LEAD.match(text)
    if lead is None:
        return None
    rows: list[AgeSexLimit] = []
    position, end = lead.end(), len(text)
    while position < end:
        match = _AGE_TABLE_INLINE_ROW.match(text, position)
        if match is None:
            return None  # words that are no row: the table is not read whole
        row = age_table_row(match.group().strip())
        if row is None:
            return None
        rows.append(row)
        position = match.end()
    return _table_rule(rows)


def _age_band_list(text: str) -> CreatinineForAgeRule | None:
    """ "Serum creatinine ≤ 0.8 mg/dL (age 5 and under), ≤ 1.0 (age 6-10), ≤ 1.2 (age 11-15), ≤ 1.5 (over
    15)": the per-age limits listed on one line, read whole as the table (the unit written once), or None."""
    lead = _AGE_BAND_LEAD.match(text)
    if lead is None:
        return None
    rows: list[AgeSexLimit] = []
    comparators: set[str] = set()
    for item in re.split(r"\s*[,;]\s*(?:(?:and|or)\s+)?", text[lead.end() :].strip(" .;")):
        band = _band_row(item)
        if band is None:
            return None
        comparators.add(band[0])
        rows.append(band[1])
    return _table_rule(rows, comparators)


def _table_rule(rows: list[AgeSexLimit], comparators: set[str] | None = None) -> CreatinineForAgeRule | None:
    """The rows as one creatinine-for-age rule when they make a whole table, or None."""
    comparators = comparators or set()
    if len(rows) < 2 or len(comparators) > 1:
        return None
    for before, after in pairwise(rows):
        if before.max_months != after.min_months:
            return None
    low, high = _TABLE_LIMITS
    if any(not (low <= limit <= high) for row in rows for limit in (row.male, row.female)):
        return None
    if any(row.male < row.female for row in rows):
        return None
    comparator = "<" if comparators == {"<"} else "<="
    return CreatinineForAgeRule(rows=tuple(rows), comparator=comparator)


_RANGE_LEAD = _PATTERNS.regex("range_lead")
_RANGE_BODY = _PATTERNS.regex("range_body")
_RANGE_TAIL = _PATTERNS.regex("range_tail")
_RANGE_HINT = _PATTERNS.regex("range_hint")
_GFR_EQUATION = _PATTERNS.regex("gfr_equation")


# "Haemoglobin A 1 C (HbA1c)": a test's name with its own abbreviation in brackets straight after it.
_RESTATED = re.compile(r"\s*\(\s*")
_RESTATED_CLOSE = re.compile(r"\s*\)")


def _restated(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Two mentions of one test, the second its bracketed restatement ("Haemoglobin A 1 C (HbA1c) level
    between 7% to 11%", NCT03928340), as one mention over both; other mentions as they are."""
    if len(mentions) != 2 or mentions[0].test != mentions[1].test:
        return mentions
    first, second = mentions
    opened = _RESTATED.match(text, first.end)
    if opened is None or opened.end() != second.start:
        return mentions
    closed = _RESTATED_CLOSE.match(text, second.end)
    if closed is None:
        return mentions
    return [_Mention(first.start, closed.end(), first.test)]


def _range_rule(text: str) -> Rule | None:
    """ "Serum glucose 100-126 mg/dL", "Hemoglobin between 9 and 13 g/dL", "HbA1c ≥ 7.0% and ≤ 10.5%": one
    test between two values, the whole criterion (issue #12). Both bounds inclusive, as written ranges are."""
    if _RANGE_HINT.search(text) is None:
        return None  # no two numbers joined as a range: spare the synonym scan
    equation = _GFR_EQUATION.search(text)
    if equation is not None and equation.end() == len(text):
        # How a GFR was estimated ("based on CKD-EPI(Cr) equation"): read without, for a GFR only.
        read = _range_rule(text[: equation.start()])
        return read if read is not None and all(part.test == "gfr" for part in _lab_parts(read) or ()) else None
    mentions = _restated(text, _mentions(text))
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    if mention.test.startswith(_GROUP) or not _RANGE_LEAD.fullmatch(text[: mention.start]):
        return None
    test = mention.test
    body = _RANGE_BODY.match(text, mention.end)
    if body is None:
        return None
    low, high = _number(body["lo"]), _number(body["hi"])
    first_unit = _unit_after(test, body["u1"]) if body["u1"].strip() else None
    if body["u1"].strip() and (first_unit is None or first_unit[1] != len(body["u1"].rstrip())):
        return None  # words between the numbers that are no unit of the test
    rest = text[body.end() :]
    second_unit = _unit_after(test, rest)
    if second_unit is not None:
        rest = rest[second_unit[1] :]
    recency = _RECENCY.match(rest.lstrip())
    max_age_days = _days(*recency.groups()) if recency else None
    if recency is not None:
        # "Hemoglobin A1C: 5.7 - 6.4 within the 3 months prior to enrollment" (NCT03865342): how recent the
        # result must be, as a single limit's window is read.
        rest = rest.lstrip()[recency.end() :]
    if not _RANGE_TAIL.fullmatch(rest):
        return None
    unit, assumed = (second_unit or first_unit or (None, 0))[0], False
    if unit is None:
        if _WRONG_UNIT.match(text, body.end()):
            return None
        unit = _bare_unit(test, low)
        if unit is None or _bare_unit(test, high) != unit:
            return None  # both bounds read in one unit, or not at all
        assumed = True
    if first_unit is not None and first_unit[0] != unit:
        return None  # two units: not one range as read here
    bounds = []
    for value in (low, high):
        canonical = _in_display_unit(test, value, unit)
        if canonical is None or not plausible(test, canonical):
            return None
        bounds.append(canonical)
    if not bounds[0] < bounds[1]:
        return None
    return AllOf(
        rules=(
            LabThresholdRule(
                test=test, comparator=">=", value=low, unit=unit, unit_assumed=assumed, max_age_days=max_age_days
            ),
            LabThresholdRule(
                test=test, comparator="<=", value=high, unit=unit, unit_assumed=assumed, max_age_days=max_age_days
            ),
        )
    )


def extract_lab_thresholds(ctx: CriterionContext) -> Rule | None:
    """Every lab named in the criterion with its threshold, joined by AND / OR as written."""
    text = _clean(ctx.text)
    if ctx.section == "inclusion":
        # "total bilirubin within normal institutional limits": at most the ULN (see `within_normal`).
        text = _WITHIN_NORMAL.sub(r"\g<test>\g<be>≤ institutional upper limit of normal", text)
    implied = _ABOVE_NORMAL_SCOPE.search(text)
    if implied is not None:
        read = extract_lab_thresholds(ctx.with_text(text[: implied.start()]))
        multiple = float(implied["multiple"]) if implied["multiple"] else 1.0
        return read if read is not None and _implied_scope(ctx, read, implied["test"], multiple) else None
    ranged = _range_rule(ctx.normalized.strip().rstrip(".;,").strip())
    if ranged is not None:
        return ranged
    if _AGE_ROW.fullmatch(text.strip(" .;")) or is_age_table_line(text):
        return None  # a row of a creatinine table: its parent criterion reads the whole table
    if _AGE_TABLE_LEAD.match(text):
        return _age_table(ctx) if ctx.section == "inclusion" else None
    last = _AGE_TABLE_LEAD_LAST.search(text) if ctx.children else None
    if last is not None:
        # "GFR ≥ 70 mL/min/1.73 m² or a serum creatinine based on age/gender as follows:" over the table:
        # either the limits before the lead, read whole, or the table.
        table = _age_table(ctx) if ctx.section == "inclusion" else None
        before = CriterionContext(text=text[: last.start()].rstrip(" ,;"), section=ctx.section)
        head = extract_lab_thresholds(before) if table is not None else None
        return None if head is None or table is None else AnyOf(rules=(head, table))
    if _AGE_TABLE_INLINE_LEAD.match(text):
        inline = _inline_table(text)
        return inline if inline is not None and ctx.section == "inclusion" and not ctx.children else None
    if _AGE_BAND_LEAD.match(text) and "(" in text:
        listed = _age_band_list(text)
        if listed is not None:
            return listed if ctx.section == "inclusion" and not ctx.children else None
    masked = _AGE_ROW.sub(lambda m: " " * len(m.group()), text)
    masked = _NOTE.sub(lambda m: " " * len(m.group()), masked)
    masked = _SCOPE.sub(lambda m: " " * len(m.group()), masked)
    masked, exceptions = mask_exceptions(masked)
    if exceptions and ctx.section == "inclusion":
        # "ALT ≤ 2.5 × ULN (≤ 5 × ULN with liver metastases)": a limit read for everyone would rule
        # out the patients the exception admits (a part left unread still rules out in an inclusion),
        # so the exception is read with it, or nothing is.
        if len(exceptions) != 1 or ctx.children:
            return None
        masked = _EXCEPTION_INTRO.sub(lambda m: " " * len(m.group()), masked.rstrip()).ljust(len(masked))
        found = _read_all(ctx, text, masked)
        return None if found is None else _with_exception(ctx, found, exceptions[0])
    return _read_all(ctx, text, masked)


def _implied_scope(ctx: CriterionContext, rule: Rule, named: str, multiple: float = 1.0) -> bool:
    """Whether "for patients with <test> above normal" (or "> 1.5 × ULN", `multiple`), closing an inclusion's
    alternatives, is said by the alternatives themselves: an earlier one holds the named test at or below a
    multiple (≥ `multiple`) of its upper limit of normal, so the last alternative is only ever needed when that
    test is above the scope's limit."""
    if ctx.section != "inclusion" or not isinstance(rule, AnyOf):
        return False
    mentions = _mentions(named)
    if len(mentions) != 1 or mentions[0].start != 0 or mentions[0].end != len(named.rstrip()):
        return False  # more words than one test's name
    tests = _tests_of(mentions[0].test)
    if len(tests) != 1:
        return False
    *earlier, last = rule.rules
    return not (isinstance(last, LabThresholdRule) and last.test == tests[0]) and any(
        isinstance(part, LabThresholdRule)
        and part.test == tests[0]
        and part.comparator in ("<", "<=")
        and (part.uln_multiple or 0) >= max(multiple, 1.0)
        and part.condition is None
        for part in earlier
    )


def _read_all(ctx: CriterionContext, text: str, masked: str) -> Rule | None:
    """The labs of the criterion's text with its exceptions blanked out (`masked`)."""
    rows = _age_rows(" ".join([text, *(_clean(child) for child in ctx.children)]))
    groups = _groups(masked, _mentions(masked))
    if not groups:
        return None
    scope_match = _SCOPE.search(text)
    scope = scope_match.group(1).strip() if scope_match else None
    recency = _RECENCY.search(text)
    max_age_days = _days(*recency.groups()) if recency else None
    general = text[: groups[0].start]
    if _QUALIFIED_LEAD.search(general) or _LASTING_LEAD.search(general) or _lead_says_more(general):
        return None

    lead_sex: Sex | None = None
    if _SEX_SPECIFIC.search(general):
        lead = _SEX_LEAD.match(general)
        if lead is None or _SEX_SPECIFIC.search(general, lead.end()):
            return None  # a sex named in a way not read here: the limit may not be for everyone
        lead_sex = _sex(lead.group("sex"))
    if len(groups) == 1 and len(groups[0].tests) == 1 and _SEX_SPECIFIC.search(masked, groups[0].end):
        by_sex = _sex_limits(groups[0].tests[0], masked[groups[0].end :], scope, max_age_days)
        if by_sex is None or lead_sex is not None:
            return None
        return by_sex
    last = groups[-1]
    if len(groups) > 1 and len(last.tests) == 1 and _SEX_SPECIFIC.search(masked, last.end):
        return None if lead_sex is not None else _or_sex_limits(ctx, text, masked, last, scope, max_age_days)
    found = _read_groups(ctx, text, masked, groups, general, scope, max_age_days, rows)
    if found is None or lead_sex is None:
        return found
    return AllOf(rules=(SexRule(sex=lead_sex), found))


_OR_BEFORE = re.compile(r"\s*,?\s*\bor\s*$", re.I)


def _or_sex_limits(
    ctx: CriterionContext, text: str, masked: str, last: _Group, scope: str | None, max_age_days: int | None
) -> Rule | None:
    """ "Triglycerides > 150 mg/dL OR HDL <50 in females, <40 mg/dL in males" (NCT03929198): the limits
    before a last "or", read whole, or the last test's limit for each sex; None for any other join."""
    joined = _OR_BEFORE.search(masked, 0, last.start)
    if joined is None or _SEX_SPECIFIC.search(masked, 0, joined.start()):
        return None
    head = _read_all(ctx, text[: joined.start()], masked[: joined.start()])
    by_sex = _sex_limits(last.tests[0], masked[last.end :], scope, max_age_days)
    return None if head is None or by_sex is None else AnyOf(rules=(head, by_sex))


def _lab_parts(rule: Rule) -> list[LabThresholdRule] | None:
    """The limits of a rule that is one lab limit or all of several (None for anything else)."""
    if isinstance(rule, LabThresholdRule):
        return [rule]
    if isinstance(rule, AllOf) and all(isinstance(part, LabThresholdRule) for part in rule.rules):
        return [part for part in rule.rules if isinstance(part, LabThresholdRule)]
    return None


def _laxer(alternative: LabThresholdRule, limit: LabThresholdRule) -> bool:
    """Whether every result within `limit` is within `alternative` too (same test, same side)."""
    if alternative.test != limit.test or alternative.max_age_days != limit.max_age_days:
        return False
    below = {"<": True, "<=": True, ">": False, ">=": False}
    if below[alternative.comparator] != below[limit.comparator] or alternative.for_age != limit.for_age:
        return False
    if alternative.uln_multiple is not None and limit.uln_multiple is not None:
        first, second = alternative.uln_multiple, limit.uln_multiple
    elif alternative.value is not None and limit.value is not None and alternative.unit == limit.unit:
        first, second = alternative.value, limit.value
    else:
        return False
    return first >= second if below[limit.comparator] else first <= second


def _with_exception(ctx: CriterionContext, rule: Rule, exception: str) -> Rule | None:
    """ "Bilirubin ≤ 1.5 × ULN (unless Gilbert's syndrome, for whom ≤ 3 × ULN)": in an inclusion, the
    limit, or the exception's condition with its own limit (with none, the condition lifts the limit).
    Read only where the condition is known vocabulary and its limit is a laxer one of the same tests:
    then "the limit, or the condition and its limit" is exactly what the trial says (issue #12)."""
    labs = _lab_parts(rule)
    exception = exception.strip(" ,;()")
    match = _EXCEPTION_LIMIT_FIRST.match(exception) or _EXCEPTION_READING.match(exception)
    if labs is None or match is None:
        return None
    found = condition_rule(match["cond"])
    if found is None:
        return None
    condition = found[0]
    written = _EXCEPTION_PERMITTED.sub("", (match["limit"] or "").strip(" ."))
    if not written:
        return AnyOf(rules=(rule, condition)) if match.groupdict().get("exempt") else None
    if not _mentions(written):
        # "unless liver metastases, in which case ≤ 5 × ULN": the limit's tests are the rule's.
        names = [lab_spec(lab.test).synonyms[0] for lab in labs]
        written = f"{' and '.join(names)} {written}"
    read = extract_lab_thresholds(ctx.with_text(written))
    alternatives = _lab_parts(read) if read is not None else None
    if alternatives is None or len(alternatives) != len(labs) or len({lab.max_age_days for lab in labs}) != 1:
        return None
    # A recency stated for the criterion ("Within 2 weeks prior to registration: ...") is the exception's too.
    recency = labs[0].max_age_days
    if any(alternative.max_age_days not in (None, recency) for alternative in alternatives):
        return None
    alternatives = [alternative.model_copy(update={"max_age_days": recency}) for alternative in alternatives]
    if not all(any(_laxer(alternative, lab) for alternative in alternatives) for lab in labs):
        return None
    return AnyOf(rules=(rule, AllOf(rules=(condition, *alternatives))))


Sex = Literal["female", "male"]


def _sex(word: str) -> Sex:
    return "female" if word.lower().startswith(("wom", "fem", "girl")) else "male"


def _sex_limits(test: str, clause: str, scope: str | None, max_age_days: int | None) -> Rule | None:
    """ "≥ 13 g/dL for men, ≥ 12 for women", "≥1.5 and ≥1.4 mg/dL in males and females respectively": one
    limit for each sex, the whole rest of the criterion; read as "a boy within his limit or a girl within hers"."""
    limits: list[tuple[Sex | None, _Threshold]] = []
    position = 0
    while len(limits) < 2:
        rest = clause[position:]
        threshold = _threshold(test, rest)
        if threshold is None:
            return None
        position += threshold.end
        marker = None if _SEX_RESPECTIVELY.match(clause, position) else _SEX_MARKER.match(clause, position)
        limits.append((_sex(marker.group("sex")) if marker else None, threshold))
        position = marker.end() if marker else position
        position = _SEX_JOINER.match(clause, position).end()  # type: ignore[union-attr]  # matches the empty string
    if limits[0][0] is None and limits[1][0] is None:
        both = _SEX_RESPECTIVELY.match(clause, position)
        if both is None:
            return None
        limits = [(_sex(both.group("first")), limits[0][1]), (_sex(both.group("second")), limits[1][1])]
        position = both.end()
    sexes = {sex for sex, _ in limits}
    if None in sexes or len(sexes) != 2 or not _SEX_TAIL.match(clause, position):
        return None
    units = {threshold.unit for _, threshold in limits}
    if any(threshold.test for _, threshold in limits) or (None not in units and len(units) != 1):
        return None  # two different units or tests: not one limit by sex as read here
    # "≥ 13 g/dL for men, ≥ 12 for women": the unit written once is the other limit's too.
    written = not all(threshold.unit_assumed for _, threshold in limits)
    return AnyOf(
        rules=tuple(
            AllOf(
                rules=(
                    SexRule(sex=cast(Sex, sex)),
                    LabThresholdRule(
                        scope=scope,
                        test=test,
                        comparator=threshold.comparator,
                        value=threshold.value,
                        unit=threshold.unit,
                        unit_assumed=threshold.unit_assumed and not written,
                        uln_multiple=threshold.uln_multiple,
                        lln=True if threshold.lln else None,
                        for_age=threshold.for_age,
                        max_age_days=max_age_days,
                    ),
                )
            )
            for sex, threshold in limits
        )
    )


def _read_groups(
    ctx: CriterionContext,
    text: str,
    masked: str,
    groups: list[_Group],
    general: str,
    scope: str | None,
    max_age_days: int | None,
    rows: Sequence[AgeSexLimit],
) -> Rule | None:
    """The groups of tests with their thresholds, joined by AND / OR as written."""
    alternatives: list[list[Rule]] = [[]]
    clauses: list[Rule] = []
    previous_end = len(general)  # where the previous group's threshold ended
    listed = False  # a limit of this clause joined to the one before by a comma alone
    any_of_tests = ctx.section == "exclusion"  # "AST/ALT > 5 x ULN" excludes when either is high
    for index, group in enumerate(groups):
        next_start = groups[index + 1].start if index + 1 < len(groups) else len(text)
        clause = masked[group.end : next_start]
        gap = text[previous_end : group.start]
        boundaries = list(_BOUNDARY.finditer(gap))
        if index > 0 and boundaries:
            # "INR > 1.7 or PT > 15 s; platelets < 100,000": a clause break ends the alternatives.
            clauses.append(_combine([_combine(_dedupe_rules(run), any_of=False) for run in alternatives if run], True))
            alternatives = [[]]
            listed = False
        joiner = gap[boundaries[-1].end() :] if boundaries else gap
        if index > 0 and ctx.section == "inclusion":
            if _LIST_OR.search(joiner) and listed:
                return None  # "A1c ≥ 5.7%, glucose > 140, or FBG > 100": the comma may be an "or" too
            if "," in joiner and not _OR.search(joiner) and not _AND.search(joiner):
                # "ANC ≥ 1,500/µL, creatinine ≤ ULN or GFR ≥ 70": items of a list all hold, each with its
                # own alternatives; a comma binds less than "or".
                listed = True
                if any(alternatives):
                    clauses.append(
                        _combine([_combine(_dedupe_rules(run), any_of=False) for run in alternatives if run], True)
                    )
                    alternatives = [[]]
        if index > 0 and (_OR.search(joiner) or (ctx.section == "exclusion" and not _AND.search(joiner))):
            # In an exclusion, limits listed without "and" are each a reason to exclude.
            alternatives.append([])
        lead = gap[boundaries[-1].end() :] if boundaries else gap
        parts: list[LabThresholdRule] = []
        for test in group.tests:
            named = masked[max(0, group.start - 10) : group.end]
            bare_gfr = bool(_GFR_NAMED.search(named)) and not _CLEARANCE_NAMED.search(named)
            threshold = _threshold(test, clause, bool(_PER_BSA.search(named)), bare_gfr)
            if threshold is None:
                return None
            rest = clause[threshold.end :]
            other = _other_side(test, clause, threshold) if len(group.tests) == 1 else None
            if other is not None:
                # "blood glucose <50 or > 400 mg/dL": outside a range, either limit (NCT03925298).
                threshold, second = other
                rest = clause[second.end :]
            if other is None and (same := _same_limit(test, clause, threshold)) is not None:
                # "Hemoglobin ≥9.0 g/dL or ≥5.6 mmol/L": one limit written in two units (templates).
                threshold = same
                rest = clause[threshold.end :]
            if _LEFTOVER_LIMIT.search(rest) or _SEX_SPECIFIC.search(clause):
                return None
            stop = _BOUNDARY.search(text, group.end + threshold.end)
            clause_end = min(stop.start() if stop else len(text), next_start)
            own = lead + text[group.start : clause_end]
            threshold_end = group.end + threshold.end
            transfusion, window = _transfusion(test, own, general)
            parts.append(
                LabThresholdRule(
                    scope=scope,
                    test=threshold.test or test,
                    comparator=threshold.comparator,
                    value=threshold.value,
                    unit=threshold.unit,
                    unit_assumed=threshold.unit_assumed,
                    uln_multiple=threshold.uln_multiple,
                    lln=True if threshold.lln else None,
                    for_age=threshold.for_age,
                    transfusion=transfusion,
                    transfusion_window_days=window,
                    max_age_days=max_age_days,
                    condition=_condition(own),
                )
            )
            previous_end = threshold_end
            if other is not None:
                beyond = parts[-1].model_copy(
                    update={
                        "comparator": second.comparator,
                        "value": second.value,
                        "unit": second.unit,
                        "unit_assumed": second.unit_assumed,
                    }
                )
                previous_end = group.end + second.end
                alternatives[-1].append(AnyOf(rules=(parts[-1], LabThresholdRule.model_validate(beyond.model_dump()))))
                parts = []
        if not parts:
            continue
        group_rules: list[Rule] = [_for_age_table(rule, rows) for rule in _dedupe(parts)]
        alternatives[-1].append(_combine(group_rules, any_of_tests))
    joined = _dedupe_rules([_combine(_dedupe_rules(run), any_of=False) for run in alternatives if run])
    if joined:
        clauses.append(_combine(joined, any_of=True))
    # An exclusion's clauses are each a reason to exclude; an inclusion's all hold.
    return _combine(_dedupe_rules(clauses), any_of=ctx.section == "exclusion") if clauses else None


_OTHER_SIDE = re.compile(r"\s*,?\s*or\s+", re.I)


# "≥9.0 g/dL or ≥5.6 mmol/L", "≥ 9 g/dL (5.6 mmol/L)": the same limit again in another unit.
_SAME_LIMIT = re.compile(r"\s*(?:,?\s*or\b|/|\(|\[)\s*", re.I)
# How far the second unit's value may stand from the first's conversion: the rounding of a printed limit.
_SAME_LIMIT_TOLERANCE = 0.02


def _same_limit(test: str, clause: str, first: _Threshold) -> _Threshold | None:
    """The threshold `first` extended over the same limit restated in another unit ("≥9.0 g/dL or
    ≥5.6 mmol/L"), when both units are written, the comparator is the same (or left out in a bracket)
    and the two values agree by conversion; None otherwise (then "or" is a real alternative)."""
    if first.value is None or first.unit is None or first.unit_assumed or first.test is not None:
        return None
    joined = _SAME_LIMIT.match(clause, first.end)
    if joined is None:
        return None
    bracket = joined.group(0).strip() in ("(", "[")
    after = _COMPARATOR.match(clause, joined.end())
    if after is not None:
        index = int(next(name for name, value in after.groupdict().items() if value is not None)[1:])
        comparator, position = _COMPARATORS[index][1], after.end()
        if comparator != first.comparator:
            return None
    elif bracket:
        comparator, position = first.comparator, joined.end()
    else:
        return None
    second = _threshold_at(test, clause, comparator, position)
    if second is None or second.value is None or second.unit_assumed or second.test is not None:
        return None
    if second.unit == first.unit:
        return None
    one = _in_display_unit(test, first.value, first.unit)
    two = _in_display_unit(test, second.value, second.unit or "")
    if one is None or two is None or one <= 0 or abs(one - two) > _SAME_LIMIT_TOLERANCE * one:
        return None
    end = second.end
    if bracket:
        close = re.match(r"\s*[)\]]", clause[end:])
        if close is None:
            return None
        end += close.end()
    return _Threshold(first.comparator, end, value=first.value, unit=first.unit, for_age=first.for_age)


def _other_side(test: str, clause: str, first: _Threshold) -> tuple[_Threshold, _Threshold] | None:
    """ "<50 or > 400 mg/dL": a low and a high absolute limit of one test joined by "or", in one unit
    (the unit written once serves both), as (first, second); None when the text is not that."""
    joined = _OTHER_SIDE.match(clause, first.end)
    if joined is None or first.value is None or first.test is not None:
        return None
    read = _threshold(test, clause[joined.end() :])
    if read is None or read.value is None or read.test is not None:
        return None
    second = _Threshold(read.comparator, joined.end() + read.end, value=read.value, unit=read.unit)
    low, high = sorted((first, second), key=lambda limit: limit.comparator in (">", ">="))
    if low.comparator not in ("<", "<=") or high.comparator not in (">", ">="):
        return None
    if first.unit != second.unit:
        if not first.unit_assumed or read.unit_assumed:
            return None
        canonical = _in_display_unit(test, first.value, second.unit or "")
        if canonical is None or not plausible(test, canonical):
            return None
        first = _Threshold(first.comparator, first.end, value=first.value, unit=second.unit)
    elif not (first.unit_assumed and read.unit_assumed):
        first = _Threshold(first.comparator, first.end, value=first.value, unit=first.unit)
    second = _Threshold(
        read.comparator,
        second.end,
        value=read.value,
        unit=second.unit,
        unit_assumed=read.unit_assumed and first.unit_assumed,
    )
    return first, second


def _lead_says_more(lead: str) -> bool:
    """Whether the words before the first lab say more than a lead-in ("Adequate renal function:")."""
    other = re.findall(r"[a-z][\w'-]+", _LEAD_WORDS.sub(" ", lead.lower()))  # list letters ("A.") aside
    named = other or _LEAD_CONDITION.search(lead)
    if named and lead.rstrip().endswith((",", ";")):
        return True  # an item of its own before the labs ("Hypokalemia, Hemoglobin < 8.0 g/dL, ...")
    return len(other) > _LEAD_OTHER_WORDS_MAX


def _dedupe_rules(rules: list[Rule]) -> list[Rule]:
    labs = [rule for rule in rules if isinstance(rule, LabThresholdRule)]
    if len(labs) != len(rules):
        return rules
    return list(_dedupe(labs))


def _for_age_table(rule: LabThresholdRule, rows: Sequence[AgeSexLimit]) -> Rule:
    """The age/sex table in place of "Age-adjusted serum creatinine =< 1.5 x normal for age"."""
    if rule.test != "creatinine" or not rows or rule.uln_multiple is None or not rule.for_age:
        return rule
    comparator = "<" if rule.comparator == "<" else "<="
    return CreatinineForAgeRule(
        scope=rule.scope, comparator=comparator, rows=tuple(rows), stated_multiple=rule.uln_multiple
    )


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


def _against_normal_limit(
    result: LabResult, label: str, needs: str, name: str, limit: float | None, comparator: Comparator, multiple: float
) -> tuple[bool | None, str]:
    """A limit set by the lab's own normal range ("≥ LLN", "≤ 2.5 × ULN"): the result's recorded limit of normal
    times the multiple; unknown when the result has no limit of normal recorded."""
    if limit is None:
        lower_or_upper = "lower" if name == "LLN" else "upper"
        return None, (
            f"{label} {format_number(result.value)} {_when(result)} has no {lower_or_upper} limit of normal "
            f"recorded; {needs}."
        )
    unit = _unit_text(result.unit) if result.unit else ""
    holds = satisfies(result.value, comparator, multiple * limit)
    ratio = "" if name == "LLN" else f", so {format_number(result.value / limit)} × ULN"
    return holds, (
        f"{label} {format_number(result.value)}{unit} {_when(result)} ({name} {format_number(limit)}{unit}{ratio}); "
        f"{needs}."
    )


def _compare(rule: LabThresholdRule, result: LabResult, label: str) -> tuple[bool | None, str]:
    """(condition holds?, evidence) for the threshold alone; None when it cannot be decided."""
    needs = f"the trial needs {rule.threshold_text()}"
    if rule.lln:
        return _against_normal_limit(result, label, needs, "LLN", result.lower_limit_normal, rule.comparator, 1.0)
    if rule.uln_multiple is not None:
        return _against_normal_limit(
            result, label, needs, "ULN", result.upper_limit_normal, rule.comparator, rule.uln_multiple
        )
    if result.unit is None:
        return None, f"{label} {format_number(result.value)} {_when(result)} has no unit recorded; {needs}."
    trial_unit = rule.unit or ""
    # Compared in canonical units, both converted once: the result when the profile was loaded, the
    # threshold when the rule was made. The evidence shows the result in the trial's unit too.
    value = value_in(result, rule._per_canonical)
    written = _shown(result.value, result.unit_shown)
    converted = _shown(value, trial_unit)
    shown = written if written == converted else f"{written} = {converted}"
    assumed = f" (the trial gives no unit; {trial_unit} assumed)" if rule.unit_assumed else ""
    canonical_unit = lab_spec(rule.test).display
    if trial_unit != canonical_unit and rule.value is not None:
        needs += f" (= {_shown(rule.canonical_threshold, canonical_unit)})"
    holds = satisfies(result.canonical_value, rule.comparator, rule.canonical_threshold)
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
        canonical = result.canonical_value if result.unit else None  # converted when the profile was loaded
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


def _trigger() -> Trigger | None:
    """A lab threshold needs a lab's name, matched case-sensitively where the vocabulary says so."""
    words: list[str] = []
    synonyms = [synonym for spec in vocabulary().tests.values() for synonym in spec.synonyms]
    synonyms += [synonym for group in vocabulary().groups.values() for synonym in group.synonyms]
    for synonym in synonyms:
        word = phrase_words([synonym], case_sensitive=synonym != synonym.lower())
        if word is None:
            return None
        words.extend(word)
    return Trigger(tuple(dict.fromkeys(words)))


KIND = RuleKind(
    LabThresholdRule,
    lab_wording,
    ("threshold", "uln", "transfusion_independent", "transfusion_allowed"),
    evaluate_lab_threshold,
    (Step(extract_lab_thresholds, _trigger()),),
)

__all__ = [
    "KIND",
    "LabCondition",
    "LabThresholdRule",
    "evaluate_lab_threshold",
    "extract_lab_thresholds",
]
