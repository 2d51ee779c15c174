"""Golden extractions for mental-health, drinking, drug and smoking criteria
(tests/criteria/golden_rules/psych.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("psych.yaml")
