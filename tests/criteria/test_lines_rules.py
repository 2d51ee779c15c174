"""Golden extractions for counts of prior lines of therapy (tests/criteria/golden_rules/lines.yaml, issue #12)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("lines.yaml")
