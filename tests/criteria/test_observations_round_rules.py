"""Golden extractions for plain-threshold measurements the parser used to leave as free text: blood
pressure wordings, lab ranges and abbreviations, new lab tests and a bare gestational age read by whose
the trial's inclusions say it is (tests/criteria/golden_rules/observations_round.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("observations_round.yaml")
