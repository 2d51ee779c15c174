"""Standard criteria of industry adult-oncology protocols (Merck/pembrolizumab-style templates), read whole,
in part or left free text (issue #12). The texts are worded as those templates word them; most local trials
do not carry them, so they are checked here rather than in tests/criteria/golden_rules."""

from __future__ import annotations

import pytest
from tests.support.reading import leaf_in_cancer_trial, rule_of

from eligo.criteria.parse import parse_criteria

_leaf = leaf_in_cancer_trial
_rule = rule_of


_PREGNANT = {"kind": "pregnancy", "topic": "pregnant", "pregnant": True, "breastfeeding": False, "present": True,
             "sex": "female"}  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "A WOCBP who has a positive urine pregnancy test within 72 hours prior to randomization.",
        "Has a positive urine pregnancy test within 72 hours prior to randomization.",
        "A woman of childbearing potential who has a positive serum pregnancy test within 72 hours prior to "
        "the first dose of study treatment",
        "WOCBP who has a positive pregnancy test",
    ],
)
def test_positive_pregnancy_test_is_the_pregnancy_exclusion(text: str) -> None:
    node = _leaf(text, "Exclusion")
    assert _rule(node) == _PREGNANT
    assert not node.unparsed


def test_positive_test_beside_another_condition_is_not_read_whole() -> None:
    node = _leaf("A positive pregnancy test within 72 hours prior to randomization while receiving hormone therapy",
                 "Exclusion")  # fmt: skip
    assert node.rule is None or node.unparsed


_PD_AXIS = ["anti_pd1", "anti_pdl1", "anti_pdl2"]


@pytest.mark.parametrize(
    "text",
    [
        "Has received prior therapy with an anti-PD-1, anti-PD-L1, or anti PD-L2 agent or with an agent directed "
        "to another stimulatory or co-inhibitory T-cell receptor (eg, CTLA-4, OX 40, CD137).",
        "Prior therapy with an anti-PD-1, anti-PD-L1, or anti-PD-L2 agent or with an agent directed to another "
        "co-inhibitory T-cell receptor (e.g., CTLA-4, OX-40, CD137)",
    ],
)
def test_prior_checkpoint_therapy_is_read_and_the_other_receptor_left_over(text: str) -> None:
    node = _leaf(text, "Exclusion")
    rule = _rule(node)
    assert rule is not None and rule["kind"] == "prior_therapy" and rule["condition"] == "received"
    assert rule["exposure"]["therapy_classes"] == _PD_AXIS  # type: ignore[index]
    assert len(node.unparsed) == 1 and "directed to another" in node.unparsed[0]


def test_other_receptor_in_an_inclusion_stays_free_text() -> None:
    # Either therapy would do: the unread one may be the child's, so the read one decides nothing.
    node = _leaf("Has received prior therapy with an anti-PD-1 agent or with an agent directed to another "
                 "co-inhibitory T-cell receptor")  # fmt: skip
    assert node.rule is None


@pytest.mark.parametrize(
    ("text", "low", "high", "classes"),
    [
        ("Received at least 1 but no more than 3 prior lines of systemic therapy", 1, 3, None),
        ("Has received at least 1 and no more than 2 prior lines of chemotherapy", 1, 2, ["chemotherapy"]),
    ],
)
def test_line_range(text: str, low: int, high: int, classes: list[str] | None) -> None:
    node = _leaf(text)
    rule = _rule(node)
    assert rule is not None and rule["kind"] == "prior_lines"
    assert (rule["min_lines"], rule["max_lines"]) == (low, high)
    assert (rule.get("exposure") or {}).get("therapy_classes") == classes  # type: ignore[attr-defined]
    assert not node.unparsed


def test_received_more_than_two_lines() -> None:
    node = _leaf("Received more than 2 prior lines of systemic therapy", "Exclusion")
    assert _rule(node) == {"kind": "prior_lines", "min_lines": 3}


@pytest.mark.parametrize(
    "text",
    [
        # The profile counts lines for this cancer, not by setting: the setting is kept by leaving it free.
        "Received more than 2 prior lines of chemotherapy for metastatic disease",
        # A range upside down is no range.
        "At least 2 but no more than 1 prior regimens",
    ],
)
def test_lines_left_free_text(text: str) -> None:
    assert _leaf(text, "Exclusion" if "metastatic" in text else "Inclusion").rule is None


@pytest.mark.parametrize(
    "text",
    [
        # An either-of whose steroid part carries a dose no rule holds: the dose is kept by leaving it free.
        "Has a diagnosis of immunodeficiency or is receiving chronic systemic steroid therapy (in dosing exceeding "
        "10 mg daily of prednisone equivalent) or any other form of immunosuppressive therapy within 7 days prior "
        "to the first dose of study drug.",
        # A washout that would drop the dose ("any steroid in the last 7 days" is not what the trial asks).
        "Is receiving chronic systemic steroid therapy (in dosing exceeding 10 mg daily of prednisone equivalent) "
        "within 7 days prior to the first dose of study drug",
        "Systemic corticosteroids > 10 mg/day prednisone equivalent within 7 days",
    ],
)
def test_steroid_dose_is_never_dropped(text: str) -> None:
    assert _leaf(text, "Exclusion").rule is None


def test_an_exception_that_allows_a_dose_of_a_drug_does_not_leave_out_the_drug() -> None:
    # "except prednisone ≤ 10 mg daily" allows a low dose, not prednisone: reading it as every dose of prednisone
    # left out would clear a child on 40 mg a day (review of this round, issue #12).
    text = "Systemic corticosteroids within 7 days, except prednisone ≤ 10 mg daily"
    node = parse_criteria(f"Exclusion Criteria:\n\n* {text}\n")[0]
    assert node.rule is None
