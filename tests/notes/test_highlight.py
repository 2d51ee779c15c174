"""Passages with notes marked in them: overlapping notes, escaping, and text that does not match the field."""

from __future__ import annotations

from datetime import UTC, datetime

from eligo.notes.anchor import Span, TextQuote
from eligo.notes.fields import FieldText, Passage, field_texts
from eligo.notes.highlight import NotesView
from eligo.notes.records import Note, PlacedNote
from eligo.trials.model import ArmGroup, Trial

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = "Age <12> & weight > 10 kg"


def placed(note_id: int, start: int, end: int, field: str = "summary") -> PlacedNote:
    note = Note(note_id, 1, "NCT00000001", field, TextQuote(TEXT[start:end]), Span(start, end), "b", NOW, NOW)
    return PlacedNote(note, Span(start, end))


def view(*items: PlacedNote) -> NotesView:
    fields = {"summary": FieldText("summary", (Passage("summary", "summary", TEXT, 0),))}
    return NotesView(fields, tuple(items))


def test_overlapping_notes_are_marked_once_each_and_text_is_escaped() -> None:
    html = str(view(placed(1, 0, 8), placed(2, 4, 14)).render("summary", "summary", TEXT))
    assert html == (
        '<span class="annotatable" data-note-field="summary" data-note-start="0">'
        '<mark class="note-mark" id="note-mark-1" data-note-ids="1">Age </mark>'
        '<mark class="note-mark" id="note-mark-2" data-note-ids="1 2">&lt;12&gt;</mark>'
        '<mark class="note-mark" data-note-ids="2"> &amp; wei</mark>'
        "ght &gt; 10 kg</span>"
    )


def test_two_notes_starting_together_each_get_a_target() -> None:
    html = str(view(placed(1, 0, 3), placed(2, 0, 3)).render("summary", "summary", TEXT))
    expected = '<span id="note-mark-2"></span><mark class="note-mark" id="note-mark-1" data-note-ids="1 2">Age</mark>'
    assert expected in html


def test_text_that_is_not_the_passage_is_only_escaped() -> None:
    assert str(view(placed(1, 0, 3)).render("summary", "summary", "<b>other</b>")) == "&lt;b&gt;other&lt;/b&gt;"
    assert str(view().render("criteria", "inc-1", "a & b")) == "a &amp; b"


def test_notes_are_listed_after_the_passage_they_start_in() -> None:
    trial = Trial(
        nct_id="NCT00000001",
        arm_groups=(ArmGroup(label="Arm A", description="Drug X daily"), ArmGroup(label="Arm B")),
    )
    fields = field_texts(trial, None)
    assert fields["arms"].text == "Arm A\nDrug X daily\nArm B"
    note = Note(1, 1, trial.nct_id, "arms", TextQuote("Drug X"), None, "b", NOW, NOW)
    notes = NotesView(fields, (PlacedNote(note, Span(6, 12)),))
    assert notes.starting_in("arms", "arm-0-description") == [PlacedNote(note, Span(6, 12))]
    assert notes.starting_in("arms", "arm-0-label") == []
    assert 'data-note-start="6"' in str(notes.render("arms", "arm-0-description", "Drug X daily"))
