"""Golden extractions of the precision round: another cancer than the trial's own, and "history of cancer"
kept as any cancer where no word says otherwise (tests/criteria/golden_rules/precision.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("precision.yaml")
