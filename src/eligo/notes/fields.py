"""The parts of a trial that notes can be attached to, and the plain text of each, derived in this one place.

A field's text is its passages (a paragraph, a criterion, an arm's label or description) joined by a
line break. The trial page renders each passage as it is here, so an offset into a field's text is an
offset into what the reader saw; the server re-anchors notes against the text as it is today.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eligo.criteria.parse import ParsedCriteria
from eligo.trials.model import Trial

# Field names as stored in notes.field, in page order, with the words the page uses for them.
FIELDS: dict[str, str] = {
    "summary": "In short",
    "arms": "What the treatment involves",
    "interventions": "The treatments",
    "description": "Full description from the registry",
    "criteria": "The eligibility criteria",
}
SEPARATOR = "\n"


@dataclass(frozen=True)
class Passage:
    """One stretch of a field's text that the page shows in one element."""

    field: str
    key: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class FieldText:
    name: str
    passages: tuple[Passage, ...]

    @property
    def text(self) -> str:
        return SEPARATOR.join(passage.text for passage in self.passages)


def _pieces(trial: Trial, parsed: ParsedCriteria | None, field: str) -> Iterator[tuple[str, str]]:
    """(key, text) of each passage of `field`, in page order."""
    if field == "summary" and trial.brief_summary:
        yield "summary", trial.brief_summary
    elif field == "description" and trial.detailed_description:
        yield "description", trial.detailed_description
    elif field == "arms":
        for index, arm in enumerate(trial.arm_groups):
            yield f"arm-{index}-label", arm.label
            if arm.description:
                yield f"arm-{index}-description", arm.description
    elif field == "interventions":
        for index, item in enumerate(trial.interventions):
            if item.description:
                yield f"intervention-{index}", item.description
    elif field == "criteria" and parsed is not None:
        for top in parsed.criteria:
            for node in top.walk():
                if node.text:
                    yield node.id, node.text


def field_text(trial: Trial, parsed: ParsedCriteria | None, field: str) -> FieldText:
    if field not in FIELDS:
        raise KeyError(f"not an annotatable field: {field!r}")
    passages: list[Passage] = []
    offset = 0
    for key, text in _pieces(trial, parsed, field):
        passages.append(Passage(field, key, text, offset))
        offset += len(text) + len(SEPARATOR)
    return FieldText(field, tuple(passages))


def field_texts(trial: Trial, parsed: ParsedCriteria | None) -> dict[str, FieldText]:
    """Every annotatable field of the trial, in page order (fields with no text included, empty)."""
    return {name: field_text(trial, parsed, name) for name in FIELDS}
