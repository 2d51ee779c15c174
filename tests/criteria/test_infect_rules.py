"""Golden extractions for infections, immune status, hormone and other general conditions
(tests/criteria/golden_rules/infect.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("infect.yaml")
