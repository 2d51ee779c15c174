"""The tumour-marker rule kind ("HER2-negative", "Known EGFR mutation or ALK rearrangement", "MSI-H"):
model, question, extractor, evaluator and record (issue #12), evaluated against the profile's
`tumour_markers`. The markers and what counts as each finding are data (criteria/vocab/markers.yaml).

Read only when the whole criterion is markers and findings: a qualifier the rule cannot carry ("EGFR
sensitising mutation", "KRAS G12C", "PD-L1 ≥ 50%"), a diagnosis ("HER2-positive breast cancer") or
any other word leaves it to free text. Several markers joined by "or" / "and" become `AnyOf` /
`AllOf`; "absence of" / "no" asks for the opposite of each finding (and turns "or" into "and").
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger, phrase_words
from eligo.rules.verdicts import Outcome
from eligo.yamlfile import load_yaml

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["tumour_marker"]
_LEAD = _PATTERNS.regex("lead")
_NEGATION = _PATTERNS.regex("negation")
_FINDING = _PATTERNS.regex("finding")
_JOIN = _PATTERNS.regex("join")
_TAIL = _PATTERNS.regex("tail")
_ABBREVIATION = _PATTERNS.regex("abbreviation")

# The finding words as a criterion writes them, by the finding they name before a marker's aliases.
_WORD_FINDING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), finding)
    for pattern, finding in (
        (r"positive|\+", "positive"),
        (r"negative|-|−", "negative"),
        (r"mutation[- ]positive|mutations?|mutated|mutant", "mutated"),
        (r"wild[- ]type", "wild_type"),
        (r"rearrangements?|rearranged|translocations?|fusions?|fusion[- ]positive", "rearranged"),
        (r"amplified|amplification|over-?expression|over-?expressing", "amplified"),
        (r"high|h", "high"),
        (r"deficient|deficiency", "deficient"),
        (r"proficient", "proficient"),
    )
)


class _Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    says: str
    opposite: str | None = None
    absent: bool = False  # the marker is not there or normal ("negative", "wild type")


class _Named(BaseModel):
    """What a criterion calls a marker or a group: words in any case, and words in exactly this case."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    synonyms: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()


class _Marker(_Named):
    display: str
    # finding -> the profile results that show it
    results: dict[str, tuple[str, ...]]
    aliases: dict[str, str] = {}


class _Combination(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    any_of: tuple[tuple[str, str], ...] = Field(default=(), alias="any")
    all_of: tuple[tuple[str, str], ...] = Field(default=(), alias="all")


class _Group(_Named):
    findings: dict[str, _Combination]


class _Written(BaseModel):
    """A marker and its finding in one word ("dMMR", "MSS")."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    marker: str
    finding: str
    cased: bool = False


class MarkerVocab(BaseModel):
    """vocab/markers.yaml: the markers, their findings and the groups that stand for several."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    findings: dict[str, _Finding]
    markers: dict[str, _Marker]
    groups: dict[str, _Group] = {}
    written: dict[str, _Written] = {}

    @model_validator(mode="after")
    def _cross_checked(self) -> MarkerVocab:
        for name, marker in self.markers.items():
            unknown = (set(marker.results) | set(marker.aliases.values())) - set(self.findings)
            if unknown:
                raise ValueError(f"marker {name!r} names unknown findings {sorted(unknown)}")
        for name, group in self.groups.items():
            for combination in group.findings.values():
                for part, wanted in (*combination.any_of, *combination.all_of):
                    if part not in self.markers or wanted not in self.markers[part].results:
                        raise ValueError(f"group {name!r}: no marker {part!r} with finding {wanted!r}")
        for name, fused in self.written.items():
            if fused.marker not in self.markers or fused.finding not in self.markers[fused.marker].results:
                raise ValueError(f"written {name!r}: no marker {fused.marker!r} with finding {fused.finding!r}")
        return self

    def canonical(self, name: str) -> str | None:
        """The marker a profile's name for it stands for ("HER2/neu" -> her2), or None."""
        written = " ".join(name.split())
        for key, marker in self.markers.items():
            if written.lower() in (s.lower() for s in marker.synonyms) or written in marker.cased:
                return key
        return None


@cache
def marker_vocab() -> MarkerVocab:
    text = resources.files("eligo.criteria").joinpath("vocab/markers.yaml").read_text(encoding="utf-8")
    return MarkerVocab.model_validate(load_yaml(text))


@cache
def _names() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every marker, group and written-with-its-finding name (longest first, whole
    words), and name -> key (a `written` name's key is the name itself, as written in the vocabulary)."""
    vocab = marker_vocab()
    keys: dict[str, str] = {}
    parts: list[tuple[int, str]] = []
    named: list[tuple[str, _Named]] = [*vocab.markers.items(), *vocab.groups.items()]
    for key, entry in named:
        for synonym in entry.synonyms:
            keys[synonym.lower()] = key
            parts.append((len(synonym), re.escape(synonym)))
        for synonym in entry.cased:
            keys[synonym] = key
            parts.append((len(synonym), f"(?-i:{re.escape(synonym)})"))
    for name, fused in vocab.written.items():
        keys[name if fused.cased else name.lower()] = name
        parts.append((len(name), f"(?-i:{re.escape(name)})" if fused.cased else re.escape(name)))
    alternatives = "|".join(p for _, p in sorted(parts, key=lambda part: -part[0]))
    # "/" may join two names ("ER/PR-positive"); the longer name is tried first ("HER2/neu").
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?!\w)", re.IGNORECASE), keys


class TumourMarkerRule(RuleBase):
    """The tumour shows `finding` for `marker` (keys of vocab/markers.yaml)."""

    kind: Literal["tumour_marker"] = "tumour_marker"
    marker: str
    finding: str

    @model_validator(mode="after")
    def _known(self) -> TumourMarkerRule:
        marker = marker_vocab().markers.get(self.marker)
        if marker is None:
            raise ValueError(f"unknown tumour marker {self.marker!r}")
        if self.finding not in marker.results:
            raise ValueError(f"marker {self.marker!r} has no finding {self.finding!r}")
        return self

    def says(self) -> str:
        vocab = marker_vocab()
        return vocab.findings[self.finding].says.format(display=vocab.markers[self.marker].display)

    def question(self, section: Section) -> str:
        return general_wording()["tumour_marker"].format(finding=self.says())


def _finding_of(key: str, word: str) -> str | None:
    """The finding a word names for one marker ("positive" for ALK is "rearranged"), or None."""
    written = next((finding for pattern, finding in _WORD_FINDING if pattern.fullmatch(word)), None)
    marker = marker_vocab().markers.get(key)
    if written is None or marker is None:
        return written if key in marker_vocab().groups and written in ("positive", "negative") else None
    if written == "amplified":  # a HER2 word only: amplification shows HER2 positivity
        return "positive" if "amplified" in marker.results.get("positive", ()) else None
    finding = marker.aliases.get(written, written)
    return finding if finding in marker.results else None


def _rules_for(key: str, finding: str, negated: bool) -> Rule | None:
    vocab = marker_vocab()
    if key in vocab.groups:
        combination = vocab.groups[key].findings.get(finding)
        if combination is None:
            return None
        parts = combination.any_of or combination.all_of
        rules = tuple(_rules_for(marker, wanted, negated) for marker, wanted in parts)
        if any(rule is None for rule in rules):
            return None
        either = bool(combination.any_of) != negated
        return AnyOf(rules=rules) if either else AllOf(rules=rules)
    if negated:
        opposite = vocab.findings[finding].opposite
        if opposite is None or opposite not in vocab.markers[key].results:
            return None
        finding = opposite
    return TumourMarkerRule(marker=key, finding=finding)


def _one(text: str) -> tuple[str, str] | None:
    """The marker and finding of a text that is one marker with its finding ("MSI-H", "dMMR"), or None."""
    names, keys = _names()
    name = names.fullmatch(text) or names.match(text)
    if name is None:
        return None
    key = keys.get(name[0].lower()) or keys.get(name[0])
    written = marker_vocab().written.get(key or "")
    if written is not None:
        return (written.marker, written.finding) if name.end() == len(text) else None
    found = _FINDING.fullmatch(text, name.end())
    finding = None if key is None or found is None else _finding_of(key, found["word"])
    return None if key is None or finding is None else (key, finding)


def _abbreviation_end(text: str, end: int, key: str, finding: str | None) -> int:
    """Past a bracketed abbreviation that says the same marker and finding again ("mismatch repair
    deficient (dMMR)", "microsatellite instability-high (MSI-H)"); `end` when there is none."""
    bracket = _ABBREVIATION.match(text, end)
    if bracket is None or finding is None or _one(bracket["inside"].strip()) != (key, finding):
        return end
    return bracket.end()


def extract_tumour_marker(context: CriterionContext) -> Rule | None:
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    vocab = marker_vocab()
    names, keys = _names()
    position = _LEAD.match(text).end()  # type: ignore[union-attr]  # the lead is optional: it always matches
    negation = _NEGATION.match(text, position)
    negated = negation is not None
    if negation is not None:
        position = _LEAD.match(text, negation.end()).end()  # type: ignore[union-attr]
    # Each marker named: its key, the finding word after it, and the finding a written form carries.
    items: list[tuple[str, str | None, str | None]] = []
    joins: set[str] = set()
    while True:
        name = names.match(text, position)
        if name is None:
            return None
        key = keys.get(name[0].lower()) or keys.get(name[0])
        if key is None:
            return None
        written = vocab.written.get(key)
        found = None if written is not None else _FINDING.match(text, name.end())
        word = found["word"] if found is not None else None
        end = found.end() if found is not None else name.end()
        if written is not None:
            key, fixed = written.marker, written.finding
            end = _abbreviation_end(text, end, key, fixed)
        else:
            fixed = None
            if word is not None:
                end = _abbreviation_end(text, end, key, _finding_of(key, word))
        items.append((key, word, fixed))
        if (word is not None or fixed is not None) and _TAIL.match(text[end:]):
            break
        following = names.search(text, end)
        join = _JOIN.match(text[end : following.start()]) if following is not None else None
        if following is None or join is None:
            return None
        joins.add(join["join"].lstrip(",").strip() or ",")
        position = following.start()
    # A marker without its own word takes the next one ("ER and PR negative").
    findings: list[str] = []
    pending = None
    for key, word, fixed in reversed(items):
        if fixed is not None:
            findings.append(fixed)
            continue
        pending = word or pending
        finding = None if pending is None else _finding_of(key, pending)
        if finding is None:
            return None
        findings.append(finding)
    findings.reverse()
    rules: list[Rule] = []
    for (key, _, _), finding in zip(items, findings, strict=True):
        rule = _rules_for(key, finding, negated)
        if rule is None:
            return None
        rules.append(rule)
    if len(rules) == 1:
        return rules[0]
    joins.discard(",")
    either = _either(joins, findings, negated)
    if either is None:
        return None
    return AnyOf(rules=tuple(rules)) if either else AllOf(rules=tuple(rules))


def _either(joins: set[str], findings: list[str], negated: bool) -> bool | None:
    """Whether any one of several markers will do (True), all are asked for (False), or the joins do
    not say (None): "or" and "and" together, a negated "/" or "," list, or one that could be either."""
    if len(joins) > 1:
        return None  # "or" and "and" together: which binds first is not written
    absent = {marker_vocab().findings[finding].absent for finding in findings}
    if not joins:
        # Commas alone: a description of one tumour ("HR-positive, HER2-negative") or markers all
        # absent ("ER, PR, HER2 negative") asks for all; a list of findings present ("EGFR mutation,
        # ALK rearrangement") may be a list of alternatives or of reasons.
        return None if negated or absent == {False} else False
    join = joins.pop()
    if join == "/":
        # "ER/PR-positive" is either; "EGFR/ALK wild-type" both, and so is a description of one tumour
        # ("HR+/HER2-"). Negated: not said.
        return None if negated else absent == {False}
    return (join in ("or", "and/or")) != negated


def _shown(marker: str, result: str) -> str | None:
    """The finding a profile result shows for a marker, or None when the vocabulary does not list it."""
    return next((f for f, shown_by in marker_vocab().markers[marker].results.items() if result in shown_by), None)


def evaluate_tumour_marker(rule: TumourMarkerRule, profile: PatientProfile, on: date) -> Outcome:
    vocab = marker_vocab()
    needs = f"the trial asks about {rule.says()}"
    results = [m for m in profile.tumour_markers if vocab.canonical(m.name) == rule.marker]
    if not results:
        display = vocab.markers[rule.marker].display
        return Outcome.unknown(f"The profile has no {display} result; {needs}.", "tumour_markers")
    said = "The profile gives " + ", ".join(f"{m.name} {m.result.replace('_', ' ')}" for m in results)
    shown = [_shown(rule.marker, m.result) for m in results]
    if rule.finding in shown:
        return Outcome.met(f"{said}; {needs}.")
    if all(finding is not None for finding in shown):
        return Outcome.not_met(f"{said}; {needs}.")
    return Outcome.unknown(f"{said}, which Eligo cannot compare; {needs}.", "tumour_markers")


def _trigger() -> Trigger | None:
    vocab = marker_vocab()
    entries: list[_Named] = [*vocab.markers.values(), *vocab.groups.values()]
    written = vocab.written.items()
    lower = phrase_words([*(s for entry in entries for s in entry.synonyms), *(n for n, w in written if not w.cased)])
    cased = phrase_words(
        [*(s for entry in entries for s in entry.cased), *(n for n, w in written if w.cased)], case_sensitive=True
    )
    return None if lower is None or cased is None else Trigger((*lower, *cased))


KIND = RuleKind(
    TumourMarkerRule, general_wording, ("tumour_marker",), evaluate_tumour_marker,
    (Step(extract_tumour_marker, _trigger()),),
)  # fmt: skip

__all__ = ["KIND", "MarkerVocab", "TumourMarkerRule", "evaluate_tumour_marker", "extract_tumour_marker", "marker_vocab"]
