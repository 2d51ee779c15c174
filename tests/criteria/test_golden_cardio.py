"""Golden extractions for heart, blood-vessel, lung, kidney and liver comorbidities and the list shapes that
share one head (tests/criteria/golden_rules/cardio.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("cardio.yaml")
