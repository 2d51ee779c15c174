"""Registry text cut into what the schedule extractor reads: the outline part, arm paragraphs and sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eligo.schedule.patterns import SchedulePatterns

_PARAGRAPHS = re.compile(r"\n\s*\n|\n(?=\s*(?:[*•-]\s|[A-Z]{3,}\s+[A-Z0-9IVX]{1,4}\s*[:(]))")
# A sentence ends at . ! ? followed by a space and a capital, a digit or an opening bracket; or at
# ".If" where the registry lost the space. Abbreviations that end in a full stop do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])|(?<=[a-z]\.)(?=[A-Z][a-z])")
_ABBREVIATION_END = re.compile(r"\b(?:e\.g|i\.e|vs|approx|Dr|No|Fig|i\.v|p\.o|s\.c|et al)\.$", re.IGNORECASE)
# Registry markdown escapes ("\\[", "\\>") carry nothing the schedule needs.
_ESCAPE = re.compile(r"\\([\[\]<>*_~^])")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True, slots=True)
class ArmSection:
    """One arm's paragraph of a description ("ARM A: Patients receive ...")."""

    label: str
    text: str


def clean(text: str) -> str:
    """One paragraph on one line: legacy XML wraps its text at about 70 characters."""
    return _SPACES.sub(" ", _ESCAPE.sub(r"\1", text).replace("\n", " ")).strip()


def paragraphs(text: str) -> list[str]:
    return [clean(part) for part in _PARAGRAPHS.split(text) if part.strip()]


def sentences(text: str) -> list[str]:
    """The sentences of `text`, paragraph by paragraph, whitespace normalised."""
    found: list[str] = []
    for paragraph in paragraphs(text):
        pending = ""
        for piece in _SENTENCE_END.split(paragraph):
            pending = f"{pending} {piece}".strip() if pending else piece.strip()
            if _ABBREVIATION_END.search(pending):
                continue
            if pending:
                found.append(pending)
            pending = ""
        if pending:
            found.append(pending)
    return found


def outline(text: str, patterns: SchedulePatterns) -> str:
    """The treatment-plan part of a description: after "OUTLINE:" when there is one, else all of it."""
    match = patterns.outline_start.regex.search(text)
    return text[match.end() :] if match else text


def arm_sections(text: str, patterns: SchedulePatterns) -> tuple[list[ArmSection], str]:
    """The arm paragraphs of a description and the rest of it (shared by every arm)."""
    sections: list[ArmSection] = []
    rest: list[str] = []
    for paragraph in paragraphs(text):
        match = patterns.arm_header.regex.match(paragraph)
        if match is None:
            rest.append(paragraph)
            continue
        word, _, mark = match.group("label").partition(" ")
        sections.append(ArmSection(label=f"{word.capitalize()} {mark.strip()}", text=paragraph[match.end() :].strip()))
    return sections, "\n\n".join(rest)


def same_arm(label: str, section_label: str) -> bool:
    """Whether a registry arm label ("Arm A: magrolimab ...", "ARM I (lenalidomide)") names a section's arm."""
    head = label.strip().upper()
    key = section_label.upper()
    return head == key or (head.startswith(key) and not head[len(key)].isalnum())
