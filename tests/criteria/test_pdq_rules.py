"""Golden extractions for the old NCI PDQ eligibility format (tests/criteria/golden_rules/pdq.yaml, issue #12)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("pdq.yaml")
