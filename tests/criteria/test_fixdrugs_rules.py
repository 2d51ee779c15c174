"""Golden extractions for the issue #12 review fixes: "other" in an exclusion, intravenous
immunoglobulin, systemic antimicrobials, brands in questions and language difficulty
(tests/criteria/golden_rules/fixdrugs.yaml)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("fixdrugs.yaml")
