"""Golden extractions for the condition vocabulary's long tail in the heart, lung, kidney, liver, digestive, blood and
hormone files (tests/criteria/golden_rules/condsa.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("condsa.yaml")
