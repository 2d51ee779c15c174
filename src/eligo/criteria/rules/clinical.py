"""Rules about the child and the disease: age, sex, diagnosis, disease state and sites,
biomarkers, performance status, life expectancy, organ function, infection, pregnancy,
and attestations (consent, assent)."""

from __future__ import annotations

from typing import Literal, Union

from eligo.criteria.rules.base import RuleBase, Section


class SexRule(RuleBase):
    kind: Literal["sex"] = "sex"
    sex: Literal["female", "male"]

    def question(self, section: Section) -> str:
        return f"Is your child {self.sex}?"


ClinicalRule = Union[SexRule]
