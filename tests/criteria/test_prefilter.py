"""The keyword prefilters skip only work that could not have found anything.

Over every criteria text of the seed trials, the registry samples in tests/data (ClinicalTrials.gov
records and part of the LCT corpus) and the golden rule cases, split into chunks so that xdist can
share them out:
- parsing with and without the extractor prefilter gives identical output;
- no extractor returns a rule for a criterion its trigger lets it skip (whatever the chain order);
- `TriggerIndex` agrees with `Trigger.fires`;
- the patterns gated inside extractors (therapy's `GatedPattern`s, the lab synonyms) never match
  a text that lacks their words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml
from criteria_seeds import BUNDLED
from tests.support.data import CTGOV_SAMPLES, LCT_CRITERIA, data_dir, sample_files

from eligo.criteria.parse import parse_criteria
from eligo.criteria.tree import CriteriaNode, split_criteria
from eligo.rules import washout as therapy
from eligo.rules.base import CriterionContext
from eligo.rules.extract import _chain, _index
from eligo.rules.lab_threshold import _synonym_patterns
from eligo.rules.prefilter import GatedPattern, Trigger, TriggerIndex, TriggerText, phrase_words
from eligo.trials.model import Trial
from eligo.trials.readers import read_path

CHUNKS = 8
GOLDEN_RULES = Path(__file__).resolve().parent / "golden_rules"


@cache
def _texts() -> tuple[tuple[str, str], ...]:
    """(where, eligibility text) for the seeds, the CT.gov samples, the LCT texts and the golden cases.

    The golden cases are single criteria chosen for the hard wording each rule kind reads, so they
    reach extractors that whole registry texts about other diseases rarely do.
    """
    found: list[tuple[str, str]] = []
    for root in (BUNDLED, data_dir(CTGOV_SAMPLES)):
        for item in read_path(root):
            if isinstance(item, Trial) and item.eligibility.criteria:
                found.append((f"{root.name}/{item.nct_id}", item.eligibility.criteria))
    for path in sample_files(LCT_CRITERIA, "NCT*.txt"):
        found.append((f"lct/{path.stem}", path.read_text("utf-8")))
    for path in sorted(GOLDEN_RULES.glob("*.yaml")):
        for number, case in enumerate(yaml.safe_load(path.read_text("utf-8"))):
            if "text" in case:  # registry.yaml's cases are registry fields, not criteria text
                found.append((f"golden/{path.stem}[{number}]", case["text"]))
    sources = Counter(where.split("/")[0] for where, _ in found)
    assert set(sources) == {BUNDLED.name, CTGOV_SAMPLES.name, "lct", "golden"}, sources
    assert len(found) > 350
    return tuple(found)


def _chunk(index: int) -> tuple[tuple[str, str], ...]:
    return _texts()[index::CHUNKS]


def _contexts(text: str) -> Iterator[CriterionContext]:
    """Every criterion of a text, whole and cut into sentences and clauses, with its parent's text."""

    def walk(nodes: tuple[CriteriaNode, ...], parent: str | None) -> Iterator[CriterionContext]:
        for node in nodes:
            if node.kind == "criterion" and node.text:
                pieces = {node.text, *re.split(r"(?<=[.;])\s+", node.text)}
                for piece in sorted(p for p in pieces if p.strip()):
                    yield CriterionContext(text=piece, section=node.section, parent_text=parent)
                    if parent is not None:
                        yield CriterionContext(text=piece, section=node.section)
            yield from walk(node.children, node.text or parent)

    tree = split_criteria(text)
    yield from walk(tree.roots, None)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_parsing_with_and_without_the_prefilter_is_identical(chunk: int) -> None:
    for where, text in _chunk(chunk):
        with_prefilter = parse_criteria(text)
        without = parse_criteria(text, prefilter=False)
        if with_prefilter != without:
            first = next(
                (a.id, a.model_dump(), b.model_dump())
                for a, b in zip(
                    (n for c in with_prefilter for n in c.walk()), (n for c in without for n in c.walk()), strict=False
                )
                if a != b
            )
            pytest.fail(f"{where}: the prefilter changed criterion {first[0]}:\n{first[1]}\nwithout:\n{first[2]}")


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_extractor_reads_a_criterion_its_trigger_skips(chunk: int) -> None:
    chain = _chain()
    index = _index()
    checked = 0
    for where, text in _chunk(chunk):
        for ctx in _contexts(text):
            words = TriggerText.of(ctx.text)
            parent = TriggerText.of(ctx.parent_text) if ctx.parent_text else None
            firing = index.firing(ctx.text, ctx.parent_text)
            for position, (extractor, trigger) in enumerate(chain):
                fires = trigger is None or trigger.fires(words, parent)
                assert bool(firing >> position & 1) == fires, (where, extractor.__name__, ctx.text)
                if fires:
                    continue
                checked += 1
                try:
                    rule = extractor(ctx)
                except ValueError:
                    rule = None
                assert rule is None, f"{where}: {extractor.__name__} reads {ctx.text!r} but its trigger skips it"
    assert checked > 1000


def _gated_patterns() -> list[tuple[str, GatedPattern]]:
    return [(name, value) for name, value in vars(therapy).items() if isinstance(value, GatedPattern)]


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_gated_patterns_never_miss_a_match(chunk: int) -> None:
    gated = _gated_patterns()
    synonyms = _synonym_patterns()
    for where, text in _chunk(chunk):
        for ctx in _contexts(text):
            words = TriggerText.of(ctx.text)
            for name, pattern in gated:
                if pattern.regex.search(ctx.text):
                    assert words.has_any(pattern.words), (where, name, ctx.text)
            for regex, test, word in synonyms:
                if word is not None and regex.search(ctx.text):
                    assert words.contains(word), (where, test, word, ctx.text)


def test_therapy_gates_are_declared() -> None:
    names = {name for name, _ in _gated_patterns()}
    assert {"_DURATION", "_CURRENT", "_RECEIVED"} <= names


def test_every_extractor_has_a_trigger() -> None:
    # Not required for correctness, but an extractor without one runs on every criterion: say so here.
    assert [extractor.__name__ for extractor, trigger in _chain() if trigger is None] == []


def test_text_is_case_folded_as_the_regex_engine_compares() -> None:
    # Python's IGNORECASE matches these four non-ASCII letters to ASCII ones; str.lower() alone does not.
    for letter, ascii_letter in (("İ", "i"), ("ı", "i"), ("ſ", "s"), ("K", "k")):
        assert re.fullmatch(ascii_letter, letter, re.IGNORECASE)
        assert TriggerText.of(letter).lowered == ascii_letter
    text = TriggerText.of("PREGNANCY or breast-\\feeding, HB ≥ 9")
    assert text.plain == "PREGNANCY or breast-feeding, HB ≥ 9"
    assert text.has_any(("pregnan",)) and text.has_any(("breast",)) and text.contains("hb")
    assert not text.contains("Hb")  # words with capitals are matched as written
    assert TriggerText.of("ſtem cell İnfusion").has_any(("stem",)) and TriggerText.of("İnfusion").contains("infusion")


def test_triggers_and_gates_refuse_words_they_could_miss() -> None:
    for bad in ("", "life expectancy", "naïve"):
        with pytest.raises(ValueError):
            Trigger((bad,))
        with pytest.raises(ValueError):
            GatedPattern("x", (bad,))


def test_phrase_words_take_the_longest_run_or_give_up() -> None:
    assert phrase_words(["absolute neutrophil count", "ANC"]) == ("neutrophil", "anc")
    assert phrase_words(["ALT (SGPT)"], case_sensitive=True) == ("SGPT",)
    assert phrase_words(["+/-"]) is None
    assert phrase_words(["café au lait"]) is None


def test_index_matches_each_trigger() -> None:
    triggers = [Trigger(("pregnan", "+")), None, Trigger(("ALT",)), Trigger(("dose",), parent_words=("currently",))]
    index = TriggerIndex(triggers)
    cases = [
        ("Pregnant women", None),
        ("ALT > 5 x ULN", None),
        ("alt > 5", None),
        ("18+ years", None),
        ("no words here", "Patients currently on the following"),
        ("last dose", None),
        ("", None),
    ]
    for text, parent in cases:
        words, parent_words = TriggerText.of(text), TriggerText.of(parent) if parent else None
        expected = [trigger is None or trigger.fires(words, parent_words) for trigger in triggers]
        assert index.runs(text, parent) == expected, text
    assert index.runs("PregnancyALT", None) == [True, True, True, False]


def test_index_with_many_words_looks_up_pieces_of_short_runs_alike() -> None:
    # More trigger words than pieces of a short run: the index looks the run's pieces up instead.
    many = Trigger((*(f"w{number}x" for number in range(200)), "smok", "hepatitis"))
    triggers = [many, Trigger(("cancer",))]
    index = TriggerIndex(triggers)
    for text in ("Smokers", "non-smoking", "w17x", "aw150xb", "hepatitis B", "w", "cancers", "a" * 40 + "cancer"):
        words = TriggerText.of(text)
        assert index.runs(text, None) == [trigger.fires(words, None) for trigger in triggers], text


def test_gated_pattern_searches_like_its_regex() -> None:
    gated = GatedPattern(r"\bwithin (\d+) days?", ("within",))
    for text in ("Within 14 days of enrollment", "no window", "WİTHIN 3 days"):
        expected = gated.regex.search(text)
        found = gated.search(text)
        assert (found and found.span()) == (expected and expected.span()), text
