"""Golden extractions for the comorbidities oncology trials exclude: example lists, reasons, clauses,
new terms (tests/criteria/golden_rules/conds1.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("conds1.yaml")
