"""Golden extractions for oncology disease criteria (oncdx, issue #12): tests/criteria/golden_rules/oncdx.yaml."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("oncdx.yaml")
