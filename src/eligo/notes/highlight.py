"""A trial's passages as HTML with the reader's notes marked in them, for the trial page.

Everything but the <mark> elements is escaped here, so the passage text and the notes never reach the
page as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from eligo.notes.fields import FieldText, Passage
from eligo.notes.records import PlacedNote


@dataclass(frozen=True)
class NotesView:
    """The signed-in reader's notes placed in the page's passages."""

    fields: dict[str, FieldText]
    placed: tuple[PlacedNote, ...]

    def _passage(self, field: str, key: str) -> Passage | None:
        found = self.fields.get(field)
        if found is None:
            return None
        return next((passage for passage in found.passages if passage.key == key), None)

    def render(self, field: str, key: str, text: str) -> Markup:
        """The passage as an annotatable element (notes.js reads its offset) with marks where notes are."""
        passage = self._passage(field, key)
        if passage is None or passage.text != text:
            return escape(text)
        cuts = {0, len(text)}
        covering: list[tuple[int, int, int]] = []
        for item in self.placed:
            if item.span is None or item.note.field != field:
                continue
            start, end = max(item.span.start, passage.start), min(item.span.end, passage.end)
            if start < end:
                covering.append((start - passage.start, end - passage.start, item.note.id))
                cuts.update((start - passage.start, end - passage.start))
        first_mark: set[int] = set()
        parts = [
            Markup('<span class="annotatable" data-note-field="{}" data-note-start="{}">').format(field, passage.start)
        ]
        points = sorted(cuts)
        for left, right in pairwise(points):
            segment = text[left:right]
            ids = sorted(note_id for start, end, note_id in covering if start <= left and right <= end)
            if not ids:
                parts.append(escape(segment))
                continue
            anchor_ids = [note_id for note_id in ids if note_id not in first_mark]
            first_mark.update(anchor_ids)
            # Each note's first mark carries an id that its "Show in the page" link points at; an empty
            # span stands in when two notes start at the same place (it adds no text to the passage).
            for note_id in anchor_ids[1:]:
                parts.append(Markup('<span id="note-mark-{}"></span>').format(note_id))
            element_id = Markup(' id="note-mark-{}"').format(anchor_ids[0]) if anchor_ids else Markup("")
            parts.append(
                Markup('<mark class="note-mark"{} data-note-ids="{}">{}</mark>').format(
                    element_id, " ".join(str(note_id) for note_id in ids), segment
                )
            )
        parts.append(Markup("</span>"))
        return Markup("").join(parts)

    def starting_in(self, field: str, key: str) -> list[PlacedNote]:
        """The notes whose anchored text starts in this passage: they are listed right after it."""
        passage = self._passage(field, key)
        if passage is None:
            return []
        return [
            item
            for item in self.placed
            if item.span is not None and item.note.field == field and passage.start <= item.span.start < passage.end
        ]

    def shown_in_page(self, item: PlacedNote) -> bool:
        """Whether the note's text is marked in a passage the page shows (so a link can point at it)."""
        if item.span is None:
            return False
        found = self.fields.get(item.note.field)
        return found is not None and any(passage.start <= item.span.start < passage.end for passage in found.passages)
