"""A trial's registry age limits ("Minimum Age: 1 Year", "Maximum Age: 21 Years") read once, in completed months.

The store's age prefilter and the age rule both read these limits from here, so a child the
trial page calls old enough is never filtered out of a search before the page is reached.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

AgeUnit = Literal["years", "months"]

_REGISTRY_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_DAYS_PER_MONTH = 365.25 / 12
_MONTHS_PER_UNIT = {
    "year": 12.0,
    "month": 1.0,
    "week": 7 / _DAYS_PER_MONTH,
    "day": 1 / _DAYS_PER_MONTH,
    "hour": 1 / (24 * _DAYS_PER_MONTH),
    "minute": 1 / (24 * 60 * _DAYS_PER_MONTH),
}
_NO_LIMIT = frozenset({"", "N/A", "NA", "NONE"})


def last_month_admitted(max_months: int, unit: AgeUnit, *, inclusive: bool = True) -> int:
    """The oldest age, in completed months, an upper limit admits.

    An inclusive limit in whole years counts that whole last year, as ClinicalTrials.gov and COG
    read it: "≤ 18 years" admits 18 years 11 months; "< 18 years" ends at the 18th birthday.
    """
    if not inclusive:
        return max_months - 1
    if unit == "years" and max_months % 12 == 0:
        return max_months + 11
    return max_months


@dataclass(frozen=True)
class AgeLimits:
    """Both registry limits, inclusive, in months.

    `min_months` and `max_months` are the limits as written, rounded to whole months on the
    permissive side (minimum down, maximum up): no trial in scope draws a line finer than a
    month, and rounding the other way could wrongly turn a child away. `unit` is "years" when
    every limit is written in years, which is when the maximum runs through its whole last year.
    """

    min_months: int | None
    max_months: int | None
    unit: AgeUnit

    @property
    def youngest_months(self) -> int | None:
        """The youngest age, in completed months, the trial admits (None: no lower limit)."""
        return self.min_months

    @property
    def oldest_months(self) -> int | None:
        """The oldest age, in completed months, the trial admits (None: no upper limit)."""
        return None if self.max_months is None else last_month_admitted(self.max_months, self.unit)

    def admits(self, months: int) -> bool:
        """Whether a child of `months` completed months is inside both limits."""
        youngest, oldest = self.youngest_months, self.oldest_months
        return (youngest is None or months >= youngest) and (oldest is None or months <= oldest)


class UnreadableAge(ValueError):
    """A registry age that is neither a limit ("18 Months") nor a statement of none ("N/A")."""


def _months(text: str | None, *, upper: bool, strict: bool) -> tuple[int | None, str | None]:
    """(months, unit word) of one registry age; (None, None) when absent, or unreadable unless `strict`."""
    if text is None or text.strip().upper() in _NO_LIMIT:
        return None, None
    match = _REGISTRY_AGE.match(text)
    if match is None:
        if strict:
            raise UnreadableAge(f"unreadable registry age {text!r}")
        return None, None
    unit = match.group(2).lower()
    months = float(match.group(1)) * _MONTHS_PER_UNIT[unit]
    return (math.ceil(months - 1e-9) if upper else math.floor(months + 1e-9)), unit


def registry_age_limits(minimum: str | None, maximum: str | None, *, strict: bool = False) -> AgeLimits | None:
    """Read ClinicalTrials.gov `minimumAge` / `maximumAge` ("1 Year", "18 Months", "N/A"); None when neither limits.

    An unreadable limit counts as no limit (the prefilter must not hide a trial over a typo, and
    the trial's own criteria text still says what it needs), or raises `UnreadableAge` if `strict`.
    """
    low, low_unit = _months(minimum, upper=False, strict=strict)
    high, high_unit = _months(maximum, upper=True, strict=strict)
    if low == 0:
        low = None  # "0 Years" is every child
    if low is None and high is None:
        return None
    units = {unit for unit in (low_unit, high_unit) if unit is not None}
    return AgeLimits(min_months=low, max_months=high, unit="months" if units - {"year"} else "years")


__all__ = ["AgeLimits", "AgeUnit", "UnreadableAge", "last_month_admitted", "registry_age_limits"]
