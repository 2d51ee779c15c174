"""Laboratory threshold rules: absolute values with units, multiples of the upper limit of
normal, age/sex-adjusted tables, and alternatives such as creatinine or GFR."""

from __future__ import annotations

from typing import Literal, Union

from eligo.criteria.rules.base import RuleBase, Section


class LabThresholdRule(RuleBase):
    kind: Literal["lab_threshold"] = "lab_threshold"
    test: str
    comparator: Literal[">=", ">", "<=", "<"]
    value: float
    unit: str

    def question(self, section: Section) -> str:
        return f"Is your child's most recent {self.test} {self.comparator} {self.value} {self.unit}?"


LabRule = Union[LabThresholdRule]
