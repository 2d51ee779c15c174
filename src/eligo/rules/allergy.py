"""The allergy rule kind ("Known hypersensitivity to mannitol", "Allergy to fosfomycin and/or
trometamol", "Soy allergy"): model, question, extractor, evaluator and record (issue #12).

Read only when the whole criterion names what the allergy is to; a severity ("severe", "life-
threatening"), an open list ("such as", "or other") or a scope leaves it to other kinds or free text.
The substances stay as the trial wrote them. "The study drug or any of its components" is the study's
own medicine (`study_products`), asked about as such: its name is used only where the trial text names
it. "Allergy or intolerance to X" and "Contraindication or allergy to X" say so (`also`): a listed
allergy meets them, "no known allergies" does not rule them out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import Allergy, PatientProfile
from eligo.rules._clinical import _join
from eligo.rules._general import general_vocab, general_wording
from eligo.rules._medications import medications, written_key
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.drugs import canonical_name
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
# A severity the industry templates put on the study-drug allergy ("Has severe hypersensitivity (≥Grade 3)
# to pembrolizumab and/or any of its excipients", KEYNOTE-style protocols): read past by the extractor and
# left `unparsed` by the guards (`allergy_severity`), so the rule is partial, never an allergy of any grade.
# A grade before the allergy ("Known Grade 3 or 4 hypersensitivity to macrolide antibiotics", NCT00739830)
# is such a severity too.
_SEVERITY = re.compile(
    r"\b(?P<word>severe|serious|life-threatening)\s+(?=(?:allerg\w*|hypersensitivity|intoleran\w*)\b)"
    r"|\b(?P<before>(?:ctcae\s+)?grade\s*(?:(?:≥|>=)\s*3|3\s*(?:or|-|–|/)\s*4|iii\s*(?:or|-|–|/)\s*iv))\s+"
    r"(?=(?:allerg\w*|hypersensitivity)\b)"
    r"|(?<=hypersensitivity)(?P<grade>\s*\(\s*(?:≥|>=|grade\s*(?:≥|>=))\s*(?:grade\s*)?3\s*\))",
    re.IGNORECASE,
)


def allergy_severity(text: str) -> str | None:
    """The severity an allergy criterion puts on the allergy ("severe (≥Grade 3)"), or None."""
    found = list(_SEVERITY.finditer(text))
    if not found:
        return None
    return " ".join(match.group(0).strip() for match in found)


_SPLIT = re.compile(r"\s*(?:,?\s*\b(?:and/or|or|and)\b|,|/)\s*", re.IGNORECASE)
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+")
_LEAD = re.compile(r"^(?:to |either |any of |any |the |its |their )+", re.IGNORECASE)


class AllergyRule(RuleBase):
    """The child is allergic (or hypersensitive) to any of `substances`, named as the trial names them."""

    kind: Literal["allergy"] = "allergy"
    substances: tuple[str, ...] = Field(default=(), max_length=20)
    # The study's own medicine or what is in it ("any of the excipients", "the study drug").
    study_products: bool = False
    # The criterion also names an intolerance of, or a contraindication to, the same things.
    also: Literal["intolerance", "contraindication"] | None = None

    @model_validator(mode="after")
    def _names_something(self) -> AllergyRule:
        if not self.substances and not self.study_products:
            raise ValueError("an allergy rule names substances or the study's own medicine")
        return self

    def question(self, section: Section) -> str:
        wording = general_wording()
        named = _join(list(self.substances)).replace(" and ", " or ")
        if self.also is not None:
            what = f"{named}, or to the medicines used in this study" if self.study_products else named
            what = what if self.substances else "the medicines used in this study"
            return wording[f"allergy_or_{self.also}"].format(substances=what)
        if not self.substances:
            return wording["allergy_study_products"]
        if self.study_products:
            return wording["allergy_and_study_products"].format(substances=named)
        return wording["allergy"].format(substances=named)


# A name's own parenthesis: an abbreviation or brand ("Dimethyl sulfoxide (DMSO)", "(Flagyl®)").
_ALIAS = re.compile(r"\(([^()]*)\)")
_GENERIC = re.compile(r"^(?:drugs?|medications?|medicines?|agents?|products?|treatments?)$", re.IGNORECASE)
_LISTING = re.compile(r",|/|\b(?:or|and|etc|e\.?g|i\.?e)\b", re.IGNORECASE)


def _substances(what: str) -> tuple[tuple[str, ...], bool] | None:
    """(the substances named, whether the study's own medicine is named too), or None when the words
    are more than a list of names."""
    what = what.replace("(s)", "s").strip(" .,;")  # "the study product(s)"
    screened = _without_other_classes(what)
    if not what or _NOT_WHOLE.search(screened) or len(screened) > 120:
        return None
    if any(_LISTING.search(alias) for alias in _ALIAS.findall(what)):
        return None  # "(fentanyl, ropivacaine, lidocaine)", "(e.g. ...)": a list inside, not one name's alias
    study = patterns()["allergy"].regex("study_products")
    if study.match(what):
        return (), True
    names = [_LEAD.sub("", part).strip(" .,*") for part in _items(what)]  # "ketamine*": a footnote mark
    if any(len(name) < 2 for name in names):
        return None  # a stray list letter ("a. Allergy to contrast, b"): not one criterion
    products = [name for name in names if study.match(name)]
    if products:
        # "any of the drugs/agents used in study protocol": a bare "drugs" shares the study's qualifier.
        products += [name for name in names if _GENERIC.match(name)]
    named = tuple(dict.fromkeys(name for name in names if name not in products))
    return (named, bool(products)) if named or products else None


# An item that starts again with its own "to" ("... cell products or to any component of ...").
_RESTART = re.compile(r"\s*(?:,\s*(?:(?:and/or|or|and)\s+)?|\s+(?:and/or|or|and)\s+)(?=to\s)", re.IGNORECASE)
_OF_LIST = re.compile(r"\bof\b[^,]*\b(?:or|and)\b", re.IGNORECASE)


def _items(what: str) -> list[str]:
    """The list's items. "any component of the atezolizumab or bevacizumab formulation" is one thing, not
    two; an item restarted with "to" is its own ("Chinese hamster ovary cell products or to any component
    of the atezolizumab or bevacizumab formulation", NCT05482516)."""
    items: list[str] = []
    for chunk in _RESTART.split(what):
        items.extend([chunk] if _OF_LIST.search(chunk) else _SPLIT.split(chunk))
    return items


def _without_other_classes(what: str) -> str:
    """`what` less its list items "other <class>" that follow a name ("CX157 or excipients, other MAO
    inhibitors, or other phenylethylamines", NCT00739908) and the items that name the study's own medicine
    whole ("or other substances in the tablets", NCT03866512): such a class is kept whole as written,
    where the vocabularies know it; any other "other ..." ("or other drugs") is left to the checks."""
    study = patterns()["allergy"].regex("study_products")
    kept = []
    for index, part in enumerate(_items(what)):
        name = _LEAD.sub("", part).strip(" .,*")
        other = _OTHER.match(name)
        if index and (study.match(name) or (other is not None and _a_class(other["cls"]))):
            continue
        kept.append(part)
    return " , ".join(kept)


_OTHER = re.compile(r"^other (?P<cls>[\w -]+)$", re.IGNORECASE)


def _a_class(name: str) -> bool:
    """Whether the whole name is a class: of medicines (medications.yaml) or of chemicals or materials
    (general.yaml `allergy_classes`)."""
    term = medications().term(name)
    if term is not None and term.medication_class is not None:
        return True
    key = written_key(name)
    return any(written_key(known) == key for known in general_vocab().allergy_classes)


def extract_allergy(context: CriterionContext) -> AllergyRule | None:
    if context.section != "exclusion":
        return None  # "no known allergy to ..." and its kin are written as inclusions: left to a person
    # The text as written: comparator words are names here ("the product under study").
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    text = _NUMBERED.sub("", text)  # "7. allergy to propofol": the list's own number
    text = _SEVERITY.sub("", text)  # "severe hypersensitivity (≥Grade 3) to ...": the guards leave it unparsed
    for pattern in patterns()["allergy"].compiled:
        match = pattern.match(text)
        if match is not None:
            found = _substances(match["what"])
            if found is None:
                continue  # "Hypersensitivity to or intolerance of ...": another pattern may read it whole
            groups = match.groupdict()
            if groups.get("drugs_only") is not None:
                if found[1] or not all(_a_medicine(name) for name in found[0]):
                    return None  # "Contraindication to MRI", "... to the study drugs": not (only) named medicines
                return AllergyRule(substances=found[0], also="contraindication")
            also = (groups.get("also") or groups.get("also_first") or "").lower()
            kind = "intolerance" if also.startswith("intoleran") else "contraindication" if also else None
            return AllergyRule(substances=found[0], study_products=found[1], also=kind)
    return None


def _a_medicine(name: str) -> bool:
    """Whether the whole name is a medicine or a class of medicines the vocabularies know."""
    return medications().term(name) is not None or canonical_name(name) is not None


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
    what = [*rule.substances, *(["the medicines used in the study"] if rule.study_products else [])]
    also = {"intolerance": " (or an intolerance)", "contraindication": " (or a reason not to have it)"}
    needs = f"the trial asks about an allergy{also.get(rule.also or '', '')} to {' or '.join(what)}"
    for allergy in profile.allergies:
        for substance in rule.substances:
            if _names(allergy, substance):
                return Outcome.met(f"The profile lists an allergy to '{allergy.substance}'; {needs}.")
    if profile.no_known_allergies and rule.also is None:
        return Outcome.not_met(f"The profile says the child has no known allergies; {needs}.")
    if profile.no_known_allergies:
        said = f"The profile says the child has no known allergies, which does not rule out the {rule.also}"
        return Outcome.unknown(f"{said}; {needs}.", "allergies")
    listed = f" (it lists {', '.join(a.substance for a in profile.allergies)})" if profile.allergies else ""
    said = f"The profile does not say whether the child has this allergy{listed}"
    return Outcome.unknown(f"{said}; {needs}.", "allergies")


KIND = RuleKind(
    AllergyRule, general_wording,
    ("allergy", "allergy_study_products", "allergy_and_study_products", "allergy_or_intolerance",
     "allergy_or_contraindication"),
    evaluate_allergy,
    (Step(extract_allergy, patterns()["allergy"].trigger),),
)  # fmt: skip

__all__ = ["KIND", "AllergyRule", "allergy_severity", "evaluate_allergy", "extract_allergy"]
