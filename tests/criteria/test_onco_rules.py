"""Golden extractions for adult-oncology criteria: performance status, life expectancy, disease extent,
diagnosis, leptomeningeal disease, toxicity recovered (tests/criteria/golden_rules/onco.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("onco.yaml")
