"""Golden extractions for the condition kind over the heart, lung, kidney, liver, hormone and blood
conditions and the framings real criteria use (tests/criteria/golden_rules/conditions_organs.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("conditions_organs.yaml")
