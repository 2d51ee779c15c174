"""Golden extractions for the condition readings the review of round 1 found partly right: windows closing a
clause, tense, durations, abbreviations, displays (tests/criteria/golden_rules/fixconds.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("fixconds.yaml")
