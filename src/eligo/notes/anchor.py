"""Text-quote anchoring: find again, in a text that may have changed, the span a note was attached to.

In the spirit of the W3C Web Annotation TextQuoteSelector (the quoted text with a little context on
each side) and TextPositionSelector (the offsets, used as a hint). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How much context is kept on each side of a quote; enough to tell repeated phrases apart.
CONTEXT_CHARS = 32
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TextQuote:
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def quote_at(text: str, span: Span) -> TextQuote:
    """The selector for `span` of `text`: its words and the context either side."""
    return TextQuote(
        exact=text[span.start : span.end],
        prefix=text[max(0, span.start - CONTEXT_CHARS) : span.start],
        suffix=text[span.end : span.end + CONTEXT_CHARS],
    )


def collapse(text: str) -> str:
    """Whitespace runs as one space: the form in which quotes are compared."""
    return _WHITESPACE.sub(" ", text)


@dataclass(frozen=True)
class _Collapsed:
    """`text` with whitespace runs collapsed, and where each of its characters came from in the original."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> _Collapsed:
        chars: list[str] = []
        origin: list[int] = []
        previous_space = False
        for index, char in enumerate(original):
            is_space = char.isspace()
            if is_space and previous_space:
                continue
            chars.append(" " if is_space else char)
            origin.append(index)
            previous_space = is_space
        return cls("".join(chars), tuple(origin))

    def original_span(self, start: int, end: int) -> Span:
        return Span(self.origin[start], self.origin[end - 1] + 1)


def _common_suffix(a: str, b: str) -> int:
    count = 0
    for left, right in zip(reversed(a), reversed(b), strict=False):
        if left != right:
            break
        count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count


def _occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    at = haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def anchor(text: str, quote: TextQuote, hint: Span | None = None) -> Span | None:
    """Where `quote` is in `text` now, or None when its words are no longer there.

    The hinted position wins when it still holds the exact words. Otherwise every occurrence of the
    quote (whitespace differences ignored) is scored by how much of the stored prefix and suffix
    surrounds it, and the best one is chosen; ties go to the one nearest the hint, then the first.
    """
    if not quote.exact.strip():
        return None
    if hint is not None and 0 <= hint.start < hint.end <= len(text) and text[hint.start : hint.end] == quote.exact:
        return hint
    collapsed = _Collapsed.of(text)
    needle = collapse(quote.exact).strip()
    starts = _occurrences(collapsed.text, needle)
    if not starts:
        return None
    prefix, suffix = collapse(quote.prefix), collapse(quote.suffix)
    # A quote's own edges were stripped of whitespace, so its context is compared without it too.
    prefix, suffix = prefix.rstrip(), suffix.lstrip()

    def rank(start: int) -> tuple[int, int, int]:
        end = start + len(needle)
        before = collapsed.text[:start].rstrip()
        after = collapsed.text[end:].lstrip()
        context = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        distance = abs(collapsed.origin[start] - hint.start) if hint is not None else 0
        return (-context, distance, start)

    best = min(starts, key=rank)
    return collapsed.original_span(best, best + len(needle))
