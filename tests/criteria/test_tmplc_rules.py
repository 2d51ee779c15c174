"""Golden extractions for the industry adult-oncology template's measurable disease with RECIST's note on
irradiated lesions (tests/criteria/golden_rules/tmplc.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("tmplc.yaml")
