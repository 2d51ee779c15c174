"""Golden extractions for comorbidities with time windows and qualifiers: lists read item by item,
windows in brackets, "known or suspected" (tests/criteria/golden_rules/comorb.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("comorb.yaml")
