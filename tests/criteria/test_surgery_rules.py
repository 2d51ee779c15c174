"""Golden extractions for surgery, transplant, implanted-device and MRI-precluding criteria, and the ones
that must stay free text (tests/criteria/golden_rules/surgery.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("surgery.yaml")
