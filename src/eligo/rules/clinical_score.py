"""The clinical-score rule kind ("MMSE ≥ 24", "NYHA class III or IV", "EDSS between 2.0 and 6.5",
"Glasgow Coma Scale < 12"): model, question, extractor, evaluator and record (issue #12).

The scales, their names, ranges, classes and which end is worse are data (`criteria/vocab/scores.yaml`).
One rule is one bound on one scale, or a range with `upper` its top ("NYHA class II-III": one
question, "between II and III"; review of round 3, issue #12).
The extractor reads a criterion only when the whole text is the scale and its threshold (with a
lead-in such as "Patients with", a time such as "at screening", or the condition the scale grades,
"heart failure" for NYHA); anything more leaves it to other kinds or free text.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.patients.profile import ClinicalScore, PatientProfile
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome
from eligo.terms import Comparator
from eligo.yamlfile import load_yaml

if TYPE_CHECKING:
    from eligo.rules.registry import Rule


class Scale(BaseModel):
    """One scale of scores.yaml (see its header)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display: str
    names: tuple[str, ...] = Field(min_length=1)
    range: tuple[float, float]
    step: float | None = Field(default=None, gt=0)
    levels: tuple[str, ...] = ()
    worse: Literal["higher", "lower", "none"]
    context: tuple[str, ...] = ()
    alone_with_context: bool = False
    unit: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        low, high = self.range
        if low >= high:
            raise ValueError(f"range {self.range} is empty")
        if self.levels and (self.step != 1 or len(self.levels) != high - low + 1):
            raise ValueError("levels are whole steps, one per value of the range")
        if self.alone_with_context and not self.context:
            raise ValueError("alone_with_context needs context words")
        if self.unit is not None:
            re.compile(self.unit)
        return self

    def label(self, value: float) -> str:
        """A value as trials write it: the class ("III", "B") or the number ("24", "6.5")."""
        if self.levels:
            return self.levels[round(value - self.range[0])]
        return f"{value:g}"


class DefinedBy(BaseModel):
    """A condition a score defines (scores.yaml `defined_by`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    words: str
    scales: tuple[str, ...] = Field(min_length=1)


class ScoresVocab(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scales: dict[str, Scale]
    defined_by: tuple[DefinedBy, ...] = ()
    comparators: tuple[tuple[str, Literal["≥", "≤", ">", "<"]], ...]
    postfix: dict[Literal["higher", "lower", "worse", "better"], str]
    common_words: tuple[str, ...] = ()
    questions: dict[str, str]

    @model_validator(mode="after")
    def _known_scales(self) -> ScoresVocab:
        for row in self.defined_by:
            re.compile(row.words)
            unknown = set(row.scales) - set(self.scales)
            if unknown:
                raise ValueError(f"defined_by names unknown scales {sorted(unknown)}")
        return self


@cache
def scores_vocab() -> ScoresVocab:
    text = resources.files("eligo.criteria").joinpath("vocab/scores.yaml").read_text(encoding="utf-8")
    return ScoresVocab.model_validate(load_yaml(text))


def scores_wording() -> Mapping[str, str]:
    return scores_vocab().questions


_WORDS: dict[str, str] = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}
_LEVEL_WORDS: dict[str, str] = {">=": "{} or higher", ">": "higher than {}", "<=": "{} or lower", "<": "lower than {}"}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_FROM_SYMBOL: dict[str, Comparator] = {"≥": ">=", ">": ">", "≤": "<=", "<": "<"}


class ClinicalScoreRule(RuleBase):
    """The most recent result on one scale compared with a threshold (a class as its position: NYHA III = 3)."""

    kind: Literal["clinical_score"] = "clinical_score"
    scale: str
    comparator: Comparator
    value: float
    # A range's top: the score must also be at most `upper` (below it with `upper_strict`); then
    # `comparator` is the bottom's, ">=" or ">".
    upper: float | None = None
    upper_strict: Literal[True] | None = None

    @model_validator(mode="after")
    def _known(self) -> ClinicalScoreRule:
        found = scores_vocab().scales.get(self.scale)
        if found is None:
            raise ValueError(f"unknown scale {self.scale!r}")
        if not found.range[0] <= self.value <= found.range[1]:
            raise ValueError(f"{self.value:g} is outside the {self.scale} range {found.range}")
        if self.upper is not None:
            if self.comparator not in (">=", ">") or not self.value < self.upper <= found.range[1]:
                raise ValueError("a range goes from a lower bound (>= or >) up to a higher `upper`")
        elif self.upper_strict:
            raise ValueError("upper_strict is for a range's top")
        return self

    def holds(self, score: float) -> bool:
        """Whether `score` meets the bound (both ends of a range)."""
        if not _COMPARE[self.comparator](score, self.value):
            return False
        return self.upper is None or (score < self.upper if self.upper_strict else score <= self.upper)

    @property
    def levelled(self) -> bool:
        """Whether the scale is written as classes or stages (NYHA I-IV), `value` their position."""
        return bool(scores_vocab().scales[self.scale].levels)

    def bound_text(self) -> str:
        scale = scores_vocab().scales[self.scale]
        if self.upper is not None:
            return self._range_text(scale)
        if scale.levels and scale.levels[0] == "A":
            # Letters have no "higher" a parent could read ("C or lower" of A to E): the grades themselves.
            return _listed_levels(scale, self.comparator, self.value)
        if scale.levels:
            return _LEVEL_WORDS[self.comparator].format(scale.label(self.value))
        return f"{_WORDS[self.comparator]} {self.value:g}"

    def _range_text(self, scale: Scale) -> str:
        upper = self.upper if self.upper is not None else scale.range[1]
        if scale.levels:
            low = scale.range[0]
            included = [label for position, label in enumerate(scale.levels) if self.holds(low + position)]
            if len(included) == 1:
                return included[0]
            if len(included) == 2 or scale.levels[0] == "A":
                return f"{', '.join(included[:-1])} or {included[-1]}"
            return f"between {included[0]} and {included[-1]}"
        if self.comparator == ">=" and not self.upper_strict:
            if scale.step is not None and round((upper - self.value) / scale.step) == 1:
                return f"{self.value:g} or {upper:g}"  # "CDR global score of 0.5 or 1": the two values
            return f"between {self.value:g} and {upper:g}"
        top = "less than" if self.upper_strict else "at most"
        return f"{_WORDS[self.comparator]} {self.value:g} and {top} {upper:g}"

    def question(self, section: Section) -> str:
        scale = scores_vocab().scales[self.scale]
        return scores_wording()["clinical_score"].format(scale=scale.display, comparison=self.bound_text())


def _listed_levels(scale: Scale, comparator: Comparator, value: float) -> str:
    low = scale.range[0]
    included = [label for position, label in enumerate(scale.levels) if _COMPARE[comparator](low + position, value)]
    if len(included) == 1:
        return included[0]
    return f"{', '.join(included[:-1])} or {included[-1]}"


# --- reading --------------------------------------------------------------------------------------

_ROMAN = {
    "﴾": "(",
    "﴿": ")",
    "Ⅰ": "I",
    "Ⅱ": "II",
    "Ⅲ": "III",
    "Ⅳ": "IV",
    "Ⅴ": "V",
    "Ⅵ": "VI",
    "－": "-",
    "–": "-",
    "～": "~",
}
_LEAD = re.compile(
    r"^(?:(?:the\s+)?(?:patients?|subjects?|participants?|individuals?|those|people|persons?)\s+"
    r"(?:with|having|who have|whose|has|have|had|must have|is|are|in|"
    r"who\s+(?:(?:are|were|is|was|have\s+been|has\s+been)\s+)?diagnosed(?:\s+with)?)\s+"
    r"|(?:must\s+)?(?:to\s+)?have\s+|has\s+|with\s+|being\s+classified\s+(?:at|as|in)\s+)?"
    r"(?:an?\s+|the\s+)?(?:(?:baseline|screening|current|total|preoperative|pre-operative|estimated)\s+)?",
    re.I,
)
_NOUN = re.compile(
    r"(?:\s*for\s+(?:depression|anxiety))?"  # "Patient Health Questionnaire (PHQ9) for depression score ≥15"
    r"(?:\s*,?\s*(?:total\s+|global\s+|functional\s+|cardiac\s+function\s+|clinical\s+)?"
    r"(?:scale\s+score|score|scale|rating|index|classification|classes|class|stages?|grade|levels?|sum))*"
    r"(?:\s*(?:of|is|=|:|was|was\s+a))?\s*",
    re.I,
)
_TAIL = re.compile(
    r"(?:\s*,?\s*\(?(?:inclusive|both inclusive)\)?)?"
    r"(?:\s*(?:at|during|on|prior(?:\s+to)?|before)(?:\s+the)?\s+(?:time\s+of\s+)?(?:screening|baseline|enrol?lment|"
    r"randomi[sz]ation|study\s+entry|admission|inclusion)(?:\s+(?:period|visits?))?"
    r"(?:\s+(?:and|or)\s+(?:at\s+)?(?:the\s+)?(?:screening|baseline|randomi[sz]ation)(?:\s+(?:period|visits?))?)?)?"
    # A severity the threshold stands for, in brackets: "modified Rankin scale > 4 at the time of enrollment
    # (severe disability)" (NCT03923790).
    r"(?:\s*\(\s*(?:mild|moderate|moderately\s+severe|severe|very\s+severe)(?:\s*(?:to|-)\s*(?:moderate|severe))?"
    r"(?:\s+(?:disability|impairment|disease|depression|anxiety|symptoms))?\s*\))?\s*$",
    re.I,
)
_POINTS = r"(?:\s*points?)?"
_NUMBER = r"\d+(?:[.,]\d+)?"
_PARENTHESIS = re.compile(r"^\s*[\(\[]\s*([A-Za-z][\w&'’ -]{0,60}?)\s*[\)\]]")


def _initials(written: str) -> str:
    """ "Investigator's Global Assessment" -> "IGA": the abbreviation a bracket after a long name may give."""
    words = [word for word in re.findall(r"[A-Za-z]+", written) if word.lower() not in _NOT_INITIALS]
    return "".join(word[0] for word in words).upper() if len(words) > 1 else ""


_NOT_INITIALS = frozenset({"of", "and", "the", "for", "s", "in"})


def _names_scale(key: str, written: str) -> bool:
    """Whether `written` (a bracket's content) is one of the scale's own names."""
    return any(k == key and pattern.fullmatch(written.strip()) for pattern, k in _names())


def _name_pattern(name: str) -> str:
    body = re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*")
    return body if name != name.lower() else f"(?i:{body})"


@cache
def _names() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern matching a name at the start of a text, scale), longest names first."""
    found: list[tuple[int, re.Pattern[str], str]] = []
    for key, scale in scores_vocab().scales.items():
        for name in scale.names:
            found.append((len(name), re.compile(rf"{_name_pattern(name)}(?![\w-])"), key))
    found.sort(key=lambda item: -item[0])
    return tuple((pattern, key) for _, pattern, key in found)


@cache
def _any_name_or_context() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One pattern for every name at the start of a text and one for every context word anywhere: a
    criterion that has neither is settled with two regex calls instead of one per name (parsing speed)."""
    scales = scores_vocab().scales.values()
    names = sorted((name for scale in scales for name in scale.names), key=len, reverse=True)
    words = sorted((word for scale in scales for word in scale.context), key=len, reverse=True)
    return (
        re.compile("|".join(_name_pattern(name) for name in names)),
        re.compile("|".join(_name_pattern(word) for word in words)),
    )


@cache
def _context(key: str) -> re.Pattern[str] | None:
    words = scores_vocab().scales[key].context
    if not words:
        return None
    alternation = "|".join(_name_pattern(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:{alternation})(?![\w-])")


@cache
def _comparator_words() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Whole words only: "over" is no comparator inside "overall", nor "under" inside "understand".
    return tuple(
        (re.compile(rf"(?<![A-Za-z])(?:{alternation})(?![A-Za-z])", re.I), symbol)
        for alternation, symbol in scores_vocab().comparators
    )


def _symbols(text: str) -> str:
    for pattern, symbol in _comparator_words():
        text = pattern.sub(f" {symbol} ", text)
    return " ".join(text.split())


@cache
def _postfix(direction: str) -> re.Pattern[str]:
    return re.compile(scores_vocab().postfix[direction], re.I)  # type: ignore[index]


def _value(scale: Scale, written: str) -> float | None:
    """A written value on `scale` ("III", "B", "24", "6,5"), or None when it is none of its values."""
    written = written.strip()
    if scale.levels:
        for position, label in enumerate(scale.levels):
            if written.upper() == label.upper():
                return scale.range[0] + position
        if not written.isdigit() or scale.levels[0] == "A":
            return None
    try:
        number = float(written.replace(",", "."))
    except ValueError:
        return None
    low, high = scale.range
    if not low <= number <= high:
        return None
    if scale.step is not None and abs(number / scale.step - round(number / scale.step)) > 1e-6:
        return None
    return number


def _bound(key: str, symbol: str, value: float) -> ClinicalScoreRule:
    return ClinicalScoreRule(scale=key, comparator=_FROM_SYMBOL[symbol], value=value)


def _span(key: str, low: float, high: float) -> Rule | None:
    """All values from `low` to `high`: one bound where the other is the end of the scale, none when both are."""
    scale = scores_vocab().scales[key]
    if low > high:
        return None
    bottom, top = scale.range
    if low <= bottom and high >= top:
        return None  # every value: no requirement to read
    if high >= top:
        return _bound(key, "≥", low)
    if low <= bottom:
        return _bound(key, "≤", high)
    return AllOf(rules=(_bound(key, "≥", low), _bound(key, "≤", high)))


def _value_token(scale: Scale) -> str:
    if scale.levels:
        labels = "|".join(sorted((re.escape(label) for label in scale.levels), key=len, reverse=True))
        digits = "" if scale.levels[0] == "A" else r"|\d"
        return rf"(?:{labels}{digits})(?![\w])"
    return rf"-?{_NUMBER}"


def _unit(scale: Scale) -> str:
    return rf"(?:\s*(?:{scale.unit}))?" if scale.unit else ""


def _read_body(key: str, body: str) -> Rule | None:
    """The threshold(s) written after the scale's name, the whole of `body` (tail already removed)."""
    scale = scores_vocab().scales[key]
    token = _value_token(scale)
    unit = _unit(scale)
    out_of = rf"(?:\s*/\s*(?P<outof>\d+))?{_POINTS}{unit}"
    single = re.fullmatch(
        rf"(?P<c1>[≥>≤<])\s*(?P<v1>{token}){out_of}"
        rf"(?:\s*(?P<join>and|,|or|and/or)\s*(?P<c2>[≥>≤<])\s*(?P<v2>{token})(?:\s*/\s*\d+)?{_POINTS}{unit})?",
        body,
        re.I,
    )
    if single is not None:
        if single["outof"] and float(single["outof"]) != scale.range[1]:
            return None  # "MoCA > 26/30" is out of the scale's top; another top is another instrument
        first_value = _value(scale, single["v1"])
        if first_value is None:
            return None
        first = _bound(key, single["c1"], first_value)
        if single["c2"] is None:
            return first
        second_value = _value(scale, single["v2"])
        if second_value is None:
            return None
        second = _bound(key, single["c2"], second_value)
        low, high = (first, second) if first.comparator in (">=", ">") else (second, first)
        lower_first = first.comparator in (">=", ">")
        if (second.comparator in (">=", ">")) == lower_first:
            return None  # two lower bounds: not one range
        join = single["join"].lower()
        if low.value >= high.value:
            # "> 1 or < -1", "< 2 or > 5": outside a range, either side.
            return AnyOf(rules=(first, second)) if join == "or" else None
        if join not in ("and", ","):
            return None
        return AllOf(rules=(first, second))
    ranged = re.fullmatch(
        rf"(?:between\s+|from\s+|range\s+(?:of\s+)?|in\s+the\s+range\s+(?:of\s+)?)?(?P<lo>{token}){_POINTS}{unit}"
        rf"\s*(?:-|~|to|and|through)\s*(?P<hi>{token}){out_of}(?:\s*\(?(?:inclusive|both inclusive)\)?)?",
        body,
        re.I,
    )
    if ranged is not None:
        if ranged["outof"] and float(ranged["outof"]) != scale.range[1]:
            return None
        lowest, highest = _value(scale, ranged["lo"]), _value(scale, ranged["hi"])
        if lowest is None or highest is None or lowest >= highest:
            return None
        return _span(key, lowest, highest)
    postfix = re.fullmatch(rf"(?P<v>{token}){out_of}\s*(?P<way>(?:or|and)\s+(?:\w+|[≥>≤<]))", body, re.I)
    if postfix is not None:
        if postfix["outof"] and float(postfix["outof"]) != scale.range[1]:
            return None
        value = _value(scale, postfix["v"])
        if value is None:
            return None
        way = postfix["way"]
        if _postfix("worse").fullmatch(way) or _postfix("better").fullmatch(way):
            if scale.worse == "none":
                return None
            higher = (scale.worse == "higher") == bool(_postfix("worse").fullmatch(way))
        elif _postfix("higher").fullmatch(way):
            higher = True
        elif _postfix("lower").fullmatch(way):
            higher = False
        else:
            return _listed(key, body)
        return _bound(key, "≥" if higher else "≤", value)
    return _listed(key, body)


def _listed(key: str, body: str) -> Rule | None:
    """One value or a list of them ("III or IV", "III/IV", "0.5 or 1", "15"): one unbroken run of the scale's steps."""
    scale = scores_vocab().scales[key]
    if scale.step is None:
        return None
    token = _value_token(scale)
    joins = r",\s*or|,\s*and|,|/|or|and|and/or|&"  # "A, B, or C"
    if not re.fullmatch(rf"(?:{token})(?:\s*(?:{joins})\s*(?:{token}))*{_POINTS}", body, re.I):
        return None
    values = [_value(scale, found) for found in re.findall(token, body, re.I)]
    if not values or any(value is None for value in values):
        return None
    ordered = sorted(value for value in values if value is not None)
    if any(abs((b - a) - scale.step) > 1e-6 for a, b in pairwise(ordered)):
        return None  # "class I or III": not one run
    return _span(key, ordered[0], ordered[-1])


def _strip_context(key: str, text: str) -> str | None:
    """`text` without the condition the scale grades, before or after it; None when it is in the
    wrong shape ("Heart failure (NYHA III-IV)" is fine, "Heart failure, stroke, NYHA ..." is not)."""
    pattern = _context(key)
    if pattern is None:
        return text
    lead = re.match(rf"^(?:{pattern.pattern})\s*(?::|,|-|\(|\[|with|defined as|due to)?\s*", text)
    if lead is not None and lead.end() > 0:
        rest = text[lead.end() :]
        opened = lead.group().rstrip()[-1:] in "(["
        if opened:
            if not rest.endswith((")", "]")):
                return None
            rest = rest[:-1]
        return rest.strip()
    trail = re.search(rf"\s+(?:{pattern.pattern})(?:\s+-\s+(?P<named>[^-]+))?$", text)
    if trail is not None:
        # "Class III or IV congestive heart failure - New York Heart Association (NYHA)": the scale named after.
        if trail["named"] is not None and not _is_name(key, trail["named"]):
            return None
        return text[: trail.start()].strip()
    return text


def _is_name(key: str, written: str) -> bool:
    """Whether `written` is the scale's name, maybe with its abbreviation in brackets, and nothing else."""
    for pattern, k in _names():
        found = pattern.match(written) if k == key else None
        if found is None:
            continue
        if not _after_name(key, written, found.end()).strip():
            return True
    return False


def _after_name(key: str, written: str, end: int) -> str:
    """What follows a scale's name at `end`, past its abbreviation in brackets ("(NRS)") if one follows."""
    rest = written[end:]
    bracket = _PARENTHESIS.match(rest)
    if bracket is not None and _names_scale(key, bracket.group(1)):
        rest = rest[bracket.end() :]
    return rest


def _read(text: str) -> Rule | None:
    text = text[_LEAD.match(text).end() :]  # type: ignore[union-attr]  # the lead-in is optional: always matches
    any_name, any_context = _any_name_or_context()
    if any_name.match(text) is None and any_context.search(text) is None:
        return _score_on(text)
    for pattern, key in _names():
        scale = scores_vocab().scales[key]
        stripped = _strip_context(key, text) if scale.context else text
        if stripped is None:
            continue
        name = pattern.match(stripped)
        if name is None:
            if scale.alone_with_context and stripped != text:
                # "Class III or IV congestive heart failure": the context names the scale.
                alone = re.match(r"(?i:class(?:es)?)\s+", stripped)
                if alone is not None:
                    return _read_after(key, stripped[alone.end() :])
            continue
        rest = stripped[name.end() :]
        again = next((p.match(rest.lstrip()) for p, k in _names() if k == key and p.match(rest.lstrip())), None)
        if again is not None:  # "Apnea-Hypopnea index AHI > 15": the name, then its abbreviation
            rest = rest.lstrip()[again.end() :]
        for _ in range(2):  # "(MMSE)", "[NYHA]", "(Dizziness Handicap Inventory)": the scale named again
            bracket = _PARENTHESIS.match(rest)
            if bracket is None or not (
                _names_scale(key, bracket.group(1)) or bracket.group(1).strip() == _initials(name.group())
            ):
                break
            rest = rest[bracket.end() :]
        if scale.context:
            # "New York Heart Association heart failure classification of > 2": the graded condition after the name.
            inner = re.match(rf"\s*(?:{_context(key).pattern})", rest)  # type: ignore[union-attr]
            if inner is not None:
                rest = rest[inner.end() :]
        return _read_after(key, rest)
    return _score_on(text)


def _read_after(key: str, rest: str) -> Rule | None:
    noun = _NOUN.match(rest)
    rest = rest[noun.end() :] if noun is not None else rest
    rest = _without_name_gloss(key, rest)
    tail = _TAIL.search(rest)
    body = rest[: tail.start()] if tail is not None else rest
    body = body.strip().strip(",;:").strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1].strip()
    body = _AFTER_VALUE.sub("", body)  # "Child-Pugh C score", "NYHA III class"
    gloss = _RANGE_GLOSS.search(body)
    if gloss is not None:
        # "≥3 (on the 0-4 IGA scale)": the scale's own range restated, nothing more.
        scale = scores_vocab().scales[key]
        if (float(gloss["low"]), float(gloss["high"])) != scale.range:
            return None
        body = body[: gloss.start()].strip()
    return _read_body(key, body) if body else None


# "GMFCS levels I-III (GMFCS = Gross Motor Function Classification Score, expressing the overall functional
# level of impairment)" (NCT03863197): the abbreviation spelt out, with at most what the scale describes.
_NAME_GLOSS = re.compile(
    r"\s*\(\s*(?P<short>[A-Za-z][\w-]*)\s*=\s*(?P<full>[^(),;]+?)"
    r"(?:\s*,\s*(?:expressing|describing|which\s+(?:describes|expresses))\s+[^(),;]+)?\s*\)$"
)


def _without_name_gloss(key: str, rest: str) -> str:
    """`rest` without a closing bracket that only spells out the scale's name (and says what it describes)."""
    gloss = _NAME_GLOSS.search(rest)
    if gloss is None or not _names_scale(key, gloss["short"]):
        return rest
    full = re.sub(r"\s+(?:score|scale|system)$", "", gloss["full"].strip(), flags=re.I)
    return rest[: gloss.start()] if _names_scale(key, full) else rest


_RANGE_GLOSS = re.compile(
    r"\s*\(\s*(?:on\s+)?(?:the|a)\s+(?P<low>\d+)\s*(?:-|to)\s*(?P<high>\d+)(?:[\s-]+point)?"
    r"\s+[\w' -]{0,30}?scale\s*\)$",
    re.I,
)
_AFTER_VALUE = re.compile(r"\s+(?:score|class|stage|grade|level)$", re.I)
_SCORE_ON = re.compile(
    # "defined by a minimum score of ≥ 22 on the Montgomery-Åsberg Depression Scale" (NCT03920475).
    r"^(?:an?\s+)?(?:(?:total|baseline|average|(?P<least>minimum))\s+)?(?P<pre>[≥>≤<]\s*)?(?:score|stage|level|class|grade)\s+(?:of\s+)?"
    r"(?P<body>.+?)\s+(?:on|in)\s+(?:the\s+)?(?P<name>.+)$",
    re.I,
)
# "a score on the comprehensive G8 assessment with cut-off ≤14 points" (NCT03927391).
_CUT_OFF = re.compile(
    r"^(?:an?\s+)?score\s+on\s+(?:the\s+)?(?:comprehensive\s+)?(?P<name>.+?)(?:\s+assessment)?\s+with\s+(?:an?\s+)?"
    r"cut-?\s*off\s+(?:of\s+)?(?P<body>[≥>≤<].+)$",
    re.I,
)
# Pain on a 0-10 numeric scale, pain itself the subject ("Baseline pain assessed at screening of ≥ 5 on the
# pain numeric rating score (NRS)" NCT03928015, "Pain > 4 on a visual numerical scale" NCT03927729); pain at
# a site ("Spinal pain", "leg pain"), an average or a diary stays free text.
_PAIN_ON = re.compile(
    r"^(?:(?:baseline|current)\s+)?(?:level\s+of\s+)?pain(?:\s+(?:assessed|measured)\s+at\s+(?:screening|baseline))?"
    r"\s+(?:score\s+)?(?:of\s+)?(?P<body>[≥>≤<]?\s*\d.*?)\s+on\s+(?:an?|the)\s+"
    r"(?:(?:0\s*-\s*10|0\s+to\s+10|11[\s-]point|10[\s-]point)\s+)?(?:pain\s+)?(?:intensity\s+)?"
    r"(?:(?:visual|verbal)\s+)?numeric(?:al)?\s+(?:pain\s+)?(?:rating\s+)?(?:scale|score)"
    r"(?:\s*\((?:NRS|NPRS|VNS|VNRS)\))?$",
    re.I,
)


def _score_on(text: str) -> Rule | None:
    """ "A score of 24 or above on the Folstein Mini-Mental State Exam": the threshold first."""
    pain = _PAIN_ON.match(text)
    if pain is not None:
        return _read_body("pain_nrs", pain["body"].strip())
    match = _SCORE_ON.match(text) or _CUT_OFF.match(text)
    if match is None:
        return None
    name = match["name"]
    pre = match.groupdict().get("pre") or ""
    if match.groupdict().get("least"):
        # "a minimum score of 22": at least 22, never exactly 22; "a minimum score of ≤ 22" says both ways.
        if pre or match["body"].lstrip().startswith(("≤", "<")):
            return None
        if re.fullmatch(_NUMBER, match["body"].strip()):
            pre = "≥"
    for pattern, key in _names():
        found = pattern.fullmatch(name) or pattern.match(name)
        if found is None:
            continue
        if _after_name(key, name, found.end()).strip(" .,;"):
            return None
        return _read_body(key, f"{pre.strip()} {match['body'].strip()}".strip())
    return None


@cache
def _defined_by() -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
    return tuple(
        (
            re.compile(
                rf"^(?:{row.words})\s*(?:\((?P<inner>[^()]+)\)"
                r"|,?\s*(?:i\.\s?e\.,?|defined as|defined by|with|and)\s+(?P<rest>.+))$",
                re.I,
            ),
            frozenset(row.scales),
        )
        for row in scores_vocab().defined_by
    )


def _points_worse(rule: Rule, scales: frozenset[str]) -> bool:
    """Whether every bound of `rule` is on one of `scales` and points to that scale's worse end."""
    parts = rule.rules if isinstance(rule, AllOf) else (rule,)
    for part in parts:
        if not isinstance(part, ClinicalScoreRule) or part.scale not in scales:
            return False
        worse = scores_vocab().scales[part.scale].worse
        if worse == "none" or (part.comparator in (">=", ">")) != (worse == "higher"):
            return False
    return True


def _defined_condition(text: str) -> Rule | None:
    """ "Presence of prenatal depression (EPDS score ≥10)": the condition read as the score that defines it."""
    text = text[_LEAD.match(text).end() :]  # type: ignore[union-attr]  # the lead-in is optional: always matches
    for pattern, scales in _defined_by():
        match = pattern.match(text)
        if match is None:
            continue
        inner = re.sub(r"^i\.\s?e\.,?\s*", "", (match["inner"] or match["rest"] or "").strip())
        rule = _read(inner) if inner else None
        return rule if rule is not None and not isinstance(rule, AllOf) and _points_worse(rule, scales) else None
    return None


def extract_clinical_score(context: CriterionContext) -> Rule | None:
    text = context.normalized
    for old, new in _ROMAN.items():
        text = text.replace(old, new)
    text = re.sub(r"^\d{1,2}[.)]\s+", "", text.strip())  # a list number kept in the text
    text = _symbols(text.strip().rstrip(".;,*").strip())
    if context.section == "inclusion":
        # "... with cut-off ≤14 points and": an inclusion's items all hold, the "and" adds nothing.
        text = re.sub(r"\s+and$", "", text)
    return _one_range(_read(text)) or _defined_condition(text)


def _one_range(rule: Rule | None) -> Rule | None:
    """Two bounds on one scale, a bottom and a top, as one range: asked as one question (issue #12)."""
    if not isinstance(rule, AllOf) or len(rule.rules) != 2:
        return rule
    first, second = rule.rules
    if not isinstance(first, ClinicalScoreRule) or not isinstance(second, ClinicalScoreRule):
        return rule
    if first.scale != second.scale or first.upper is not None or second.upper is not None:
        return rule
    low, high = (first, second) if first.comparator in (">=", ">") else (second, first)
    if low.comparator not in (">=", ">") or high.comparator not in ("<=", "<") or low.value >= high.value:
        return rule
    return ClinicalScoreRule(
        scale=low.scale,
        comparator=low.comparator,
        value=low.value,
        upper=high.value,
        upper_strict=True if high.comparator == "<" else None,
    )


@cache
def _trigger() -> Trigger:
    """One word of every name (and of the context words a scale may be named by), as `phrase_words`
    picks it; a name with letters outside ASCII gives its longest ASCII run ("åsberg" aside)."""
    phrases = [name for scale in scores_vocab().scales.values() for name in scale.names]
    # A scale named by its context alone is read only after "class" ("Class III or IV congestive heart failure").
    words: list[str] = ["class"] if any(scale.alone_with_context for scale in scores_vocab().scales.values()) else []
    common = frozenset(scores_vocab().common_words)
    for phrase in phrases:
        runs = _ASCII_RUN.findall(phrase)
        if not runs:
            raise ValueError(f"scores.yaml: the name {phrase!r} has no ASCII word to prefilter on")
        # The longest word that is not a common one ("clinical", "scale"), so few criteria pass.
        rare = [run for run in runs if run.lower() not in common]
        word = max([run for run in rare if len(run) >= 4] or rare or runs, key=len)
        words.append(word if phrase != phrase.lower() else word.lower())
    return Trigger(tuple(dict.fromkeys(words)))


_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")


# --- evaluating -----------------------------------------------------------------------------------


def latest_score(profile: PatientProfile, scale: str, on: date) -> ClinicalScore | None:
    """The most recent result on `scale` dated on or before `on`; an undated one only when no dated one is."""
    found = [score for score in profile.clinical_scores if score.scale == scale]
    dated = [score for score in found if score.date is not None and score.date <= on]
    if dated:
        return max(dated, key=lambda score: score.date or on)
    undated = [score for score in found if score.date is None]
    return undated[-1] if undated else None


def evaluate_clinical_score(rule: ClinicalScoreRule, profile: PatientProfile, on: date) -> Outcome:
    scale = scores_vocab().scales[rule.scale]
    needs = f"the trial needs a {scale.display} {rule.bound_text()}"
    result = latest_score(profile, rule.scale, on)
    if result is None:
        return Outcome.unknown(f"No {scale.display} in the profile; {needs}.", "clinical_scores")
    low, high = scale.range
    if not low <= result.score <= high:
        return Outcome.unknown(
            f"The recorded {scale.display} {result.score:g} is outside the scale ({low:g} to {high:g}); {needs}.",
            "clinical_scores",
        )
    when = f" on {result.date.isoformat()}" if result.date else " (undated)"
    shown = scale.label(result.score) if scale.levels and result.score.is_integer() else f"{result.score:g}"
    said = f"{scale.display[0].upper()}{scale.display[1:]} {shown}{when}"
    holds = rule.holds(result.score)
    return (Outcome.met if holds else Outcome.not_met)(f"{said}; {needs}.")


KIND = RuleKind(
    ClinicalScoreRule,
    scores_wording,
    ("clinical_score",),
    evaluate_clinical_score,
    (Step(extract_clinical_score, _trigger()),),
)

__all__ = [
    "KIND",
    "ClinicalScoreRule",
    "Scale",
    "evaluate_clinical_score",
    "extract_clinical_score",
    "latest_score",
    "scores_vocab",
]
