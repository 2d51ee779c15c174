"""Splitting eligibility text into a tree of sections, groups, headings and criteria, with exact source offsets.

`split_criteria` never fails on text: whatever it cannot read as structure stays a plain criterion.

How the tree is recovered (each step works on the output of the one before):

1. Lines. Section headings switch section: the phrases real registries use ("Inclusion Criteria:",
   "EXCLUSION:", "Key exclusion criteria", "Patients will be excluded if", "Non-inclusion
   criteria", see `eligo.criteria.sections` and vocab/sections.yaml), also with markdown, a list
   marker, an inline first criterion after the colon, or in the middle of a line. Items under no
   heading (or under a neutral "Eligibility criteria:") take their section from their own
   wording and record how in `section_source` ("wording" / "default"); an item under a heading
   is never moved, however it is phrased. Old NCI headings ("DISEASE
   CHARACTERISTICS:", "PATIENT CHARACTERISTICS:", "PRIOR CONCURRENT THERAPY:") are inclusion
   headings that own everything up to the next one. A line with a marker (`*` `-` `•` `+`,
   `1.` `1)` `(1)`, `a.` `a)` `(a)`, `iv.`) starts an item. An unmarked line continues the item
   before it when it is indented deeper than that item's marker, starts lower-case, or the item
   ends mid-sentence ("... as measured in"); otherwise it starts an unmarked item.
   "Note:" lines become notes of the item before them.
2. Indentation. Deeper markers nest under shallower ones; an unmarked label line ("Age:",
   "Hematopoietic") owns the marked lines that follow it at its own indentation.
3. Flat lists (CT.gov markdown often has every line at one level). In each list of siblings:
   a run of three or more table rows ("Age 2 to < 6 years: 0.8 mg/dL ...") becomes the
   children of the item before it; an item with no children that introduces others (ends with
   ":", says "the following" / "indicated below" / "either", or ends on "have"/"with"...) takes
   the siblings after it. How far it reaches depends on what it is:
   - a sentence ("Patients must have at least ONE of the following:") reaches until a line that
     starts with the trial's subject word ("Patients ...") when its first child did not, or, when
     its first child is "Label: sentence", until a line that is not so labelled (a single stray
     line between two labelled ones stays in);
   - a label heading with a colon ("Radiation:", "Stem Cell Transplant (SCT):") reaches until
     another label heading, taking lines that qualify the one before ("For ...", "Except ...")
     or share a content word with the heading ("radiation" / "radiated");
   - a short label without a colon ("Bone disease", "Organ Function") is a heading only when the
     line after it is "Label: ..." or, inside an opener's list or when it names a group, shares a
     content word with it and does not start with the same word (in a section's own list such lines
     are parallel criteria: "Known HIV" / "Known hepatitis B"); it then takes lines of the same
     shape as its first child and lines that qualify the one before.
   Where a flat group ends is a best guess. It matters for any-of groups, so their cues are the
   strict ones; an all-of heading that reaches one line too far changes only the context an
   extractor sees, not the verdict, because all-of nests inside the all-of of a section.
4. Operators. "at least one" / "one of" / "any of" / "either" -> any; siblings joined by a
   trailing "or" become an any-of group (the whole list, or a new group around the run); "the
   following" without a count is all-of in inclusion and any-of in exclusion (excluded if any
   applies); the findings under a definition ("Severe Pre-Eclampsia defined by", "Postmenopausal is
   defined as:") are any-of unless joined by "and". A criterion with children is `group_op="all"`
   (it and its children must hold), except when the children are table rows or exceptions ("EXCEPT
   for the following"): then `group_op=None` and the children are detail read by the parent's rule,
   not criteria.
5. Old NCI PDQ field headings ("Age:", "Endocrine therapy:"): a line under one that states no criterion
   ("Not specified", "See Disease Characteristics"; `field_nothing` in vocab/structure.yaml) is a note of
   the heading, never a criterion, and so is a line with both ("Age: Not specified"); a field heading left
   with nothing under it becomes a note of the heading above it ("Endocrine therapy: Not specified"), or
   goes. An item whose last sub-item ends with "or" is linked by it to the sibling after it (the sub-item
   has no sibling of its own to be the alternative).

Ids are positional ("inc-2.3" = third child of the second inclusion item), so they are stable
for the same text and parser version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligo.criteria.sections import SectionSource, heading, inline_heading_starts, names_a_group, wording
from eligo.rules.lab_threshold import is_age_table_line, opens_age_table
from eligo.yamlfile import load_yaml

# Same values as eligo.rules.base.Section; the splitter does not depend on the rule kinds.
Section = Literal["inclusion", "exclusion"]
NodeKind = Literal["criterion", "group", "heading"]
GroupOp = Literal["all", "any", "at_least"]


class CriteriaNode(BaseModel):
    """One item of eligibility text: a criterion, a group with an operator, or a heading."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    section: Section
    # Whether a heading declared the section or it was inferred (uncertain: never decisive).
    section_source: SectionSource = "heading"
    kind: NodeKind
    # How children combine; None on a criterion whose children are detail rows (or no children).
    group_op: GroupOp | None = None
    # How many children an "at_least" group needs ("at least two of the following"); None otherwise.
    min_count: int | None = None
    text: str  # escapes undone, whitespace collapsed, line wraps joined
    source_text: str  # exactly original[start:end]
    start: int
    end: int
    notes: tuple[str, ...] = ()
    children: tuple[CriteriaNode, ...] = ()

    def walk(self) -> Iterator[CriteriaNode]:
        yield self
        for child in self.children:
            yield from child.walk()


class CriteriaTree(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    inclusion: tuple[CriteriaNode, ...] = ()
    exclusion: tuple[CriteriaNode, ...] = ()

    @property
    def roots(self) -> tuple[CriteriaNode, ...]:
        return self.inclusion + self.exclusion

    def walk(self) -> Iterator[CriteriaNode]:
        for root in self.roots:
            yield from root.walk()


@dataclass(frozen=True)
class _Cues:
    nci_headings: frozenset[str]
    subject_words: frozenset[str]
    subordinate_starts: tuple[str, ...]
    join_end_words: frozenset[str]
    opener_end_words: frozenset[str]
    topic_stopwords: frozenset[str]
    or_lines: frozenset[str]
    nothing_lines: frozenset[str]
    nothing_starts: tuple[str, ...]
    healthy_group: re.Pattern[str]
    field_nothing: re.Pattern[str]
    page_furniture: re.Pattern[str]


@cache
def _cues() -> _Cues:
    raw = load_yaml(resources.files("eligo.criteria.vocab").joinpath("structure.yaml").read_text("utf-8"))
    return _Cues(
        nci_headings=frozenset(raw["nci_headings"]),
        subject_words=frozenset(raw["subject_words"]),
        subordinate_starts=tuple(raw["subordinate_starts"]),
        join_end_words=frozenset(raw["join_end_words"]),
        opener_end_words=frozenset(raw["opener_end_words"]),
        topic_stopwords=frozenset(raw["topic_stopwords"]),
        or_lines=frozenset(raw["or_lines"]),
        nothing_lines=frozenset(raw["nothing_lines"]),
        nothing_starts=tuple(raw["nothing_starts"]),
        healthy_group=re.compile("|".join(f"(?:{line})" for line in raw["healthy_group_lines"])),
        field_nothing=re.compile(raw["field_nothing"], re.IGNORECASE),
        page_furniture=re.compile(raw["page_furniture"]),
    )


def _without_furniture(original: str, start: int, end: int) -> tuple[int, str]:
    """The end of original[start:end] and its text (`unescape`) with a protocol page's header or footer
    ("Protocol Number: L18006 v5.0 11192018 Page 9 of 52") taken out: off the end, where it closes the
    item, so the source offsets stay the criterion's own; out of the text alone, where it sits inside."""
    body = original[start:end]
    if "Page" not in body:
        return end, unescape(body)
    furniture = _cues().page_furniture
    found = list(furniture.finditer(body))
    if found and not body[found[-1].end() :].strip():
        end = start + len(body[: found[-1].start()].rstrip())
        body = original[start:end]
    return end, unescape(furniture.sub(" ", body))


def _says_nothing(item: _Item) -> bool:
    """A line under a field heading that states no criterion ("Not specified", "See Disease Characteristics")."""
    bare = item.text.strip("*_# ").strip(" .;,:")
    return not item.children and _cues().field_nothing.fullmatch(bare) is not None


def _labelled_nothing(item: _Item) -> bool:
    """A field heading and its "Not specified" on one line ("Age: Not specified", "Chemotherapy: See Disease
    Characteristics"): no criterion either."""
    label = _label(item.text.strip("*_# ").strip(" .;,"))
    return (
        not item.children
        and label is not None
        and len(label[0].split()) <= 4
        and _cues().field_nothing.fullmatch(label[1].strip(" .;,:")) is not None
    )


def _field_heading(item: _Item) -> bool:
    """An NCI heading, or a label heading ("Age:", "Performance status", "Chemotherapy:")."""
    return item.nci or _shape(item.text) == "heading" or (not item.marked and _short_label(item.text))


def _field_notes(items: list[_Item], owner: _Item | None = None) -> list[_Item]:
    """Lines under a field heading that state no criterion become notes of the heading; a field heading
    left with nothing under it, or a line that is a field and its "Not specified" ("Age: Not specified"),
    becomes a note of `owner`, the heading above it ("Age: Not specified"), or goes when it has none. (Old
    NCI PDQ text, issue #12: such a line is no question for a family, and a heading with nothing under it
    is no criterion.)"""
    kept: list[_Item] = []
    for item in items:
        emptied = False
        if item.children and not item.rows:
            if _field_heading(item) and any(_says_nothing(child) for child in item.children):
                item.notes.extend(child.text for child in item.children if _says_nothing(child))
                item.children = [child for child in item.children if not _says_nothing(child)]
            item.children = _field_notes(item.children, item)
            emptied = not item.children
        if _labelled_nothing(item):
            if owner is not None:
                owner.notes.extend((item.text, *item.notes))
            continue
        if emptied and _field_heading(item):
            if owner is not None:
                label = item.text.strip().rstrip(":").strip()
                owner.notes.extend(f"{label}: {note}" for note in item.notes)
            continue
        kept.append(item)
    return kept


def names_a_healthy_group(text: str) -> bool:
    """Whether an inclusion line is only the name of a healthy comparison group ("healthy pregnancy",
    "Healthy subjects"; `healthy_group_lines` in vocab/structure.yaml)."""
    return _cues().healthy_group.fullmatch(text.strip().rstrip(".;,").strip().lower()) is not None


_ESCAPE = re.compile(r"\\([\\<>=\[\]^*_~#()\-.+!|`{}])")
_MARKER = re.compile(
    r"(?P<marker>[*\-•+·▪◦‣–]|\d{1,2}[.)]|\(\d{1,2}\)|[a-zA-Z][.)]|\([a-zA-Z]\)"
    r"|[ivxIVX]{1,5}[.)]|\([ivxIVX]{1,5}\))[ \t]+(?=\S)"
)
_NOTE = re.compile(r"^(?:\*\*)?(?:note|nb|n\.b\.)\s*(?:\*\*)?\s*[:\-]", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[A-Za-z0-9][^:;.]{0,90}?)\s*:\s*(?P<rest>.*)$")
_LABEL_VERB = re.compile(r"\b(must|should|will|shall|have|has|had|are|is|was|were|be|may|can|cannot)\b", re.IGNORECASE)
_VALUE_START = re.compile(r"^(?:[<>≤≥=]|\d|less|greater|at least|no more|not more|within|up to)", re.IGNORECASE)
_ANY_CUE = re.compile(r"\b(at least (one|1) of|one or more of|any one of|one of|any of|either)\b", re.IGNORECASE)
# "at least two of the following", "any 2 of", "two or more of": a count of two or more (one is any-of).
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_AT_LEAST_CUE = re.compile(
    r"(?:(?:\b(?:at least|a minimum of|any) |(?:≥|>=) ?)(?P<least>two|three|four|five|[2-5])(?: \(\d\))?"
    r"|\b(?P<more>two|three|four|five|[2-5]) or more) (?:out of|of|from)\b",
    re.IGNORECASE,
)
# An opener that names who or which part of the study its items are for ("For AD patients:", "In Part 2
# only:", "If liver metastases are present:", "For patients in the emergency center only, ..."): its items
# are marked `scoped`, like a heading for part of the study, and never rule a patient out on their own.
_SCOPING_OPENER = re.compile(
    r"^(?:only\s+)?(?:(?:if|when|among|whereas)\b"
    r"|for\s+(?!all\b|both\b|each\b|every\b|inclusion\b|entry\b|enrol|eligib|participation\b|the\s+(?:study|trial)\b"
    r"|this\s+(?:study|trial)\b|(?:the\s+)?(?:purpose|purposes)\b"
    # the steps everyone passes: "For initial randomisation", "For registration", "For screening"
    r"|(?:the\s+)?(?:(?:initial|first)\s+)?(?:randomi[sz]ation|registration|screening|study\s+entry)\b)"
    r"|in\s+(?:the\s+)?(?:parts?|arms?|cohorts?|strat(?:um|a)|groups?|phases?|stages?|categor(?:y|ies)|sub-?stud(?:y|ies))\b)"
    # a later step only some reach: "Eligibility criteria for the secondary randomisation …" (NCT02028676)
    r"|.*\b(?:second(?:ary)?|subsequent|later|re-?)\s*randomi[sz]ation\b|.*\bsub-?stud(?:y|ies)\b",
    re.IGNORECASE,
)
# One of two or more sibling openers, each for a group of patients ("Patients with Major Depressive
# Disorder (MDD):", "Patients with Bipolar Disorder (BD):", "Healthy Controls:"): alternatives, each scoped.
_GROUP_OPENER = re.compile(
    r"^(?:adult\s+|adolescent\s+)?(?:patients?|subjects?|participants?|individuals?|people|persons?|children|women|men)"
    r"\s+(?:with(?:out)?|who|having|diagnosed)\b[^:]{0,80}:$",
    re.IGNORECASE,
)
# An item under an exclusion heading written as a requirement ("Subjects must be fluent English speakers"):
# the heading and the wording disagree, so which section it belongs to is uncertain (never decisive).
_REQUIREMENT = re.compile(
    r"^(?:(?:the\s+)?(?:subjects?|patients?|participants?|individuals?|candidates?|volunteers?|women|men)\s+)?"
    r"(?:must|should|shall|need\s+to|needs\s+to|has\s+to|have\s+to)\s+(?!not\b|never\b)",
    re.IGNORECASE,
)
_ALL_CUE = re.compile(r"\b(all of|each of|both of)\b", re.IGNORECASE)
# An opener that ends on a definition ("Severe Pre-Eclampsia defined by", "Postmenopausal is defined as:",
# "Immunocompromised patient defined by:"): its items are the findings that each define the term, so any
# one of them is enough, unless the opener says "all of" or the items are joined by "and" ("Frail is
# defined as: * a G8 score <= 14 and * ...", "* SIZE: ... * In addition to size, ..."). A definition of
# adequate or normal function ("Adequate bone marrow function defined as:") and criteria met "as defined
# by:" ("meets the criteria for a TARGET lesion as defined by:", NCT01711554) list requirements that all hold.
_DEFINITION = re.compile(r"(?<!\bas\s)\b(?:defined|characteri[sz]ed)\s+(?:by|as)\s*:?\s*$", re.IGNORECASE)
_REQUIREMENTS_DEFINED = re.compile(
    r"^(?:(?:patients?|subjects?|participants?)\s+(?:must|should)\s+have\s+)?(?:adequate|normal|sufficient|acceptable)\b",
    re.IGNORECASE,
)
_AND_END = re.compile(r"(?:^|[\s;,])and\s*[;,:]?$", re.IGNORECASE)
_AND_START = re.compile(r"^(?:and|also|plus|in addition)\b", re.IGNORECASE)
# "defined by" opens a list only where the line ends on it ("Severe Pre-Eclampsia defined by", "... defined by:");
# "Measurable disease as defined by RECIST v1.1" names its definition and opens nothing (issue #12 review).
_FOLLOWING = re.compile(
    r"\b(the following|indicated below|listed below|as follows|defined by(?=\s*:?\s*$))\b", re.IGNORECASE
)
# "EXCEPT for the following:" is read in two linear steps (the phrase at the end, then "except" in the same
# sentence before it): one pattern spanning both backtracks over the whole line at every "except".
_EXCEPT_END = re.compile(r"\b(?:the following|below)\s*:?$", re.IGNORECASE)
_EXCEPT_WORD = re.compile(r"\bexcept(?:ion)?s?\b", re.IGNORECASE)
_OR_END = re.compile(r"(?:^|[\s;,])(?:or|and/or)\s*[;,:]?$", re.IGNORECASE)
# A table row ("ANC 1,000 x 10^9/L: >= 1.0"): a leading word, a digit before the first colon, a value after it.
# Matched in steps, as "[^:]*\d[^:]*:" as one pattern is quadratic on a long line with digits and no colon.
_ROW_FIRST = re.compile(r"[A-Za-z]+\b")
_ROW_VALUE = re.compile(r":\s*(?:[<>≤≥=]\s*)?\d")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_ALPHANUMERIC = re.compile(r"\w")
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])")


def _row_word(text: str) -> str | None:
    """The leading word of a table row, or None when `text` is not one."""
    first = _ROW_FIRST.match(text)
    if first is None:
        return None
    colon = text.find(":", first.end())
    if colon < 0 or _DIGIT.search(text, first.end(), colon) is None or _ROW_VALUE.match(text, colon) is None:
        return None
    return first.group()


def _excepts_following(text: str) -> bool:
    """Whether the text ends like "EXCEPT for the following:" (the children are exceptions, not a group)."""
    end = _EXCEPT_END.search(text)
    if end is None:
        return False
    sentence_start = text.rfind(".", 0, end.start()) + 1
    return _EXCEPT_WORD.search(text, sentence_start, end.start()) is not None


# Full-width punctuation (Chinese registries' "Pregnant or lactating women，or for women ...", NCT03863223) as
# the ASCII the readers split on, spaced as English text is (issue #12).
_FULL_WIDTH = str.maketrans({"，": ", ", "；": "; ", "：": ": ", "（": " (", "）": ")"})


def unescape(text: str) -> str:
    """Undo CT.gov markdown escapes, full-width punctuation as ASCII, whitespace collapsed (what
    extractors and people read)."""
    return " ".join(_ESCAPE.sub(r"\1", text).translate(_FULL_WIDTH).split())


@dataclass
class _Item:
    section: Section
    start: int
    end: int
    indent: float  # the marker's column; unmarked headings sit half a column left of their items
    marked: bool
    text: str = ""
    section_source: SectionSource = "heading"
    nci: bool = False
    note: bool = False
    rows: bool = False  # children are table rows / exceptions read by this item's rule
    synthetic_any: bool = False
    or_after: bool = False  # an "OR" line follows it: it and the next sibling are alternatives
    children: list[_Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def _ends_with_word(text: str, words: frozenset[str]) -> bool:
    tail = _words(text[-40:])
    return bool(tail) and tail[-1] in words and not text.rstrip().endswith((".", ";", ")"))


# The restructuring steps ask the same questions of each line several times, before any criterion
# or its extraction context exists; a small cache answers the repeats within one trial's criteria
# (removing these cost 6-9% of CPU on synthetic trials, issue #10).
@lru_cache(maxsize=256)
def _label(text: str) -> tuple[str, str] | None:
    """("Radiation", "") for "Radiation:", ("Cohort B1", "Measurable NBL") for "Cohort B1: Measurable NBL"."""
    match = _LABEL.match(text)
    if match is None or _LABEL_VERB.search(match["label"]) or len(match["label"].split()) > 8:
        return None
    return match["label"], match["rest"]


@lru_cache(maxsize=256)
def _shape(text: str) -> str:
    label = _label(text)
    if label is None:
        return "plain"
    if not label[1]:
        return "heading"
    return "value" if _VALUE_START.match(label[1]) else "sentence"


def _subordinate(text: str) -> bool:
    lowered = text.lower()
    return text[:1].islower() or any(
        lowered.startswith(start + " ") or lowered.startswith(start + ",") for start in _cues().subordinate_starts
    )


def _topic(text: str) -> set[str]:
    stop = _cues().topic_stopwords
    return {word[:5] for word in _words(text) if len(word) >= 4 and word not in stop}


# A bare label naming a numbered or lettered group of the study ("Group 1", "Groups C & D", "Cohort 2",
# NCT01220531): a short label although it holds a digit (issue #12).
_NUMBERED_GROUP = re.compile(
    r"^(?:groups?|cohorts?|arms?|strat(?:um|a))\s+[A-Z0-9]{1,3}(?:\s*(?:,|&|and|or)\s*[A-Z0-9]{1,3})*$", re.IGNORECASE
)


def _short_label(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 4
        and (not any(ch.isdigit() for ch in text) or _NUMBERED_GROUP.match(text) is not None)
        and not text.endswith((".", ";", ","))
        and _LABEL_VERB.search(text) is None
        and text[:1].isupper()
    )


@lru_cache(maxsize=256)
def _is_opener(text: str) -> bool:
    stripped = text.rstrip()
    # Only the last sentence can introduce the lines after it, and not when it lists inline ("fields: a, b").
    last = _SENTENCE_END.split(stripped)[-1]
    cue = _FOLLOWING.search(last)
    return (
        stripped.endswith(":") or (cue is not None and ":" not in last[cue.end() :].rstrip(":")) or _dangling(stripped)
    )


def _dangling(text: str) -> bool:
    """An item ending like "Patients must have": its sentence goes on in the lines below."""
    return _ends_with_word(text, _cues().opener_end_words)


def _first_word(text: str) -> str:
    words = _words(text[:40])
    return words[0] if words else ""


# ---------------------------------------------------------------- step 1 and 2: lines and indentation


def _lines(original: str) -> Iterator[tuple[int, str]]:
    """(start, line) for each line, a line split where a heading starts in its middle."""
    for match in re.finditer(r"[^\n]*\n?", original):
        line = match.group().rstrip("\r\n")
        for begin, finish in pairwise([0, *inline_heading_starts(line), len(line)]):
            yield match.start() + begin, line[begin:finish]


def _heading_end(body: str, plain: str, rest_offset: int) -> int:
    """Where, in `body`, the text after a heading's colon starts (`plain` is `body` unescaped and stripped)."""
    colon = plain[:rest_offset].rstrip()[-1:]
    count = plain[:rest_offset].count(colon) if colon else 0
    index = -1
    for _ in range(count):
        index = body.find(colon, index + 1)
        if index < 0:
            return len(body)
    return index + 1 + len(body[index + 1 :]) - len(body[index + 1 :].lstrip())


def _read_items(original: str) -> tuple[list[_Item], list[_Item]]:
    cues = _cues()
    roots: dict[Section, list[_Item]] = {"inclusion": [], "exclusion": []}
    section: Section = "inclusion"
    source: SectionSource = "default"
    stack: list[_Item] = []
    current: _Item | None = None  # the item (or note) an unmarked line may continue
    blank_before = False
    pending_notes: list[tuple[_Item, _Item]] = []

    pending_or = False  # an "OR" line came before the next item: it and the sibling before it are alternatives

    def place(item: _Item) -> None:
        nonlocal pending_or
        while stack and stack[-1].indent >= item.indent and not (stack[-1].nci and not item.nci):
            stack.pop()
        siblings = stack[-1].children if stack else roots[section]
        if pending_or and siblings:
            siblings[-1].or_after = True
        pending_or = False
        siblings.append(item)
        stack.append(item)

    for line_start, line in _lines(original):
        content = line.strip()
        if not content:
            blank_before = True
            continue
        lead = len(line) - len(line.lstrip())
        column = len(line[:lead].expandtabs(4))
        body_start = line_start + lead
        marker = _MARKER.match(line, lead)
        if marker is not None:
            body_start = line_start + marker.end()
        body_end, text = _without_furniture(original, body_start, line_start + len(line.rstrip()))
        body = original[body_start:body_end]
        plain = text.strip("*_# ").strip()

        found = heading(plain)
        if found is not None:
            # "For hospitalized patients :" straight before "Inclusion Criteria:" labels the block that
            # follows (NCT03869255), not a criterion of the section before. (A preamble before the first
            # heading stays, an uncertain inclusion: it may be the only scope the text gives.)
            last = roots[section][-1] if roots[section] else None
            if (
                last is not None
                and last.section_source == "heading"
                and not last.marked
                and not last.children
                and last.text.endswith(":")
            ):
                roots[section].pop()
            pending_or = False
            section = found.section or "inclusion"
            source = ("scoped" if found.scoped else "heading") if found.section is not None else "default"
            stack.clear()
            current = None
            blank_before = False
            if found.rest_offset >= len(plain):
                continue
            # "Exclusion Criteria: pregnancy": the text after the colon is the section's first item.
            body_start += _heading_end(body, plain, found.rest_offset)
            marker = None
            body_end, text = _without_furniture(original, body_start, body_end)
            body = original[body_start:body_end]
        if plain.rstrip(":").strip().lower() in cues.nci_headings and marker is None:
            section = "inclusion"
            source = "heading"
            stack.clear()
            item = _Item(section, body_start, body_end, -1, False, text=text, nci=True)
            roots[section].append(item)
            stack.append(item)
            current = None
            blank_before = False
            continue

        said = text.strip("*_# ").strip()  # the item's own words (after a heading's colon too)
        bare = said.strip(" .;,:").lower()
        joins = marker is None and current is not None and _continues(current, text, column, blank_before)
        if bare in cues.or_lines and not joins:
            # An "OR" line between two items: the next item and the sibling before it are alternatives.
            pending_or = True
            current = None
            blank_before = False
            continue
        says_none = bare in cues.nothing_lines or bare.startswith(cues.nothing_starts)
        if not _ALPHANUMERIC.search(said) or (says_none and not stack):
            # "-", or "None" straight under a section heading: no criterion.
            current = None
            blank_before = False
            continue

        if joins and current is not None:
            current.end = body_end
            current.end, current.text = _without_furniture(original, current.start, current.end)
            blank_before = False
            continue

        item = _Item(section, body_start, body_end, column, marker is not None, text=text, section_source=source)
        item.note = _NOTE.match(item.text) is not None
        if item.note:
            current = item
            owner = stack[-1] if stack else None
            if owner is not None and not owner.nci:
                pending_notes.append((owner, item))  # its text is final once continuation lines joined
            else:
                item.note = False
                place(item)
        else:
            if marker is None and (_label(item.text) or ("", ""))[1] == "" and item.text.endswith(":"):
                item.indent = column - 0.5  # "Age:" owns the marked lines at its own column
            place(item)
            current = item
        blank_before = False

    for owner, note in pending_notes:
        owner.notes.append(note.text)
    return _by_wording(roots["inclusion"], roots["exclusion"])


def _by_wording(inclusion: list[_Item], exclusion: list[_Item]) -> tuple[list[_Item], list[_Item]]:
    """Give each top-level item under no heading the section its own wording says (see sections.yaml)."""
    if all(item.section_source in ("heading", "scoped") for item in inclusion):
        return inclusion, exclusion
    kept: list[_Item] = []
    moved = False
    for item in inclusion:
        if item.section_source not in ("heading", "scoped"):
            section, source = wording(item.text)
            _set_section(item, section, source)
            if section == "exclusion":
                exclusion.append(item)
                moved = True
                continue
        kept.append(item)
    if moved:
        exclusion.sort(key=lambda item: item.start)
    return kept, exclusion


def _set_section(item: _Item, section: Section, source: SectionSource) -> None:
    item.section, item.section_source = section, source
    for child in item.children:
        _set_section(child, section, source)


def _continues(current: _Item, text: str, column: int, blank_before: bool) -> bool:
    """Whether a line without a marker (`text`, unescaped) continues the item before it."""
    if current.nci:
        return False
    if current.marked:
        if column > current.indent and not (blank_before and _label(text) is not None and text.endswith(":")):
            return True
        return not blank_before and text[:1].islower()
    if blank_before:
        return False
    previous = current.text
    if text[:1].islower() or text[:1] in ")],;":
        return True
    return previous.endswith((",", "-", "(", "/")) or _ends_with_word(previous, _cues().join_end_words)


# ---------------------------------------------------------------- step 3 and 4: flat lists and operators


def _absorb_age_table(items: list[_Item]) -> list[_Item]:
    """The creatinine table under "A serum creatinine based on age/gender as follows:" as that lead's rows,
    read with it by the lab kind (issue #12): its own sub-items when they are all table lines, or the run of
    table lines (markdown "| 1 to < 2 years | 0.6 | 0.6 |" or flattened "1 to < 2 years 0.6 0.6") that
    follows the lead, itself or as the last sub-item of the item before (CT.gov leaves a table's lines
    outside the list they belong to)."""
    out: list[_Item] = []
    index = 0
    while index < len(items):
        item = items[index]
        table = item.children and not any(child.children for child in item.children)
        if table and opens_age_table(item.text) and all(is_age_table_line(c.text) for c in item.children):
            item.rows = True
        if out and not item.children and is_age_table_line(item.text):
            lead = out[-1]
            while lead.children and not lead.rows:
                lead = lead.children[-1]
            run_end = index
            while run_end < len(items) and not items[run_end].children and is_age_table_line(items[run_end].text):
                run_end += 1
            if not lead.children and opens_age_table(lead.text) and run_end - index >= 2:
                lead.children = items[index:run_end]
                lead.rows = True
                lead.end = max(lead.end, items[run_end - 1].end)
                index = run_end
                continue
        out.append(item)
        index += 1
    return out


def _restructure(items: list[_Item], section: Section, top: bool = False) -> list[_Item]:
    items = _absorb_age_table(items)
    items = _absorb_rows(items)
    items = _capture(items, 0, None, section)[0]
    for item in items:
        if section == "exclusion" and item.section_source == "heading" and _REQUIREMENT.match(item.text):
            _set_section(item, "exclusion", "wording")
    groups = [item for item in items if item.children and not item.rows and _GROUP_OPENER.match(item.text.strip())]
    for item in items:
        if item.children and not item.rows:
            item.children = _restructure(item.children, section)
            if _SCOPING_OPENER.match(item.text) or names_a_group(item.text) or (len(groups) >= 2 and item in groups):
                _scope(item.children)
    # At an exclusion section's top, a trailing "or" between reasons changes nothing (each excludes): left as is.
    return _link_or(items, whole=top and (section == "inclusion" or any(item.or_after for item in items)))


def _scope(items: list[_Item]) -> None:
    """Mark items under an opener for some patients or part of the study only (see `_SCOPING_OPENER`)."""
    for item in items:
        if item.section_source == "heading":
            item.section_source = "scoped"
        _scope(item.children)


def _absorb_rows(items: list[_Item]) -> list[_Item]:
    out: list[_Item] = []
    index = 0
    while index < len(items):
        item = items[index]
        run_end = index
        first = _row_word(item.text)
        if first is not None and out and not out[-1].children and _row_word(out[-1].text) is None:
            while run_end < len(items):
                row = _row_word(items[run_end].text)
                if row is None or row.lower() != first.lower() or items[run_end].children:
                    break
                run_end += 1
            if run_end - index >= 3:
                out[-1].children = items[index:run_end]
                out[-1].rows = True
                index = run_end
                continue
        out.append(item)
        index += 1
    return out


def _opener_style(item: _Item, following: _Item | None, nested: bool = False) -> str | None:
    """How a childless item takes the siblings after it: "sentence", "label", "short", or not at all.
    `nested`: the item is itself inside an opener's list ("at least ONE of the following:")."""
    if item.children or following is None or item.nci or _linked(item):
        return None
    shape = _shape(item.text)
    if shape == "heading":
        return "label"
    if _NUMBERED_GROUP.match(item.text.strip()):
        return "group"
    if _excepts_following(item.text):
        return "short"
    if _is_opener(item.text):
        return "dangling" if _dangling(item.text) and not _FOLLOWING.search(item.text) else "sentence"
    if _short_label(item.text) and (
        _shape(following.text) in ("sentence", "value") or (_topic_heading(item, following, nested))
    ):
        return "short"
    return None


def _topic_heading(item: _Item, following: _Item, nested: bool) -> bool:
    """Whether a short label without a colon heads the line after it because they share a content word.
    Only inside an opener's list ("at least ONE of the following: * Bone disease * At least one MIBG avid
    bone site", NCT01711554) or when the label names a group ("Surgical cohort"): in a section's own flat
    list, a short line sharing a word with the next is a parallel criterion ("Known HIV" / "Known
    hepatitis B", "Heart failure" / "Liver failure", "Pregnant or breastfeeding women" / "Women with
    menstrual irregularities", NCT03921580), and reading it as a heading loses it (issue #12 review)."""
    if not (nested or names_a_group(item.text)):
        return False
    if _first_word(item.text) == _first_word(following.text):
        return False  # parallel items: "History of alcoholism" / "History of psychiatric illness"
    return bool(_topic(item.text) & _topic(following.text))


def _capture(
    items: list[_Item], index: int, opener: _Item | None, section: Section, style: str | None = None
) -> tuple[list[_Item], int]:
    """Take items from `index` while they belong to `opener` (all of them when opener is None); `style`
    is how the opener takes them (`_opener_style`)."""
    taken: list[_Item] = []
    while index < len(items):
        item = items[index]
        if opener is not None and taken and not _belongs(opener, style, taken, item, items, index):
            break
        index += 1
        following = items[index] if index < len(items) else None
        found = _opener_style(item, following, nested=opener is not None)
        if found is not None:
            item.children, index = _capture(items, index, item, section, found)
        taken.append(item)
    return taken, index


def _belongs(opener: _Item, style: str | None, taken: list[_Item], item: _Item, items: list[_Item], index: int) -> bool:
    first, previous = taken[0], taken[-1]
    shape = _shape(item.text)
    if _linked(previous):
        return True
    if style == "dangling":
        return _subordinate(item.text)
    if style == "sentence":
        subject = _first_word(item.text)
        if subject in _cues().subject_words and _first_word(first.text) != subject:
            return False
        if _is_opener(item.text) or _subordinate(item.text):
            return True
        if _shape(first.text) == "sentence" and shape not in ("sentence", "heading"):
            following = items[index + 1] if index + 1 < len(items) else None
            return following is not None and _shape(following.text) in ("sentence", "heading")
        return True
    if style == "group":
        # a numbered group's label takes the items up to the next group's label or heading
        return shape != "heading" and _NUMBERED_GROUP.match(item.text.strip()) is None
    if style == "label":
        if shape == "heading":
            return False
        return (
            _subordinate(item.text)
            or bool(_topic(opener.text) & _topic(item.text))
            or (_shape(first.text) != "plain" and shape == _shape(first.text))
        )
    # "short" labels and exception lists
    return _subordinate(item.text) or (_shape(first.text) != "plain" and shape == _shape(first.text))


def _link_or(items: list[_Item], whole: bool = False) -> list[_Item]:
    """Siblings joined by a trailing "or" become one any-of group; a run that is the whole list is left
    to its parent's operator, unless `whole` (a section's top level, which has no parent: its items
    joined by "OR" lines or by a trailing "or" are a group of their own, NCT03923413's "chronic heart
    failure INTERMASC 5-7 or" / "Patients on LVAD support"; issue #12)."""
    if len(items) < 2:
        return items
    out: list[_Item] = []
    index = 0
    while index < len(items):
        run_end = index
        while run_end + 1 < len(items) and _linked(items[run_end]):
            run_end += 1
        if run_end > index and (whole or run_end - index + 1 < len(items)):
            members = items[index : run_end + 1]
            group = _Item(members[0].section, members[0].start, members[-1].end, members[0].indent, False)
            group.synthetic_any = True
            group.section_source = members[0].section_source
            group.children = members
            out.append(group)
        else:
            out.extend(items[index : run_end + 1])
        index = run_end + 1
    return out


def _all_linked(items: list[_Item]) -> bool:
    return len(items) >= 2 and all(_linked(item) for item in items[:-1])


def _linked(item: _Item) -> bool:
    """Whether the item and the sibling after it are alternatives (a trailing "or", or an "OR" line). An
    item whose last line is its last sub-item's ("Serum creatinine based on age as follows: ... * 1.5 mg/dL
    (age over 15) OR" / "* GFR at least 70 mL/min", NCT02465060's "... minimum requirements OR") is linked
    by that "or" too: the sub-item has no sibling after it to be the alternative (issue #12)."""
    if item.or_after or _OR_END.search(item.text) is not None:
        return True
    return bool(item.children) and _linked(item.children[-1])


def _any_definition(item: _Item) -> bool:
    """Whether the item opens a list of findings that each define a term (see `_DEFINITION`)."""
    return (
        _DEFINITION.search(item.text) is not None
        and _ALL_CUE.search(item.text) is None
        and _REQUIREMENTS_DEFINED.match(item.text) is None
        and not any(_AND_END.search(child.text) for child in item.children[:-1])
        and not any(_AND_START.match(child.text) for child in item.children[1:])
    )


def _min_count(text: str) -> int | None:
    """The count of an "at least two of the following" opener; None when the text states none."""
    cue = _AT_LEAST_CUE.search(text)
    return None if cue is None else _COUNT_WORDS[(cue["least"] or cue["more"]).lower()]


def _kind(item: _Item) -> tuple[NodeKind, GroupOp | None]:
    if item.synthetic_any:
        return "group", "any"
    if not item.children:
        return "criterion", None
    if item.rows or _excepts_following(item.text):
        return "criterion", None
    if _min_count(item.text) is not None:
        # Some but not all of the items are needed: never all-of (one failing item does not fail
        # the group) and never any-of (one item alone is not enough).
        return ("heading" if _shape(item.text) == "heading" else "group"), "at_least"
    any_children = _all_linked(item.children) or _any_definition(item)
    if item.nci or _shape(item.text) == "heading" or _short_label(item.text):
        return "heading", "any" if any_children or _ANY_CUE.search(item.text) else "all"
    if _ANY_CUE.search(item.text) or any_children:
        return "group", "any"
    if _is_opener(item.text):
        if _ALL_CUE.search(item.text):
            return "group", "all"
        return "group", "any" if item.section == "exclusion" else "all"
    return "criterion", "all"


def _freeze(item: _Item, node_id: str, original: str) -> CriteriaNode:
    kind, op = _kind(item)
    return CriteriaNode(
        id=node_id,
        section=item.section,
        section_source=item.section_source,
        kind=kind,
        group_op=op,
        min_count=_min_count(item.text) if op == "at_least" else None,
        text="" if item.synthetic_any else item.text,
        source_text=original[item.start : item.end],
        start=item.start,
        end=item.end,
        notes=tuple(item.notes),
        children=tuple(_freeze(child, f"{node_id}.{n}", original) for n, child in enumerate(item.children, 1)),
    )


def split_criteria(text: str) -> CriteriaTree:
    """Split eligibility text into inclusion and exclusion trees (see the module docstring for how)."""
    inclusion, exclusion = _read_items(text)
    return CriteriaTree(
        inclusion=tuple(
            _freeze(item, f"inc-{n}", text)
            for n, item in enumerate(_field_notes(_restructure(inclusion, "inclusion", top=True)), 1)
        ),
        exclusion=tuple(
            _freeze(item, f"exc-{n}", text)
            for n, item in enumerate(_field_notes(_restructure(exclusion, "exclusion", top=True)), 1)
        ),
    )


__all__ = ["CriteriaNode", "CriteriaTree", "GroupOp", "NodeKind", "names_a_healthy_group", "split_criteria", "unescape"]
