"""Keyword prefilters: skip an extractor when a criterion contains none of the words it needs.

Each extractor module may declare, with `triggers()`, a `Trigger` for some of its extractors: words
taken literally from the extractor's own patterns (or from the vocabulary phrases it matches), such
that every way the extractor can return a rule matches at least one of them in the criterion's text.
When none is there the extractor would return None, so skipping it changes nothing but the time.
An extractor without a trigger always runs. tests/criteria/test_prefilter.py parses every criterion
of the seed trials and the shared real data with and without the prefilter and asserts identical
output, and checks each trigger (and each gated pattern) on its own against the same texts.

How words are looked for (`TriggerText`), so that a word the extractor's pattern matched is always found:
- backslashes are removed first (several extractors drop them before matching, and removing a
  character never hides a word that contains none);
- an all-lower-case word is looked for in the text case-folded the way `re.IGNORECASE` compares
  letters: ASCII letters lower-cased, and the four other letters Python's regex engine treats as an
  ASCII letter (İ ı ſ K) mapped to it; a word with capitals is looked for case-sensitively (for
  patterns compiled without IGNORECASE, such as the lab synonyms "ALT" or "Hb");
- words are plain substrings without spaces: an extractor's `\\s+` may match any whitespace.

`GatedPattern` applies the same test to a single slow pattern inside an extractor.

`TriggerIndex` answers for all extractors at once: a word made of letters and digits occurs in a
text exactly when it occurs inside one of the text's runs of letters and digits, so the index
looks each distinct run up once (and remembers the answer for the next criterion).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Non-ASCII letters that `re.IGNORECASE` matches to an ASCII letter (found by trying every code point).
_REGEX_CASE_EQUIVALENTS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "K": "k"})
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class TriggerText:
    """One criterion's text prepared once for every extractor's word test."""

    plain: str  # backslashes removed
    lowered: str  # plain, case-folded as re.IGNORECASE compares

    @classmethod
    def of(cls, text: str) -> TriggerText:
        plain = text.replace("\\", "")
        if plain.isascii():
            return cls(plain=plain, lowered=plain.lower())
        return cls(plain=plain, lowered=plain.translate(_REGEX_CASE_EQUIVALENTS).lower())

    def has_any(self, words: Iterable[str]) -> bool:
        return any(word in (self.lowered if word == word.lower() else self.plain) for word in words)

    def contains(self, word: str) -> bool:
        return word in (self.lowered if word == word.lower() else self.plain)


@dataclass(frozen=True)
class Trigger:
    """An extractor returns a rule only when its criterion contains one of `words`, or its parent
    criterion or heading (`CriterionContext.parent_text`) contains one of `parent_words`."""

    words: tuple[str, ...]
    parent_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for word in (*self.words, *self.parent_words):
            if not word or any(ch.isspace() for ch in word) or not word.isascii():
                raise ValueError(f"trigger word {word!r} must be non-empty ASCII without spaces")

    def fires(self, text: TriggerText, parent: TriggerText | None) -> bool:
        return text.has_any(self.words) or (parent is not None and parent.has_any(self.parent_words))


class TriggerIndex:
    """Which extractors of a chain a criterion lets through: `Trigger.fires` for all of them at once."""

    def __init__(self, triggers: Sequence[Trigger | None]) -> None:
        self.triggers = tuple(triggers)
        # Words of letters and digits, as (word, bit of each trigger that lists it); other words ("+") apart.
        self._lower: dict[str, int] = {}
        self._cased: dict[str, int] = {}
        self._other: list[tuple[str, int]] = []
        for position, trigger in enumerate(self.triggers):
            for word in trigger.words if trigger is not None else ():
                if not _ALNUM_RUN.fullmatch(word):
                    self._other.append((word, 1 << position))
                else:
                    table = self._lower if word == word.lower() else self._cased
                    table[word] = table.get(word, 0) | 1 << position
        self._longest = max(map(len, self._lower), default=0)
        self._always = sum(1 << position for position, trigger in enumerate(self.triggers) if trigger is None)
        self._parent_words = [
            (trigger.parent_words, 1 << position)
            for position, trigger in enumerate(self.triggers)
            if trigger is not None and trigger.parent_words
        ]
        # run of letters and digits (lower-cased) -> (bits of the triggers with a lower-case word
        # inside it, words with capitals whose lower case is inside it), filled as texts come
        self._seen: dict[str, tuple[int, tuple[tuple[str, int], ...]]] = {}

    def runs(self, text: str, parent_text: str | None) -> list[bool]:
        """For each trigger, whether its extractor runs on this criterion."""
        fired = self.firing(text, parent_text)
        return [bool(fired >> position & 1) for position in range(len(self.triggers))]

    def firing(self, text: str, parent_text: str | None) -> int:
        """Bit i set: the extractor of trigger i runs on this criterion."""
        words = TriggerText.of(text)
        fired = self._always
        for word, bit in self._other:
            if words.contains(word):
                fired |= bit
        for token in set(_ALNUM_RUN.findall(words.lowered)):
            found = self._seen.get(token)
            if found is None:
                found = self._look_up(token)
            fired |= found[0]
            # A word with capitals is in the text only if its lower case is in a lower-cased run.
            for word, bits in found[1]:
                if word in words.plain:
                    fired |= bits
        if parent_text and self._parent_words:
            parent = TriggerText.of(parent_text)
            for parent_words, bit in self._parent_words:
                if parent.has_any(parent_words):
                    fired |= bit
        return fired

    def _look_up(self, token: str) -> tuple[int, tuple[tuple[str, int], ...]]:
        bits = 0
        size = len(token)
        if size * min(size, self._longest) < len(self._lower):
            # Fewer pieces of the token than trigger words: look each piece up instead of every word.
            for start in range(size):
                for end in range(start + 1, min(size, start + self._longest) + 1):
                    bits |= self._lower.get(token[start:end], 0)
        else:
            for word, word_bits in self._lower.items():
                if word in token:
                    bits |= word_bits
        cased = tuple((word, word_bits) for word, word_bits in self._cased.items() if word.lower() in token)
        if len(self._seen) > 200_000:  # free text has no end of distinct words; keep memory bounded
            self._seen.clear()
        self._seen[token] = (bits, cased)
        return bits, cased


class GatedPattern:
    """A regex searched (or substituted) only when the text holds one of `words`, without which it cannot match.

    The words follow the rules above (literal pieces of every alternative of the pattern). The
    test takes well under a microsecond; a failed IGNORECASE scan of a long criterion takes tens.
    """

    def __init__(self, pattern: str, words: tuple[str, ...], flags: int = re.IGNORECASE) -> None:
        self.regex = re.compile(pattern, flags)
        self.words = Trigger(words).words  # validated like a trigger's

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if TriggerText.of(text).has_any(self.words) else None

    def sub(self, replacement: str, text: str) -> str:
        return self.regex.sub(replacement, text) if TriggerText.of(text).has_any(self.words) else text


def phrase_words(phrases: Iterable[str], *, case_sensitive: bool = False) -> tuple[str, ...] | None:
    """One trigger word per vocabulary phrase: its longest run of ASCII letters and digits.

    Every run of a phrase appears unbroken wherever the phrase matches (extractors only ever
    insert spaces between words or delete characters next to a non-letter). Lower-cased unless
    the phrase is matched case-sensitively. None when some phrase has no such run or is not ASCII:
    the extractor then cannot be prefiltered and always runs.
    """
    words: list[str] = []
    for phrase in phrases:
        runs = _ALNUM_RUN.findall(phrase)
        if not runs or not phrase.isascii():
            return None
        word = max(runs, key=len)
        words.append(word if case_sensitive else word.lower())
    return tuple(dict.fromkeys(words))


__all__ = ["GatedPattern", "Trigger", "TriggerIndex", "TriggerText", "phrase_words"]
