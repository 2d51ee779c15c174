"""Golden cases for medicine and class names the vocabulary lacked, branch meds2 (issue #12): criterion text in,
rule out, through the whole extraction chain (tests/criteria/golden_rules/medsnames.yaml)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("medsnames.yaml")
