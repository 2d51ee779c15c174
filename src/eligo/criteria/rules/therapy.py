"""Therapy history rules: washout windows since a therapy class, prior therapy allowed or
forbidden, cumulative doses and stored stem cells."""

from __future__ import annotations

from typing import Literal, Union

from eligo.criteria.rules.base import RuleBase, Section


class WashoutRule(RuleBase):
    kind: Literal["washout"] = "washout"
    therapy_class: str
    min_days: int

    def question(self, section: Section) -> str:
        return f"Has your child had {self.therapy_class} in the last {self.min_days} days?"


TherapyRule = Union[WashoutRule]
