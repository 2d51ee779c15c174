"""Golden extractions from the lead's 2026-12-03 round: other trials now, and free text kept on purpose
(tests/criteria/golden_rules/lead_round.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("lead_round.yaml")
