"""The seed trials parse exactly as their hand-reviewed golden files say (regen: regen_golden.py)."""

from __future__ import annotations

import difflib

import pytest
from criteria_seeds import GOLDEN, SEED_IDS, seed_trial

from eligo.criteria.parse import ParsedCriteria, parse_trial


@pytest.mark.parametrize("nct_id", SEED_IDS)
def test_seed_parse_matches_golden(nct_id: str) -> None:
    golden_path = GOLDEN / f"{nct_id}.json"
    expected = ParsedCriteria.from_json(golden_path.read_text("utf-8")).to_json()
    actual = parse_trial(seed_trial(nct_id)).to_json()
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{nct_id}.json",
                tofile="current parse",
                n=2,
            )
        )
        pytest.fail(
            f"{nct_id} parses differently from its golden file "
            f"(if intended: run tests/criteria/regen_golden.py and review):\n{diff}"
        )


@pytest.mark.parametrize("nct_id", SEED_IDS)
def test_golden_offsets_point_into_the_criteria(nct_id: str) -> None:
    text = seed_trial(nct_id).eligibility.criteria or ""
    for root in ParsedCriteria.from_json((GOLDEN / f"{nct_id}.json").read_text("utf-8")).criteria:
        for node in root.walk():
            assert text[node.start : node.end] == node.source_text
