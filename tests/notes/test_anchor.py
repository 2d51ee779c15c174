"""Text-quote anchoring: exact position, moved text, repeated phrases, whitespace changes, removed text."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from eligo.notes.anchor import Span, TextQuote, anchor, collapse, quote_at

TEXT = "The child must be at least 12 months old. The child must weigh at least 10 kg."


def test_the_hinted_position_wins_when_it_still_holds_the_words() -> None:
    span = Span(4, 9)
    assert anchor(TEXT, quote_at(TEXT, span), span) == span


def test_moved_text_is_found_at_its_new_place() -> None:
    span = Span(TEXT.index("12 months"), TEXT.index("12 months") + len("12 months"))
    quote = quote_at(TEXT, span)
    moved = "Inclusion criteria were revised in 2025. " + TEXT
    found = anchor(moved, quote, span)
    assert found is not None and moved[found.start : found.end] == "12 months"
    assert found.start == span.start + len("Inclusion criteria were revised in 2025. ")


def test_prefix_and_suffix_choose_among_repeated_phrases() -> None:
    second = TEXT.rindex("The child must")
    span = Span(second, second + len("The child must"))
    quote = quote_at(TEXT, span)
    assert anchor(TEXT, quote) == span  # no hint: the context alone picks the second occurrence
    edited = TEXT.replace("12 months", "1 year")
    found = anchor(edited, quote, span)
    assert found == Span(edited.rindex("The child must"), edited.rindex("The child must") + len("The child must"))


def test_context_beats_nearness_to_the_old_position() -> None:
    text = "take aspirin daily; never take aspirin with ibuprofen"
    span = Span(text.rindex("aspirin"), text.rindex("aspirin") + len("aspirin"))
    quote = quote_at(text, span)
    # Text inserted near the start moves both occurrences; the old offset now sits nearer the first.
    changed = "Before: " + text
    found = anchor(changed, quote, Span(span.start - 20, span.end - 20))
    assert found == Span(changed.rindex("aspirin"), changed.rindex("aspirin") + len("aspirin"))


def test_whitespace_changes_are_tolerated() -> None:
    quote = TextQuote("at least 12\n   months old")
    found = anchor(TEXT, quote)
    assert found is not None and TEXT[found.start : found.end] == "at least 12 months old"
    reflowed = TEXT.replace(" 12 months", "\n  12  months")
    found = anchor(reflowed, TextQuote("at least 12 months old"))
    assert found is not None and collapse(reflowed[found.start : found.end]) == "at least 12 months old"


def test_removed_text_is_not_found() -> None:
    quote = quote_at(TEXT, Span(TEXT.index("10 kg"), TEXT.index("10 kg") + 5))
    assert anchor(TEXT.replace(" The child must weigh at least 10 kg.", ""), quote, Span(70, 75)) is None


def test_a_blank_quote_anchors_nowhere() -> None:
    assert anchor(TEXT, TextQuote("   ")) is None
    assert anchor("", TextQuote("x")) is None


def test_a_hint_outside_the_text_is_ignored() -> None:
    assert anchor("short", TextQuote("short"), Span(40, 45)) == Span(0, 5)


texts = st.text(alphabet=st.sampled_from("ab \n.xyz"), min_size=1, max_size=120)


@given(texts, st.data())
def test_anchoring_a_quote_in_its_own_text_returns_its_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    span = Span(start, end)
    assume(text[start:end].strip())
    assert anchor(text, quote_at(text, span), span) == span


@given(texts, st.data())
def test_without_a_hint_the_found_words_are_the_quote(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = quote_at(text, Span(start, end))
    assume(quote.exact.strip())
    found = anchor(text, quote)
    assert found is not None
    assert collapse(text[found.start : found.end]).strip() == collapse(quote.exact).strip()
    if quote.exact == quote.exact.strip() and collapse(text).count(collapse(quote.exact)) == 1:
        assert found == Span(start, end)


@given(texts, st.text(alphabet="klm ", max_size=30), st.data())
def test_a_unique_quote_follows_text_inserted_before_it(text: str, inserted: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = quote_at(text, Span(start, end))
    assume(quote.exact == quote.exact.strip() and quote.exact and text.count(quote.exact) == 1)
    assume(not any(char.isspace() for char in text))  # whitespace could merge with the insertion
    changed = inserted + text
    assert anchor(changed, quote, Span(start, end)) == Span(start + len(inserted), end + len(inserted))
