"""The comparator words a criterion's threshold is written with, shared by rules, extractors and unit checks."""

from __future__ import annotations

from typing import Literal, get_args

Comparator = Literal[">=", ">", "<=", "<"]
COMPARATORS: tuple[Comparator, ...] = get_args(Comparator)

__all__ = ["COMPARATORS", "Comparator"]
