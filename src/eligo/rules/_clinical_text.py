"""Text helpers shared by the clinical rule kinds' extractors: sentences, scopes ("Arm A: ..."),
the diagnosis, state and condition phrases of the clinical vocabulary, framing words.

Each extractor reads one criterion and returns a rule only when the whole criterion means
that rule; otherwise None (a wrong rule is worse than none)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import cast

from eligo.rules._clinical import DiseaseStateName, clinical_vocab
from eligo.rules.patterns import literal_alternation, patterns

_PATTERNS = patterns()["_clinical_text"]

_SCOPE = _PATTERNS.regex("scope")
# Permissions and conditionals ("are eligible if", "must be approved") state no condition of ours.
_PERMISSIVE = _PATTERNS.regex("permissive")
# Therapy and washout wording belongs to the therapy extractors.
_THERAPY = _PATTERNS.regex("therapy")


_SPACES = re.compile(r"\s+")


def _scope(text: str) -> tuple[str | None, str]:
    match = _SCOPE.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :]


@cache
def _phrase_regex(phrases: tuple[str, ...]) -> str:
    return f"(?:{literal_alternation(phrases)})"  # longest first, ignoring case as every use does


@cache
def _synonyms_pattern(synonyms: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the synonyms as a whole word (longest first), ignoring case."""
    return re.compile(rf"(?<![\w-]){_phrase_regex(synonyms)}(?![\w-])", re.IGNORECASE)


@cache
def _diagnosis_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every diagnosis synonym in one pattern (longest first) and the diagnosis each names."""
    names = {s.lower(): name for name, term in clinical_vocab().diagnoses.items() for s in term.synonyms}
    return _synonyms_pattern(tuple(names)), names


def _diagnoses_in(text: str) -> list[str]:
    """The diagnoses named in `text`, in order. One left-to-right scan, longest term first, so a term
    inside a longer one ("lung cancer" in "non small cell lung cancer") is not a mention of its own."""
    pattern, names = _diagnosis_pattern()
    return list(dict.fromkeys(names[match.group(0).lower()] for match in pattern.finditer(text)))


@cache
def _state_patterns() -> tuple[tuple[DiseaseStateName, re.Pattern[str]], ...]:
    return tuple(
        (cast(DiseaseStateName, name), re.compile(rf"\b{_phrase_regex(term.phrases)}\b", re.IGNORECASE))
        for name, term in clinical_vocab().disease_states.items()
    )


def _states_in(text: str) -> list[DiseaseStateName]:
    found: list[tuple[int, DiseaseStateName]] = []
    for name, pattern in _state_patterns():
        match = pattern.search(text)
        if match is not None:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


def _condition_patterns() -> list[tuple[str, str]]:
    pairs = [(syn, name) for name, term in clinical_vocab().conditions.items() for syn in term.synonyms]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


_FIRST_WORD = re.compile(r"[\w']+")


@cache
def _condition_at_start() -> dict[str, tuple[re.Pattern[str], tuple[str, ...]]]:
    """The condition synonyms by their first word (lower case): for each, one alternation of its
    synonyms, longest first, each in its own group.

    A regex alternation tries its branches in order at the same position, so `match` finds the
    synonym that trying the synonyms one by one (longest first) would find; `lastindex` names it.
    Keyed by first word so that a text is tried only against the synonyms that can start it.
    """
    by_word: dict[str, list[tuple[str, str]]] = {}
    for synonym, name in _condition_patterns():
        first = _FIRST_WORD.match(synonym)
        by_word.setdefault(first.group().lower() if first else "", []).append((synonym, name))
    return {
        word: (
            re.compile("|".join(f"({re.escape(synonym)})(?!\\w)" for synonym, _ in pairs), re.IGNORECASE),
            tuple(name for _, name in pairs),
        )
        for word, pairs in by_word.items()
    }


_LIST_JOINER = _PATTERNS.regex("list_joiner")
_ABBREVIATION = _PATTERNS.regex("abbreviation")


def _consume_conditions(text: str) -> list[str] | None:
    """Read "A, B or C" where every item is a known condition; None if anything is left over, or if
    two names follow each other with nothing joining them ("HIV infection" is no list of two).
    Words sharing one head ("hepatic or renal impairment") are read as the names they make with it."""
    names = _read_names(text)
    if names is None and (shared := _shared_head(text)) is not None:
        return _read_names(shared)
    if names is None:
        return _names_then_shared_head(text)
    return names


_LIST_COMMA = re.compile(r"\s*,\s*")


def _names_then_shared_head(text: str) -> list[str] | None:
    """A list whose last items share one head after names of their own ("cardiovascular diseases, diabetes
    mellitus, liver and kidney disease", NCT03925909): the names before a comma, then the shared head's
    names; None unless both read whole (issue #12)."""
    parts = _LIST_COMMA.split(text.strip(" .,;"))
    for cut in range(1, len(parts)):
        rest = _LIST_JOINER.sub("", ", ".join(parts[cut:]), count=1)
        first = _read_names(", ".join(parts[:cut]))
        if first is None or (shared := _shared_head(rest)) is None or (last := _read_names(shared)) is None:
            continue
        return [*first, *(name for name in last if name not in first)]
    return None


# "hepatic or renal impairment": items joined by "or", "and/or", "and", "/" or commas, the last holding the head.
_SHARED_OR = re.compile(r"\b(?:or|and)\b|/", re.IGNORECASE)
_SHARED_JOINER = re.compile(
    r"\s*(?:,\s*(?:and/or|or|and)\s+|,\s*|\s+and/or\s+|\s+or\s+|\s+and\s+|\s*/\s*)", re.IGNORECASE
)


@cache
def _leading_qualifier() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{literal_alternation(clinical_vocab().condition_qualifiers)})(?![\w-])", re.IGNORECASE)


def _shared_head(text: str) -> str | None:
    """ "Hepatic or renal impairment" written out as "hepatic impairment or renal impairment" when each
    item with the last item's head ("impairment", "deficiency" in "vitamin B12 or folic acid deficiency")
    is a condition's whole name (else None) (issue #12). Commas alone ("active, uncontrolled infection")
    join words that narrow one name, not names."""
    if not _SHARED_OR.search(text):
        return None
    *items, last = _SHARED_JOINER.split(text.strip(" .,;"))
    if _leading_qualifier().match(text) and not (
        # "active or latent tuberculosis": a qualifier that is an item of its own, beside a word that is none
        len(items) == 1 and _leading_qualifier().fullmatch(items[0]) and not _leading_qualifier().match(last)
    ):
        return None  # "chronic liver or kidney disease": the qualifier is for every item, read as one
    words = last.split()
    if not items or len(words) < 2 or any(not re.fullmatch(r"[\w'-]+(?: [\w'-]+){0,2}", item) for item in items):
        return None
    for joiner, head in _heads(words):
        # "liver- or renal disease" (NCT03928171): the hyphen only says the head is to come.
        written = [f"{item.rstrip('-')}{joiner}{head}" for item in items]
        if all(len(_read_names(name) or ()) == 1 for name in written) and _read_names(last) is not None:
            return " or ".join([*written, last])
    return None


def headed_item(item: str, last: str) -> str | None:
    """ "Cardiac" before "active hepatic disease" (NCT03867201): a bare word of a list written with the head
    the last item ends in, when a qualifier before that item's name is the last item's own (it is read with
    that item alone); None unless the word then reads as one name and the last item's rest as names
    (issue #12). Without such a qualifier `_shared_head` reads the list whole."""
    if not re.fullmatch(r"[\w'-]+(?: [\w'-]+){0,2}", item) or _read_names(item) is not None:
        return None
    bare = last
    while (match := _leading_qualifier().match(bare)) is not None and match.end() > 0:
        bare = bare[match.end() :].lstrip(" ,")
    words = bare.split()
    if bare == last or len(words) < 2 or _read_names(bare) is None:
        return None
    for joiner, head in _heads(words):
        written = f"{item.rstrip('-')}{joiner}{head}"
        if len(_read_names(written) or ()) == 1:
            return written
    return None


def _heads(words: list[str]) -> list[tuple[str, str]]:
    """The heads the items may share, longest first, each with the joiner that puts an item before it; last
    the end of a hyphened first word ("Second and third-degree heart block", NCT03925779, shares
    "-degree heart block"), so a whole word of the last item is tried as the head before a part of one."""
    heads = [(" ", " ".join(words[cut:])) for cut in range(1, len(words))]
    if "-" in words[0].strip("-"):
        heads.append(("-", " ".join([words[0].split("-", 1)[1], *words[1:]])))
    return heads


def _read_names(text: str) -> list[str] | None:
    by_word = _condition_at_start()
    names: list[str] = []
    rest = text.strip(" .,;")
    while rest:
        first = _FIRST_WORD.match(rest)
        if first is None or first.group().lower() not in by_word:
            return None
        pattern, synonym_names = by_word[first.group().lower()]
        match = pattern.match(rest)
        if match is None or match.lastindex is None:
            return None
        name = synonym_names[match.lastindex - 1]
        if name not in names:
            names.append(name)
        rest = rest[match.end() :].strip()
        rest = _ABBREVIATION.sub("", rest).strip()
        joined = _LIST_JOINER.sub("", rest).strip(" ,/")
        if rest and joined == rest.strip(" ") and not rest.startswith(("/", ",")):
            return None
        rest = joined
    return names or None


@cache
def _framing_pattern() -> re.Pattern[str]:
    # "known" in "known or suspected infection" is half of a qualifier, not framing (issue #12).
    return re.compile(
        rf"(?<!suspected or )\b(?:{literal_alternation(clinical_vocab().condition_framing)})\b(?! or suspected\b)",
        re.IGNORECASE,
    )


@lru_cache(maxsize=16384)
def _strip_framing(text: str) -> str:
    return _SPACES.sub(" ", _framing_pattern().sub(" ", text)).strip(" .,;")


@cache
def _leading_framing_pattern() -> re.Pattern[str]:
    vocab = clinical_vocab()
    framing = sorted(vocab.condition_framing + vocab.condition_leading_framing, key=len, reverse=True)
    return re.compile(rf"^\s*\b(?:{'|'.join(re.escape(f) for f in framing)})\b[\s,]*", re.IGNORECASE)


@cache
def _continuation_pattern() -> re.Pattern[str] | None:
    words = clinical_vocab().condition_leading_framing
    return re.compile(rf"(?:{literal_alternation(words)})\b", re.IGNORECASE) if words else None


def continues_the_one_before(parts: list[str]) -> bool:
    """Whether a part after the first opens with a word that only frames a whole criterion ("Diabetes mellitus;
    with neuropathy"): it goes on from the part before it, so the parts are no separate reasons (issue #12)."""
    pattern = _continuation_pattern()
    return pattern is not None and any(pattern.match(part.lstrip()) is not None for part in parts[1:])


def _consume_after_leading_framing(text: str) -> list[str] | None:
    """The names after the framing words before them, taking those off one at a time ("Patients with a prior
    or concurrent malignancy": "prior or concurrent malignancy" is a name before "prior" would go too), so
    a name that holds a framing word keeps it; None when no such reading is left."""
    pattern = _leading_framing_pattern()
    while (match := pattern.match(text)) is not None and match.end() > 0:
        text = text[match.end() :]
        names = _consume_conditions(text)
        if names is not None:
            return names
    return None
