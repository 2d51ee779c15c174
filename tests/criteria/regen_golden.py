"""Regenerate the golden parses of the four seed trials.

Run:  .venv/bin/python tests/criteria/regen_golden.py
Then REVIEW `git diff tests/criteria/golden/` by hand against the criteria text: the tree
(groups, any/all, table rows, notes) and each rule must say what the trial says. A golden file
is a claim a person checked, not a snapshot of whatever the code does today.
"""

from __future__ import annotations

from criteria_seeds import GOLDEN, SEED_IDS, seed_trial

from eligo.criteria.parse import parse_trial


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for nct_id in SEED_IDS:
        (GOLDEN / f"{nct_id}.json").write_text(parse_trial(seed_trial(nct_id)).to_json(), "utf-8")


if __name__ == "__main__":
    main()
