"""The allergy rule kind ("Known hypersensitivity to mannitol", "Allergy to fosfomycin and/or
trometamol", "Soy allergy"): model, question, extractor, evaluator and record (issue #12).

Read only when the whole criterion names what the allergy is to; a severity ("severe", "life-
threatening"), an intolerance or contraindication, an open list ("such as", "or other") or a scope
leaves it to other kinds or free text. The substances stay as the trial wrote them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field

from eligo.patients.profile import Allergy, PatientProfile
from eligo.rules._clinical import _join
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome

# Words that make the criterion more (or other) than "allergic to these": left unread.
_NOT_WHOLE = re.compile(
    r"\b(?:contraindicat\w*|intoleran\w*|such as|e\.g|i\.e|including|like|other|similar|related|unless|if|except|"
    r"excluding|severe|serious|life-threatening|anaphyla\w*|history|that|which|who|requiring|precludes?|"
    r"prevent\w*|medical|condition|disease|reaction|hypersensitivity|allerg\w*|not|no|cross-reactivity|"
    r"family|in the opinion|investigator|per|required|should|must|will|is|are|be|been|was|were|can|may)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|/|\band/or\b|\bor\b|\band\b)\s*", re.IGNORECASE)
_LEAD = re.compile(r"^(?:to |either |any of |any |the |its |their )+", re.IGNORECASE)


class AllergyRule(RuleBase):
    """The child is allergic (or hypersensitive) to any of `substances`, named as the trial names them."""

    kind: Literal["allergy"] = "allergy"
    substances: tuple[str, ...] = Field(min_length=1, max_length=20)

    def question(self, section: Section) -> str:
        return general_wording()["allergy"].format(substances=_join(list(self.substances)).replace(" and ", " or "))


def _substances(what: str) -> tuple[str, ...] | None:
    what = what.strip(" .,;")
    if not what or _NOT_WHOLE.search(what) or len(what) > 120:
        return None
    # "any component of the atezolizumab or bevacizumab formulation" is one thing, not two.
    parts = [what] if re.search(r"\bof\b[^,]*\b(?:or|and)\b", what, re.IGNORECASE) else _SPLIT.split(what)
    names = [_LEAD.sub("", part).strip(" .,") for part in parts]
    if any(len(name) < 2 for name in names):
        return None  # a stray list letter ("a. Allergy to contrast, b"): not one criterion
    return tuple(dict.fromkeys(names)) or None


def extract_allergy(context: CriterionContext) -> AllergyRule | None:
    if context.section != "exclusion":
        return None  # "no known allergy to ..." and its kin are written as inclusions: left to a person
    # The text as written: comparator words are names here ("the product under study").
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    for pattern in patterns()["allergy"].compiled:
        match = pattern.match(text)
        if match is not None:
            found = _substances(match["what"])
            return AllergyRule(substances=found) if found else None
    return None


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _names(allergy: Allergy, substance: str) -> bool:
    """Whether the profile's allergy is to `substance` (whole words either way, or a class named so)."""
    wanted = _words(substance)
    for known in (allergy.substance, *allergy.classes):
        have = _words(known)
        if not have or not wanted:
            continue
        if re.search(rf"\b{re.escape(have)}\b", wanted) or re.search(rf"\b{re.escape(wanted)}\b", have):
            return True
    return False


def evaluate_allergy(rule: AllergyRule, profile: PatientProfile, on: date) -> Outcome:
    needs = f"the trial asks about an allergy to {' or '.join(rule.substances)}"
    for allergy in profile.allergies:
        for substance in rule.substances:
            if _names(allergy, substance):
                return Outcome.met(f"The profile lists an allergy to '{allergy.substance}'; {needs}.")
    if profile.no_known_allergies:
        return Outcome.not_met(f"The profile says the child has no known allergies; {needs}.")
    listed = f" (it lists {', '.join(a.substance for a in profile.allergies)})" if profile.allergies else ""
    said = f"The profile does not say whether the child has this allergy{listed}"
    return Outcome.unknown(f"{said}; {needs}.", "allergies")


KIND = RuleKind(
    AllergyRule, general_wording, ("allergy",), evaluate_allergy,
    (Step(extract_allergy, patterns()["allergy"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "AllergyRule", "evaluate_allergy", "extract_allergy"]
