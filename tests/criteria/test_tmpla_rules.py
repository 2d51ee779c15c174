from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("tmpla.yaml")
