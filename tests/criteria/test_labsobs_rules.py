"""Golden extractions for lab limits with an exception, observations, life expectancy, ASA physical status
and language (tests/criteria/golden_rules/labsobs.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("labsobs.yaml")
