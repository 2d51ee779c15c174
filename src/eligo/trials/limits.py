"""Size limits on an imported trial: over-long text and lists are trimmed with the excess named, and a trial
whose eligibility criteria are too long to trim honestly is refused.

The limits are several times what ClinicalTrials.gov itself accepts (a brief title of 300 characters,
criteria of 20,000, a detailed description of 32,000), so a real record never meets them; they exist so
that a hostile file cannot make every visitor's page, the store and the parsed criteria grow without end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from eligo.trials.model import ImportNote, ImportProblem, Record, Trial

# Criteria cut short would silently drop exclusions, so a trial over this is refused, not trimmed.
MAX_CRITERIA_CHARS = 60_000
# Text fields by name; any other text (a facility, a city, a name, an id) gets DEFAULT_TEXT_CHARS.
TEXT_CHARS: dict[str, int] = {
    "brief_title": 1_000,
    "official_title": 2_000,
    "brief_summary": 50_000,
    "detailed_description": 200_000,
    "description": 20_000,
    "citation": 20_000,
    "why_stopped": 5_000,
    "measure": 5_000,
    "time_frame": 5_000,
}
DEFAULT_TEXT_CHARS = 1_000
# List fields by name; any other list (conditions, keywords, other names) gets DEFAULT_LIST_ITEMS.
LIST_ITEMS: dict[str, int] = {
    "locations": 5_000,
    "arm_groups": 200,
    "interventions": 500,
    "primary_outcomes": 1_000,
    "secondary_outcomes": 1_000,
    "references": 1_000,
    "contacts": 50,
}
DEFAULT_LIST_ITEMS = 500
_ELLIPSIS = "…"
# Criteria are refused, not trimmed; provenance is ours, not the file's.
_NOT_TRIMMED = frozenset({"criteria", "provenance"})
R = TypeVar("R", bound=Record)


@dataclass
class _Excess:
    """How often one field (all sites' facilities count as one) was trimmed, and its largest size."""

    count: int = 0
    largest: int = 0
    limit: int = 0
    unit: str = ""

    def add(self, size: int, limit: int, unit: str) -> None:
        self.count += 1
        self.largest = max(self.largest, size)
        self.limit, self.unit = limit, unit


def bounded(
    trial: Trial, notes: list[ImportNote], *, file: str | None, record: str | None
) -> Iterator[Trial | ImportNote | ImportProblem]:
    """The notes about `trial`, then the trial within limits (and a note per trimmed field); or a problem."""
    criteria = trial.eligibility.criteria
    if criteria is not None and len(criteria) > MAX_CRITERIA_CHARS:
        yield ImportProblem(
            f"eligibility criteria of {len(criteria):,} characters (at most {MAX_CRITERIA_CHARS:,}); "
            "refused rather than cut, as a shortened list would hide exclusions",
            file=file,
            record=record,
            field="eligibility.criteria",
        )
        return
    excess: dict[str, _Excess] = {}
    trimmed = _trim(trial, "", excess)
    for note in notes:
        note.record = note.record or record
        yield note
    for field, what in excess.items():
        several = f" in {what.count:,} entries" if what.count > 1 else ""
        yield ImportNote(
            f"trimmed{several}: {what.largest:,} {what.unit}, kept {what.limit:,}",
            file=file,
            record=record,
            field=field,
        )
    yield trimmed


def _trim(record: R, path: str, excess: dict[str, _Excess]) -> R:
    changes: dict[str, object] = {}
    for name in type(record).model_fields:
        if name in _NOT_TRIMMED:
            continue
        value = getattr(record, name)
        where = f"{path}.{name}" if path else name
        if isinstance(value, str):
            limit = TEXT_CHARS.get(name, DEFAULT_TEXT_CHARS)
            if len(value) > limit:
                excess.setdefault(where, _Excess()).add(len(value), limit, "characters")
                changes[name] = value[: limit - 1].rstrip() + _ELLIPSIS
        elif isinstance(value, tuple):
            items = _trim_list(value, name, where, excess)
            if items is not value:
                changes[name] = items
        elif isinstance(value, Record):
            inner = _trim(value, where, excess)
            if inner is not value:
                changes[name] = inner
    return record.model_copy(update=changes) if changes else record


def _trim_list(value: tuple[object, ...], name: str, where: str, excess: dict[str, _Excess]) -> tuple[object, ...]:
    limit = LIST_ITEMS.get(name, DEFAULT_LIST_ITEMS)
    items = value
    if len(items) > limit:
        excess.setdefault(where, _Excess()).add(len(items), limit, "entries")
        items = items[:limit]
    text_limit = TEXT_CHARS.get(name, DEFAULT_TEXT_CHARS)
    changed = items is not value
    out: list[object] = []
    for item in items:
        new = item
        if isinstance(item, str) and len(item) > text_limit:
            excess.setdefault(f"{where}[]", _Excess()).add(len(item), text_limit, "characters")
            new = item[: text_limit - 1].rstrip() + _ELLIPSIS
        elif isinstance(item, Record):
            new = _trim(item, f"{where}[]", excess)
        changed = changed or new is not item
        out.append(new)
    return tuple(out) if changed else value
