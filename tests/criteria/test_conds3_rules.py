"""Golden extractions for named conditions: windows closing a narrowing clause, diagnostic definitions,
GVHD, pericardial effusion, HIV and hepatitis B status wordings (tests/criteria/golden_rules/conds3.yaml, issue #12)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("conds3.yaml")
