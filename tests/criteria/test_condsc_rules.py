"""Golden extractions for inclusions that ask for the trial's own condition, with the words that narrow it kept,
and recurring exclusion conditions (tests/criteria/golden_rules/condsc.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("condsc.yaml")
