"""An allergy list may name a class after a member as "other <class>" ("CX157 or excipients, other MAO
inhibitors", NCT00739908): read only when the vocabularies know the class and a name comes before it;
"or other drugs" and a bare "other X" stay free text (issue #12)."""

from __future__ import annotations

import pytest

from eligo.rules.allergy import AllergyRule
from eligo.rules.base import CriterionContext
from eligo.rules.extract import extract


def _allergy(text: str) -> AllergyRule | None:
    found = extract(CriterionContext(text=text, section="exclusion")).rule
    assert found is None or isinstance(found, AllergyRule), found
    return found


@pytest.mark.parametrize(
    ("text", "substances"),
    [
        ("Allergy to aspirin or other NSAIDs", ("aspirin", "other NSAIDs")),
        (
            "Known hypersensitivity to sevoflurane or other halogenated anaesthetics",
            ("sevoflurane", "other halogenated anaesthetics"),
        ),
        ("Hypersensitivity to cisplatin or other platinum compounds", ("cisplatin", "other platinum compounds")),
    ],
)
def test_a_known_class_after_a_name_is_kept_whole(text: str, substances: tuple[str, ...]) -> None:
    rule = _allergy(text)
    assert rule is not None and rule.substances == substances


@pytest.mark.parametrize(
    "text",
    [
        "Allergy to aspirin or other drugs",  # open: any other medicine
        "Allergy to other NSAIDs",  # other than what?
        "Allergy to penicillin or other allergens",
        "Hypersensitivity to X123 or other compounds of the same class",
        "Allergy to aspirin or other similar medicines",
    ],
)
def test_other_without_a_known_class_stays_free_text(text: str) -> None:
    assert _allergy(text) is None


def test_not_read_as_an_inclusion() -> None:
    text = "Hypersensitivity to CX157 or excipients, other MAO inhibitors, or other phenylethylamines"
    assert extract(CriterionContext(text=text, section="inclusion")).rule is None


def test_a_grade_3_or_higher_is_left_unparsed() -> None:
    found = extract(CriterionContext(text="Known grade ≥3 hypersensitivity to carboplatin", section="exclusion"))
    assert isinstance(found.rule, AllergyRule) and found.rule.substances == ("carboplatin",)
    assert found.unparsed == ("grade ≥3",)
