"""Golden extractions for events inside a time window: conditions, medicines, surgery, another trial,
recent lab results (tests/criteria/golden_rules/windows.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("windows.yaml")
