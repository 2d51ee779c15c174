"""Golden extractions for therapy history, washouts and concomitant medicines in cancer trials
(tests/criteria/golden_rules/oncrx.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("oncrx.yaml")
