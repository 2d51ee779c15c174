"""Golden extractions for conditions of the nerves, bones and joints, eyes, ears and bowel, and a list item that
goes on from its heading with "with" (tests/criteria/golden_rules/neuro.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("neuro.yaml")
