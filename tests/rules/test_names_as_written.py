"""A medicine the trial names by a brand or another name is asked about under that name too
("methoxyflurane (Penthrox)", "bevacizumab (Avastin)"), and "other X" in an exclusion is no rule
about any X (issue #12)."""

from __future__ import annotations

import pytest

from eligo.rules.base import CriterionContext, Section
from eligo.rules.extract import extract


def _question(text: str, section: Section = "exclusion") -> str:
    found = extract(CriterionContext(text=text, section=section))
    assert found.rule is not None and not found.partial
    return found.rule.question(section)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Prior treatment with PENTHROX within 3 months", "methoxyflurane (Penthrox)"),
        ("Use of Coumadin or heparin", "warfarin (Coumadin) or heparin"),
        ("Prior treatment with Avastin", "bevacizumab (Avastin)"),
        ("Currently receiving Decadron", "dexamethasone (Decadron)"),
    ],
)
def test_the_name_the_trial_wrote_is_in_the_question(text: str, shown: str) -> None:
    assert shown in _question(text)


@pytest.mark.parametrize("text", ["Use of warfarin", "Prior bevacizumab"])
def test_the_preferred_name_alone_is_shown_once(text: str) -> None:
    assert "(" not in _question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Other concurrent systemic corticosteroids",
        "Currently receiving other systemic corticosteroids",
        "Receiving any other anticancer therapy",
        "Concurrent treatment with another chemotherapy",
    ],
)
def test_other_in_an_exclusion_is_no_rule(text: str) -> None:
    assert extract(CriterionContext(text=text, section="exclusion")).rule is None
