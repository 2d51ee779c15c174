"""Golden extractions for conditions of the other body systems (mind, nerves, eyes, teeth, bones, skin,
gut, genetic syndromes) and the shapes general trials write them in (tests/criteria/golden_rules/conds2.yaml,
issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("conds2.yaml")
