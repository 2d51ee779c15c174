"""Golden extractions for the round-3 review fixes: explanatory brackets, page footers, lasting conditions
with a lab limit, "congenital" before an acquired disease, windows from a diagnosis and score ranges
(tests/criteria/golden_rules/fixes.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("fixes.yaml")
