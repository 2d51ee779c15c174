"""Regenerate the golden schedules of every bundled trial.

Run:  PYTHONPATH=src .venv/bin/python -m tests.schedule.regen_golden
Then REVIEW `git diff tests/schedule/golden/` by hand against each trial's arms, interventions and
descriptions: every agent, route, day, cycle length, count, condition, procedure and follow-up must
be what the text says, and every timing sentence the extractor could not read must be in `unparsed`.
A golden file is a claim a person checked, not a snapshot of whatever the code does today.
"""

from __future__ import annotations

import json

from eligo.schedule import extract_schedule, family_weeks
from tests.schedule.bundled_trials import GOLDEN, bundled_trials


def golden_text(nct_id: str) -> str:
    trial = bundled_trials()[nct_id]
    schedule = extract_schedule(trial)
    data = {
        "schedule": schedule.model_dump(mode="json"),
        "weeks": family_weeks(schedule).model_dump(mode="json"),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for nct_id in bundled_trials():
        (GOLDEN / f"{nct_id}.json").write_text(golden_text(nct_id), "utf-8")


if __name__ == "__main__":
    main()
