"""Criteria splitting is linear in a line's length (issue #11, item 7): a 640 KB line took 49 s and a 200 MB
line did not finish. Each shape below is split in a child process under a CPU cap that the old quadratic
patterns (table rows, "EXCEPT ... the following") exceed many times over, and the result is checked."""

from __future__ import annotations

import json

import pytest
from tests.support.confined import run_confined

from eligo.criteria.tree import split_criteria

_CHILD = """
import json, sys
from eligo.criteria.tree import split_criteria
unit, size = sys.argv[1], int(sys.argv[2])
line = (unit * (size // len(unit) + 1))[:size]
tree = split_criteria("Inclusion Criteria:\\n\\n* " + line + "\\n* " + line + " EXCEPT the following:\\n")
print(json.dumps([len(tree.inclusion), tree.inclusion[0].kind]))
"""

SHAPES = {
    "sentences with digits and no colon": "Age 1 to 21. Prior therapy allowed; ",
    "except without a full stop": "except prior therapy ",
    "digits": "1 2 3 4 ",
}


@pytest.mark.parametrize("unit", list(SHAPES.values()), ids=list(SHAPES))
def test_a_1_mb_line_is_split_within_a_small_cpu_budget(unit: str) -> None:
    done = run_confined(["-c", _CHILD, unit, str(1024 * 1024)], cpu_seconds=30)
    assert done.returncode == 0, f"exit status {done.returncode} (-9 or -24: over the CPU cap)\n{done.stderr[-2000:]}"
    assert json.loads(done.stdout) == [2, "criterion"]


def test_table_rows_and_exception_lists_are_still_recognised() -> None:
    tree = split_criteria(
        "Inclusion Criteria:\n\n"
        "* Adequate blood counts:\n"
        "* ANC 1 x 10^9/L: >= 1.0\n"
        "* ANC 2 x 10^9/L: >= 0.75\n"
        "* ANC 3 x 10^9/L: >= 0.5\n"
        "* No prior therapy EXCEPT for the following:\n"
        "  * Surgery\n"
    )
    rows, exceptions = tree.inclusion
    assert rows.children[0].text.startswith("ANC 1")
    assert len(rows.children) == 3
    assert exceptions.kind == "criterion" and len(exceptions.children) == 1
