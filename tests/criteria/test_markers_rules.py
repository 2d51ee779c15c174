"""Golden extraction cases for tumour markers and disease extent in oncology criteria (issue #12)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("markers.yaml")
