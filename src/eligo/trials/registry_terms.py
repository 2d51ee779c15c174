"""Older registry wording (legacy XML, API v1 JSON) normalised to API v2 spelling: enum words, dates, ages."""

from __future__ import annotations

import re
from datetime import datetime

from eligo.trials.model import PARTIAL_DATE_PATTERN

# Words whose API v2 spelling is not just the upper-cased, underscored legacy word.
# `None` means the legacy registry used the word to say "no value".
_SPECIAL_ENUM_WORDS: dict[str, str | None] = {
    "unknown status": "UNKNOWN",
    "observational [patient registry]": "OBSERVATIONAL",
    "anticipated": "ESTIMATED",
    "estimate": "ESTIMATED",
    "u.s. fed": "FED",
    "other u.s. federal agency": "OTHER_GOV",
    "individual": "INDIV",
    "ambiguous": "AMBIG",
    "both": "ALL",
    "n/a": None,
    "not applicable": None,
}
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_PHASE = re.compile(r"^(early\s+)?phase\s*(\d)$", re.IGNORECASE)
_LEGACY_DATE_FORMATS = (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m"), ("%b %d, %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m"))
_YES = frozenset({"yes", "true", "accepts healthy volunteers"})
_NO = frozenset({"no", "false"})


def enum_word(text: str | None) -> str | None:
    """'Active, not recruiting' -> 'ACTIVE_NOT_RECRUITING'; words that mean 'no value' -> None."""
    if text is None or not text.strip():
        return None
    key = " ".join(text.split()).lower()
    if key in _SPECIAL_ENUM_WORDS:
        return _SPECIAL_ENUM_WORDS[key]
    return _NOT_ALNUM.sub("_", text.strip()).strip("_").upper() or None


def phase_words(text: str | None) -> tuple[str, ...]:
    """'Phase 1/Phase 2' -> ('PHASE1', 'PHASE2'); 'N/A' -> ('NA',); raises ValueError on other words."""
    if text is None or not text.strip():
        return ()
    if text.strip().lower() in ("n/a", "na", "not applicable"):
        return ("NA",)
    phases: list[str] = []
    for part in text.split("/"):
        match = _PHASE.match(part.strip())
        if match is None:
            raise ValueError(f"not a phase: {text!r}")
        phases.append(("EARLY_PHASE" if match.group(1) else "PHASE") + match.group(2))
    return tuple(phases)


def partial_date(text: str | None) -> str | None:
    """'March 2018' -> '2018-03', 'March 15, 2018' -> '2018-03-15'; ISO partial dates pass through.

    Raises ValueError for anything else, so the caller can name the field.
    """
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    if PARTIAL_DATE_PATTERN.match(text):
        return text
    for source, target in _LEGACY_DATE_FORMATS:
        try:
            return datetime.strptime(text, source).strftime(target)
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def age_text(text: str | None) -> str | None:
    """Ages stay as the registry writes them ('18 Years'); 'N/A' means no limit and becomes None."""
    if text is None:
        return None
    text = " ".join(text.split())
    if not text or text.lower() in ("n/a", "na", "none"):
        return None
    return text


def yes_no(text: str | None) -> bool | None:
    """'Yes' / 'Accepts Healthy Volunteers' -> True, 'No' -> False, anything else -> None."""
    if text is None:
        return None
    key = " ".join(text.split()).lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None
