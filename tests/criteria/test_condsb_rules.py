"""Golden extractions for the condition vocabulary's long tail: infections, immune and allergic, nerves, mental
health, symptoms, skin, eyes and ears, bones and injuries, gynaecology (tests/criteria/golden_rules/condsb.yaml,
issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("condsb.yaml")
