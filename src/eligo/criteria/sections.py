"""Which section a line of eligibility text opens, and which one an unheaded criterion's own wording suggests.

The phrases are data (vocab/sections.yaml), compiled once into `SectionVocab`. The splitter
(`eligo.criteria.tree`) asks `heading()` of every line and `wording()` of items that stand under
no heading; `section_source` records which of the two decided, so downstream code can tell a
section the text declared from one Eligo inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from eligo.yamlfile import load_yaml

Section = Literal["inclusion", "exclusion"]
# heading: under a heading that names the section; wording: no heading, the section comes from the
# criterion's own wording (uncertain); default: no heading and no telling wording (inclusion);
# scoped: a heading for part of the study only ("Sub-study Exclusion Criteria", "Inclusion criteria for
# mothers"): the section is known, but whether the list applies to this patient is not.
SectionSource = Literal["heading", "wording", "default", "scoped"]
HeadingKind = Literal["inclusion", "exclusion", "neutral"]


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a valid regular expression: {pattern!r} ({error})") from error
    return pattern


class SectionPhrases(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    which: str
    sentences: tuple[str, ...]

    @field_validator("which")
    @classmethod
    def _which(cls, value: str) -> str:
        return _compiles(value)

    @field_validator("sentences")
    @classmethod
    def _sentences(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(pattern) for pattern in value)


class SectionVocab(BaseModel):
    """sections.yaml as read: every pattern checked to compile when the file is loaded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stems: tuple[str, ...]
    qualifiers: tuple[str, ...]
    free_lead_words: int
    heading_forms: tuple[str, ...]
    heading_tails: tuple[str, ...]
    sections: dict[Section, SectionPhrases]
    sentence_ends: tuple[str, ...]
    neutral_headings: tuple[str, ...]
    inline_heading: str
    exclusion_wording: tuple[str, ...]
    negation_wording: tuple[str, ...]
    scope_words: str

    @field_validator("heading_forms")
    @classmethod
    def _forms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for form in value:
            if "{which}" not in form:
                raise ValueError(f"a heading form must contain {{which}}: {form!r}")
            _compiles(form.replace("{which}", "x"))
        return value

    @field_validator("heading_tails", "neutral_headings", "exclusion_wording", "negation_wording")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(pattern) for pattern in value)

    @field_validator("inline_heading", "scope_words")
    @classmethod
    def _inline(cls, value: str) -> str:
        return _compiles(value)

    @field_validator("sections")
    @classmethod
    def _both(cls, value: dict[Section, SectionPhrases]) -> dict[Section, SectionPhrases]:
        if set(value) != {"inclusion", "exclusion"}:
            raise ValueError("sections must list exactly inclusion and exclusion")
        return value

    @model_validator(mode="after")
    def _stems_cover_headings(self) -> SectionVocab:
        # Lines without a stem skip the heading patterns, so every pattern alternative must hold one.
        patterns = [*self.neutral_headings]
        for phrases in self.sections.values():
            patterns += phrases.which.split("|") + list(phrases.sentences)
        for pattern in patterns:
            if not any(stem in pattern.lower() for stem in self.stems):
                raise ValueError(f"heading pattern {pattern!r} holds none of the stems {self.stems}")
        return self


@dataclass(frozen=True)
class _Compiled:
    headings: tuple[tuple[HeadingKind, bool, re.Pattern[str]], ...]  # (kind, is a sentence, pattern)
    sentence_ends: frozenset[str]
    inline: re.Pattern[str]
    stems: tuple[str, ...]
    exclusion_wording: tuple[re.Pattern[str], ...]
    negation_wording: tuple[re.Pattern[str], ...]
    scope_words: re.Pattern[str]


@dataclass(frozen=True)
class Heading:
    """A recognised heading: the section it opens (None for a neutral one), where its inline text
    starts, and whether it names a part of the study or a person other than the patient (`scoped`)."""

    section: Section | None
    rest_offset: int  # offset in the stripped line where the inline criterion starts (len when none)
    scoped: bool = False


def load_vocab(text: str) -> SectionVocab:
    return SectionVocab.model_validate(load_yaml(text))


@cache
def _compiled() -> _Compiled:
    vocab = load_vocab(resources.files("eligo.criteria.vocab").joinpath("sections.yaml").read_text("utf-8"))
    qualifiers = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in vocab.qualifiers)
    lead = rf"(?:(?:{qualifiers})\s+){{0,2}}"
    tails = "|".join(vocab.heading_tails)
    # A heading ends the line, or ends with ":" / "-" before an inline criterion.
    end = r"\s*(?:(?P<colon>[:\-–]|\.$)\s*|$)"
    headings: list[tuple[HeadingKind, bool, re.Pattern[str]]] = []
    # Neutral first: "Inclusion and exclusion criteria" must not read as an exclusion heading.
    neutral = "|".join(vocab.neutral_headings)
    headings.append(
        ("neutral", False, re.compile(rf"^{lead}(?:{neutral})(?:{tails})*\s*(?:(?P<colon>:)\s*|$)", re.IGNORECASE))
    )
    for section, phrases in vocab.sections.items():
        forms = [form.replace("{which}", phrases.which) for form in vocab.heading_forms]
        free = rf"(?:[\w/'’-]+\s+){{0,{vocab.free_lead_words}}}"
        headings.append((section, False, re.compile(rf"^{free}(?:{forms[0]})(?:{tails})*{end}", re.IGNORECASE)))
        rest = "|".join(forms[1:])
        headings.append((section, False, re.compile(rf"^{lead}(?:{rest})(?:{tails})*{end}", re.IGNORECASE)))
        headings.append(
            (section, False, re.compile(rf"^{free}(?:{rest})(?:{tails})*\s*(?P<colon>:)\s*", re.IGNORECASE))
        )
        sentences = "|".join(phrases.sentences)
        headings.append((section, True, re.compile(rf"^(?:{sentences})\s*(?:(?P<colon>:)\s*|$)", re.IGNORECASE)))
    return _Compiled(
        headings=tuple(headings),
        sentence_ends=frozenset(vocab.sentence_ends),
        inline=re.compile(vocab.inline_heading),
        stems=vocab.stems,
        exclusion_wording=tuple(re.compile(p, re.IGNORECASE) for p in vocab.exclusion_wording),
        negation_wording=tuple(re.compile(p, re.IGNORECASE) for p in vocab.negation_wording),
        scope_words=re.compile(vocab.scope_words, re.IGNORECASE),
    )


# Headings are short; a longer line is a criterion even when it starts like one.
_MAX_HEADING = 160


def heading(line: str) -> Heading | None:
    """The heading `line` is (markers and markdown already removed), or None.

    A sentence heading ("Patients will be excluded if") must end the line or end with a colon;
    a noun heading ("Exclusion criteria") may carry its first criterion after a colon.
    """
    if len(line) > _MAX_HEADING or not line:
        return None
    if line[0] == "[" and line[-1] == "]" and len(line) > 2 and "[" not in line[1:-1]:
        # "[Inclusion Criteria]" / "[Exclusion Criteria]" (NCT05482828): a heading in square brackets.
        inner = heading(line[1:-1].strip())
        if inner is None or inner.rest_offset < len(line[1:-1].strip()):
            return None
        return Heading(inner.section, len(line), inner.scoped)
    lowered = line.lower()
    if not any(stem in lowered for stem in _compiled().stems):
        return None  # most lines: no regex work (every heading pattern holds one of these stems)
    # A lower-case line without a colon is the wrapped end of a sentence ("... an\n exclusion
    # criterion.", "... meet the\n eligibility criteria for the subprotocols"), unless it is a
    # bare heading of a few words ("exclusion criteria").
    lower = line[0].islower() and ":" not in line and (line.endswith(".") or len(line.split()) > 3)
    compiled = _compiled()
    for kind, sentence, pattern in compiled.headings:
        match = pattern.match(line)
        if match is None:
            continue
        rest = line[match.end() :].strip()
        if rest and match["colon"] is None:
            continue
        if lower and match["colon"] not in (":", "-", "–"):
            continue
        words = line.lower().rstrip(" :").split()
        if sentence and match["colon"] is None and (not words or words[-1] not in compiled.sentence_ends):
            continue
        scoped = kind != "neutral" and compiled.scope_words.search(line, 0, match.end()) is not None
        return Heading(None if kind == "neutral" else kind, match.end() if rest else len(line), scoped)
    return None


def names_a_group(text: str) -> bool:
    """Whether a short label names part of the study or other people ("Healthy Controls:", "Cohort 1a
    and 1b", "Parents"): the `scope_words` of sections.yaml, in a label of at most ten words."""
    return len(text.split()) <= 10 and _compiled().scope_words.search(text) is not None


def inline_heading_starts(line: str) -> list[int]:
    """Offsets in `line` where a capitalised "Exclusion Criteria:" starts in the middle of the text."""
    if "riteri" not in line and "RITERI" not in line:
        return []
    return [match.start() for match in _compiled().inline.finditer(line) if line[: match.start()].strip()]


def wording(text: str) -> tuple[Section, SectionSource]:
    """The section an unheaded criterion's own wording suggests, and how sure that is."""
    compiled = _compiled()
    if any(pattern.search(text) for pattern in compiled.exclusion_wording):
        return "exclusion", "wording"
    if any(pattern.search(text) for pattern in compiled.negation_wording):
        return "inclusion", "wording"
    return "inclusion", "default"


__all__ = [
    "Heading",
    "Section",
    "SectionSource",
    "SectionVocab",
    "heading",
    "inline_heading_starts",
    "load_vocab",
    "wording",
]
