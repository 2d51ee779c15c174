"""Golden schedules: every bundled trial's text -> schedule and family-weeks summary, as reviewed by hand."""

from __future__ import annotations

import pytest

from tests.schedule.bundled_trials import GOLDEN, bundled_trials
from tests.schedule.regen_golden import golden_text

BUNDLED_IDS = sorted(bundled_trials())


def test_every_bundled_trial_has_a_golden_file() -> None:
    assert {path.stem for path in GOLDEN.glob("*.json")} == set(BUNDLED_IDS)
    # the four seed studies and the UK overlay's seven trials
    assert len(BUNDLED_IDS) == 11


@pytest.mark.parametrize("nct_id", BUNDLED_IDS)
def test_schedule_matches_its_reviewed_golden_file(nct_id: str) -> None:
    expected = (GOLDEN / f"{nct_id}.json").read_text("utf-8")
    assert golden_text(nct_id) == expected, (
        f"{nct_id}: run `PYTHONPATH=src python -m tests.schedule.regen_golden` and review the diff by hand"
    )
