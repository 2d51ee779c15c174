"""Golden extractions for drug and therapy criteria: medicines by research code or brand, psychotropic,
sedative, botulinum toxin, immunoglobulin and antimicrobial windows, and therapies received now
(tests/criteria/golden_rules/drugs.yaml, issue #12)."""

from golden_rules_support import golden_tests

test_golden, test_every_case_cites_a_real_trial = golden_tests("drugs.yaml")
