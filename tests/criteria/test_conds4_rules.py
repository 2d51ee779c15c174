"""Golden extractions for any other illness ("significant medical condition", "severe comorbidities",
"uncontrolled systemic disease") and body systems sharing one head
(tests/criteria/golden_rules/conds4.yaml, issue #12)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("conds4.yaml")
