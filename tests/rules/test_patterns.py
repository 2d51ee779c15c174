"""Trigger words are derived from the kinds' patterns (`eligo.rules.patterns.required_words`), so a pattern
and its prefilter cannot disagree (issue #10)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligo.rules.patterns import KindPatterns, literal_alternation, patterns, required_words
from eligo.rules.prefilter import TriggerText


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"^life expectancy\s*(?P<c>[≥>])\s*\d+", ("expectancy",)),
        # An optional part proves nothing; the word every match passes through does.
        (r"^(?:patients must have )?high[- ]risk neuroblastoma", ("neuroblastoma",)),
        # One word from each branch of an alternation.
        (r"\b(lansky|karnofsky|KPS)\b", ("karnofsky", "kps", "lansky")),
        # A repeat that may be absent proves nothing, one that must occur does.
        (r"(?:grade )*\d", None),
        (r"(?:grade )+\d", ("grade",)),
        # Case kept where the pattern compares case.
        (r"(?-i:ALT)\s*≤", ("ALT",)),
        (r"\d+\s*%", None),
        # The regex parser moves the branches' shared prefix out front ("pr" + "ior|evious"); words stay whole.
        (r"(?:prior|previous) \d", ("previous", "prior")),
    ],
)
def test_required_words(pattern: str, words: tuple[str, ...] | None) -> None:
    assert required_words(pattern) == words


@pytest.mark.parametrize(
    "text",
    [
        "Patients must have high-risk neuroblastoma",
        "high risk neuroblastoma",
        "Lansky ≥ 50",
        "KARNOFSKY ≥ 50",
        "\u212aarnofsky ≥ 50",  # the Kelvin sign matches "k" under IGNORECASE
        "grade grade 2",
    ],
)
def test_every_match_holds_one_of_the_words(text: str) -> None:
    for pattern in (
        r"^(?:patients must have )?high[- ]risk neuroblastoma",
        r"\b(lansky|karnofsky|KPS)\b",
        r"(?:grade )+\d",
    ):
        words = required_words(pattern)
        assert words is not None
        if re.search(pattern, text, re.IGNORECASE):
            assert TriggerText.of(text).has_any(words), (pattern, text)


def test_every_block_has_trigger_words_from_its_patterns() -> None:
    for name, block in patterns().items():
        if not block.gating:
            with pytest.raises(ValueError, match="gates no step"):
                _ = block.trigger
            continue
        assert block.trigger.words, name
        if block.triggers is None:
            assert block.trigger.words == block.derived_words(), name


def test_a_block_without_words_to_derive_must_give_them() -> None:
    with pytest.raises(ValueError, match="give `triggers`"):
        KindPatterns.model_validate({"patterns": [r"\d+\s*%"]})
    assert KindPatterns.model_validate({"patterns": [r"\d+\s*%"], "triggers": ["percent"]}).trigger.words == (
        "percent",
    )
    with pytest.raises(ValueError, match="not named patterns"):
        KindPatterns.model_validate({"named": {"a": "alpha"}, "gates": ["b"]})


def test_a_number_part_lists_the_blocks_number_words() -> None:
    block = {"numbers": {"one": 1, "two": 2}, "named": {"n": r"(?&number) days"}, "gates": ["n"]}
    assert KindPatterns.model_validate({**block, "parts": {"number": r"\d+|one|two"}}).regex("n").match("two days")
    with pytest.raises(ValueError, match="number words"):
        KindPatterns.model_validate({**block, "parts": {"number": r"\d+|one|three"}})


def _flat(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))})\b", re.IGNORECASE)


def test_a_literal_alternation_shares_prefixes_and_prefers_the_longer_word() -> None:
    pattern = literal_alternation(["heart attack", "heart failure", "heart", "Heart Failure"])
    assert pattern.count("heart") == 1  # one branch per shared prefix; case merged as IGNORECASE compares
    regex = re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
    assert [m.group() for m in regex.finditer("Heart failure, heart disease, HEART ATTACK")] == [
        "Heart failure",
        "heart",
        "HEART ATTACK",
    ]


@given(
    st.lists(st.text(alphabet="abAB -.", min_size=1, max_size=5), min_size=1, max_size=8),
    st.text(alphabet="abAB -.x", max_size=30),
)
def test_a_literal_alternation_matches_as_the_flat_longest_first_one(words: list[str], text: str) -> None:
    """The trie finds what `"|".join(sorted(words, key=len, reverse=True))` finds, in the same places."""
    trie = re.compile(rf"\b(?:{literal_alternation(words)})\b", re.IGNORECASE)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in _flat(words).finditer(text)]
