"""What every typed rule shares: its kind, its scope, its source span, and its question."""

from __future__ import annotations

import re
from functools import cached_property
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

Section = Literal["inclusion", "exclusion"]


class RuleBase(BaseModel):
    """A computable reading of one criterion.

    A rule states a *condition about the child*. For an inclusion criterion the child must
    satisfy it (`met` is good); for an exclusion criterion `met` means the exclusion applies.
    Rules are immutable, validate themselves on construction and round-trip through JSON
    (`model_dump(mode="json")` / `RULE_ADAPTER` in `eligo.rules.registry`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    # An arm or cohort the criterion is limited to ("Arm A", "Cohort B1"); None = whole trial.
    scope: str | None = None

    # False for attestation rules (consent, assent, willingness): a person answers them,
    # no profile fact settles them.
    computable: ClassVar[bool] = True

    def question(self, section: Section) -> str:
        """A plain-language question a parent can answer yes / no / not sure.

        "Yes" must mean the rule's condition holds (so for an exclusion, "yes" excludes).
        """
        raise NotImplementedError


# Comparators written in words, as one pattern: at each place the first phrase that matches wins,
# so a longer phrase ("not less than") is listed before one inside it ("less than").
_COMPARATOR_SYMBOLS = {"ge": "≥", "le": "≤", "gt": ">", "lt": "<"}
_COMPARATOR_WORDS = re.compile(
    r"\b(?:"
    r"(?P<ge>greater than or equal to|at least|no less than|not less than|equal or above|or more than)"
    r"|(?P<le>less than or equal to|no more than|not more than|up to)"
    r"|(?P<gt>greater than|more than|older than|above|over)"
    r"|(?P<lt>less than|younger than|under|below)"
    r")\b",
    re.IGNORECASE,
)


def _comparator_symbol(match: re.Match[str]) -> str:
    return _COMPARATOR_SYMBOLS[match.lastgroup or ""]


_BRACKET_OR_STOP = re.compile(r"[()\[\].]")


def split_sentences(text: str) -> tuple[str, ...]:
    """The sentences of `text`, split on full stops outside brackets that a space and a capital follow."""
    parts: list[str] = []
    depth, start = 0, 0
    # Only brackets and full stops change the outcome, so only they are visited.
    for found in _BRACKET_OR_STOP.finditer(text):
        i, char = found.start(), found.group()
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif (
            depth <= 0 and (i + 1 == len(text) or text[i + 1] == " ") and (i + 2 >= len(text) or text[i + 2].isupper())
        ):
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip().rstrip(".")
    if tail:
        parts.append(tail)
    return tuple(p for p in parts if p)


# ">/=" and "</=" (and "=/>") are registry spellings of ≥ and ≤ ("Karnofsky performance score >/= 30").
_SYMBOLS = (
    (">/=", "≥"),
    ("=/>", "≥"),
    ("</=", "≤"),
    ("=/<", "≤"),
    ("=<", "≤"),
    ("<=", "≤"),
    ("=>", "≥"),
    (">=", "≥"),
    # "Baseline ECOG (Easthern Cooperative Oncology Group) > = 4" (NCT03921502): the pair spaced apart.
    ("> =", "≥"),
    ("< =", "≤"),
    ("≧", "≥"),
    ("≦", "≤"),
    ("˂", "<"),
)
_SPACES = re.compile(r"\s+")


def normalize_comparators(text: str) -> str:
    """Comparators as symbols ("at least" and ">=" -> "≥"), backslashes dropped, spacing tidied."""
    text = text.replace("\\", "")
    for old, new in _SYMBOLS:
        text = text.replace(old, new)
    text = _COMPARATOR_WORDS.sub(_comparator_symbol, text)
    return _SPACES.sub(" ", text).strip()


class CriterionContext(BaseModel):
    """What an extractor sees of one criterion: its cleaned text and its neighbours in the tree.

    The text is normalised once per context, on first use, into `normalized`, `body` and `sentences`.
    Build a new context for another text with `with_text` (never `model_copy(update={"text": ...})`,
    which would carry the first text's normalised forms along).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str  # escapes undone ("\\>=" -> ">="), whitespace normalised, line-wrap repaired
    section: Section
    # The heading or parent criterion ("Radiation:", "Stem Cell Transplant (SCT):", "Organ Function").
    parent_text: str | None = None
    # Direct children's texts, e.g. the rows of an age-adjusted creatinine table.
    children: tuple[str, ...] = ()
    # Whether the trial's inclusion criteria name a cancer diagnosis (the trial treats a cancer): there an
    # exclusion's "History of malignancy" means another cancer, not the child's own, and a count of prior
    # lines or regimens counts lines of anticancer therapy (issue #12).
    cancer_trial: bool = False
    # The diagnoses the trial's inclusion criteria require (canonical names): an exclusion naming a cancer
    # of the same family is about the child's own cancer; any other is a second cancer (issue #12).
    trial_diagnoses: tuple[str, ...] = ()
    # Whether the trial's inclusion criteria speak of births or newborns: there an exclusion's "multiple
    # pregnancy" is the pregnancy the child was born of, not the participant's own (issue #12).
    newborn_participants: bool = False
    # Whether the trial's inclusion criteria speak of pregnancy or women in labour: with `newborn_participants`,
    # whose a bare "Gestational age < 36 weeks" is (issue #12).
    pregnant_participants: bool = False

    @cached_property
    def normalized(self) -> str:
        """`text` through `normalize_comparators`, what the numeric extractors match against: worked
        out once per context, on first use, for every extractor that reads it."""
        return normalize_comparators(self.text)

    @cached_property
    def body(self) -> str:
        """`text` without surrounding spaces and its closing full stop(s), what the clinical extractors read."""
        return self.text.strip().rstrip(".")

    @cached_property
    def sentences(self) -> tuple[str, ...]:
        """`body` split into sentences (`split_sentences`): worked out once per context, for every
        extractor that asks."""
        return split_sentences(self.body)

    def sentences_of(self, text: str) -> tuple[str, ...]:
        """The sentences of `text`: this context's own when `text` is its `body`, else split afresh."""
        return self.sentences if text == self.body else split_sentences(text)

    def with_text(self, text: str) -> CriterionContext:
        """The same criterion's neighbours around another text (a sentence or clause of it)."""
        return CriterionContext(
            text=text,
            section=self.section,
            parent_text=self.parent_text,
            children=self.children,
            cancer_trial=self.cancer_trial,
            trial_diagnoses=self.trial_diagnoses,
            newborn_participants=self.newborn_participants,
        )
