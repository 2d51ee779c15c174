"""Golden extractions for diagnoses: childhood, adult and blood cancers, confirmation said after the diagnosis,
lists that share their last item's head (tests/criteria/golden_rules/diagnoses.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("diagnoses.yaml")
