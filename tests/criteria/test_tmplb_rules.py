"""Golden extractions for the industry adult-oncology template's pregnancy wording and its near-misses
(tests/criteria/golden_rules/tmplb.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("tmplb.yaml")
