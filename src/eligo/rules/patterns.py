"""The phrases rule kinds read, as validated data (`criteria/vocab/patterns.yaml`), one block per kind.

A block holds a kind's regular expressions: `patterns`, readings of the whole criterion tried in
order (`readings` when each also says which section it applies to or what it means), and `named`
ones the kind's code uses by name (`gates` lists those one of which every
reading needs). The trigger words that let the extraction chain skip the kind's extractor are
derived from them (`required_words`), so the patterns and the prefilter cannot disagree; a block
gives `triggers` by hand only where its readings also come from elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, cached_property
from importlib import resources
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from eligo.rules.prefilter import GatedPattern, Trigger
from eligo.yamlfile import load_yaml

_WORD = re.compile(r"[A-Za-z0-9]+")
_PART = re.compile(r"\(\?&(\w+)\)")
_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)})


def required_words(pattern: str, flags: int = re.IGNORECASE) -> tuple[str, ...] | None:
    """Words one of which every match of `pattern` contains, as `TriggerText` looks for them.

    Read from the pattern's literal text: a run of ASCII letters and digits that every match must
    pass through (not inside an optional group, a repeat that may be absent or a look-around), or,
    for an alternation, one such word from each branch. Lower-cased where the pattern ignores
    case. The fewest and longest words are preferred. None when no match is sure to hold a word (`\\d+%`).
    """
    parsed = sre_parse.parse(pattern, flags)
    found = _sequence(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    return None if found is None else tuple(sorted(found))


def _best(candidates: Sequence[frozenset[str]]) -> frozenset[str] | None:
    if not candidates:
        return None
    # Fewest alternatives first (each is a chance to run for nothing), then the longest words; a word
    # under three characters is found in almost any text, so any longer one wins over it.
    return max(candidates, key=lambda words: (min(len(w) for w in words) >= 3, -len(words), min(len(w) for w in words)))


def _sequence(items: list[tuple[Any, Any]], ignorecase: bool) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        for word in _WORD.findall("".join(run)):
            candidates.append(frozenset({word.lower() if ignorecase else word}))
        run.clear()

    for op, value in items:
        if op is sre.LITERAL and chr(value).isascii() and chr(value).isalnum():
            run.append(chr(value))
            continue
        if op is sre.BRANCH and run:
            # The parser moves a prefix the branches share out in front ("prior|previous" becomes "pr"
            # then "ior|evious"): give it back to each branch, so that the words stay whole.
            prefix = [(sre.LITERAL, ord(ch)) for ch in run]
            run.clear()
            value = (value[0], [prefix + list(branch) for branch in value[1]])
        flush()
        if op is sre.SUBPATTERN:
            _, add, remove, body = value
            inner = (ignorecase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            found = _sequence(list(body), inner)
        elif op is sre.BRANCH:
            branches = [_sequence(list(branch), ignorecase) for branch in value[1]]
            found = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and value[0] >= 1:
            found = _sequence(list(value[2]), ignorecase)
        else:  # a class, any character, a look-around, a backreference, an optional part: no word is sure
            found = None
        if found is not None:
            candidates.append(found)
    flush()
    return _best(candidates)


class Reading(BaseModel):
    """One reading in a list tried in order: its pattern, the section it applies to (None: both), what
    it says (a template filled with the pattern's groups) and the rule fields it sets, where the kind
    needs them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str
    section: Literal["inclusion", "exclusion"] | None = None
    says: str | None = None
    fields: dict[str, Any] = {}  # the rule's fields this reading sets


class KindPatterns(BaseModel):
    """One kind's block: its patterns (compiled once, case-insensitive), trigger words and number words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patterns: tuple[str, ...] = ()
    readings: tuple[Reading, ...] = ()
    named: dict[str, str] = {}
    # Pieces several patterns share, written `(?&name)` where they stand ("(?&number) (?&unit)").
    parts: dict[str, str] = {}
    gates: tuple[str, ...] = ()
    triggers: tuple[str, ...] | None = Field(default=None, min_length=1)
    numbers: dict[str, int] = {}
    # False: the kind matches lower-cased text with case-sensitive patterns (a block written that way).
    ignore_case: bool = True
    # False: the block's readings are not a step of the chain (no trigger words; the kind's code
    # applies them to a part of a criterion another reading found, or its step's words come from
    # the vocabularies).
    gating: bool = True

    @field_validator("triggers")
    @classmethod
    def _words(cls, triggers: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if triggers is None else Trigger(triggers).words  # ASCII words without spaces, or ValueError

    @model_validator(mode="after")
    def _readable(self) -> KindPatterns:
        for pattern in (*self.patterns, *(r.pattern for r in self.readings), *self.named.values()):
            _check(self.expand(pattern))
        for name, part in self.parts.items():
            words = re.findall(r"[A-Za-z][A-Za-z-]*", re.sub(r"\\.", "", part))  # escapes (\d) are no words
            if self.numbers and set(words) & set(self.numbers) and words != list(self.numbers):
                raise ValueError(f"part {name!r} must list exactly the block's number words, in order")
        unknown = [name for name in self.gates if name not in self.named]
        if unknown:
            raise ValueError(f"gates {unknown} are not named patterns")
        if not self.patterns and not self.named and not self.readings:
            raise ValueError("a block needs patterns")
        if self.gating and self.triggers is None and self.derived_words() is None:
            raise ValueError("no trigger words can be read from the patterns; give `triggers`")
        if not self.gating and (self.triggers is not None or self.gates):
            raise ValueError("a block that gates no step has no triggers or gates")
        return self

    def expand(self, pattern: str) -> str:
        """The pattern with each `(?&name)` replaced by its part."""

        def part(match: re.Match[str]) -> str:
            if match[1] not in self.parts:
                raise ValueError(f"pattern {pattern!r} uses unknown part {match[1]!r}")
            return f"(?:{self.expand(self.parts[match[1]])})"  # a part may use another part

        return _PART.sub(part, pattern)

    def derived_words(self) -> tuple[str, ...] | None:
        """Words one of which every reading needs: from each reading pattern and each gate."""
        readings = [*self.patterns, *(r.pattern for r in self.readings), *(self.named[name] for name in self.gates)]
        if not readings:
            return None
        words: list[str] = []
        for pattern in readings:
            found = required_words(self.expand(pattern), re.IGNORECASE if self.ignore_case else 0)
            if found is None:
                return None
            words.extend(found)
        return tuple(dict.fromkeys(words))

    @property
    def trigger(self) -> Trigger:
        words = self.triggers if self.triggers is not None else self.derived_words()
        if words is None or not self.gating:
            raise ValueError("this block gates no step")
        return Trigger(words)

    @cached_property
    def compiled(self) -> tuple[re.Pattern[str], ...]:
        """The patterns, expanded and compiled once (extractors ask for them on every criterion)."""
        return _compiled(tuple(self.expand(p) for p in self.patterns), self.ignore_case)

    @cached_property
    def _readings(self) -> tuple[tuple[re.Pattern[str], Reading], ...]:
        regexes = _compiled(tuple(self.expand(r.pattern) for r in self.readings), self.ignore_case)
        return tuple(zip(regexes, self.readings, strict=True))

    def compiled_readings(self) -> tuple[tuple[re.Pattern[str], Reading], ...]:
        """Each reading with its pattern compiled once, in order."""
        return self._readings

    @cached_property
    def _named(self) -> dict[str, re.Pattern[str]]:
        return {name: _compiled((self.expand(pattern),), self.ignore_case)[0] for name, pattern in self.named.items()}

    def regex(self, name: str) -> re.Pattern[str]:
        """The named pattern, compiled once (case-insensitive unless the block or a part says otherwise)."""
        return self._named[name]

    def gated(self, name: str) -> GatedPattern:
        """The named pattern behind a check for the words every match holds (`required_words`)."""
        pattern = self.expand(self.named[name])
        flags = re.IGNORECASE if self.ignore_case else 0
        words = required_words(pattern, flags)
        if words is None:
            raise ValueError(f"no words can be read from pattern {name!r} to gate it")
        return GatedPattern(pattern, words, flags)

    def number(self, written: str) -> int:
        """Digits or one of the block's number words ("six" -> 6)."""
        return int(written) if written.isdigit() else self.numbers[written.lower()]


def literal_alternation(words: Iterable[str], ignore_case: bool = True) -> str:
    """The words as one regular-expression alternation that prefers the longest word, like
    `"|".join(sorted(words, key=len, reverse=True))` with each word escaped, but written as a trie
    ("heart failure|heart attack" -> "heart\\ (?:attack|failure)"): Python's `re` tries every branch of
    a flat alternation at every position, so a vocabulary of hundreds of phrases is several times
    faster this way. With `ignore_case` the words are merged ignoring case, as the pattern will match them.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            folded = char.lower() if ignore_case and len(char.lower()) == 1 else char
            node = node.setdefault(folded, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, Any]) -> str:
        ends = "" in node
        parts = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"
        if not ends:
            return body
        # The longer words first: the optional rest is greedy, and backtracks to the shorter word.
        return f"(?:{body})?"

    return branch(root)


def _check(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"pattern {pattern!r} does not compile: {error}") from error


@cache
def _compiled(patterns: tuple[str, ...], ignore_case: bool = True) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE if ignore_case else 0) for pattern in patterns)


@cache
def patterns() -> dict[str, KindPatterns]:
    """Every kind's block, loaded and validated once per process."""
    text = resources.files("eligo.criteria.vocab").joinpath("patterns.yaml").read_text("utf-8")
    raw = load_yaml(text)
    if not isinstance(raw, dict):
        raise ValueError("patterns.yaml must map kind names to blocks")
    return {str(name): KindPatterns.model_validate(block) for name, block in raw.items()}


__all__ = ["KindPatterns", "Reading", "literal_alternation", "patterns", "required_words"]


def short_matches(
    text: str, normalized: str, sentences: int, compiled: Sequence[re.Pattern[str]], max_chars: int = 120
) -> Iterator[re.Match[str]]:
    """The whole-criterion matches, pattern by pattern, of a short one-sentence criterion (`normalized`
    with its spaces and closing punctuation tidied); nothing for a longer one."""
    if len(text) > max_chars or sentences > 1:
        return
    tidy = " ".join(normalized.split()).strip().rstrip(".;,").strip()
    for pattern in compiled:
        match = pattern.match(tidy)
        if match is not None:
            yield match
