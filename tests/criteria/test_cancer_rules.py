"""Golden extractions for oncology criteria that stayed free text (cancer, issue #12):
tests/criteria/golden_rules/cancer.yaml."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("cancer.yaml")
