"""Golden extractions for mental-health, drinking, drug and smoking criteria
(tests/criteria/golden_rules/psych.yaml, issue #12)."""

from __future__ import annotations

from golden_rules_support import golden_tests

from eligo.rules import guards

test_golden, test_every_case_cites_a_real_trial = golden_tests("psych.yaml")


def test_items_joined_by_or_are_alternatives() -> None:
    # NCT03861858: the first item ends "and/or", so the numbered items are any one of them, not each required.
    text = "1) intentional self-injury and/or suicide attempt and/or 2) substance use disorder."
    assert guards.alternatives(text)
    assert not guards.alternatives("1) Age 18-65 years 2) Body mass index below 30")
