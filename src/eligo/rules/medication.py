"""The medication rule kind ("Current use of anticoagulants", "Patients on ezetimibe or bile acid
sequestrants", "Use of antidepressants within the last 6 months"): model, question, extractor,
evaluator and record (issue #12). Medicines that are not anti-cancer therapy; those are the therapy
kinds' (`washout`, `prior_therapy`), which come first in the chain.

Read only when the whole criterion is a use of medicines the vocabulary names (`vocab/medications.yaml`):
every item of the list must be a whole class phrase or drug name, so a purpose ("for
anticoagulation"), a dose, an open list ("such as") or a scope leaves the criterion to other kinds or
free text. An exception after the list ("other than aspirin", "(except for antiplatelet agents)") is
read only when it too names whole vocabulary terms; it is kept on the rule, asked about and applied.

Evaluation reads `medications` (what the child takes now) and `therapies` (dated, with `ongoing`).
An empty medication list is "not told", never "none"; a non-empty one is taken as the child's
complete list of current medicines, as the therapy kinds take a therapy history. A window ("in the
last 6 months") is met by a current or recently ended medicine; otherwise it stays unknown, since
the profile does not record medicines stopped in the past.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._medications import Term, medication_wording, medications
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.drugs import normalize_name
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome

_PATTERNS = patterns()["medication"]
_USE = _PATTERNS.regex("use")
_POSTFIX = _PATTERNS.regex("postfix")
_HEADING = _PATTERNS.regex("heading")
_BARE_WINDOW = _PATTERNS.regex("bare_window")
# A list of items: commas, "or", "and/or", "and" (read per section below).
_SPLIT = re.compile(r"\s*(?:,\s*(?:and/or|or|and)\s+|,\s*|\s+and/or\s+|\s+or\s+|\s+and\s+)\s*", re.IGNORECASE)
_AND = re.compile(r"\band\b(?!/)", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^()]*)\)")
# Examples only: "i.e." defines (narrows) what it follows, so it is no example list.
_EXAMPLES = re.compile(r"^(?:e\.?g\.?,?|eg,?|for example,?|such as|including)\s+(.+)$", re.IGNORECASE)
# Examples after the list without a bracket ("psychostimulants such as methylphenidate", NCT03927391):
# read as a bracket of examples would be.
_EXAMPLES_AFTER = re.compile(r",?\s+((?:e\.g\.?,?|such as|for example,?|including)\s+[^()]+)$", re.IGNORECASE)
# Words after a class phrase that change nothing ("anticoagulant medication", "NSAID drugs").
_TAIL = re.compile(r"\s+(?:medications?|medicines?|drugs?|agents?|therapy|treatment|products?)$", re.IGNORECASE)
# A heading's description of its medicines ("that can alter serum lipid profile") adds nothing to
# the named items unless it sets a time, a dose or a condition.
_CHANGES_MEANING = re.compile(
    r"\d|\b(?:within|prior|before|after|during|days?|weeks?|months?|years?|unless|except|if|dose|doses|mg)\b",
    re.IGNORECASE,
)
_BRACKET = re.compile(r"\s*\([^()]*\)$")
_LEAD_WORDS = re.compile(r"^(?:any|an|a|the|either)\s+", re.IGNORECASE)
# An exception after the list, bare or in brackets ("other than aspirin", "(except for antiplatelet agents)").
_EXCEPT = re.compile(
    r"(?:,?\s+|\s*\(\s*)(?:except(?: for)?|excluding|other than|not including|with the exception of)\s+([^()]+?)\)?$",
    re.IGNORECASE,
)
# "...; Occasional use of NSAIDs for the symptomatic relief of ... is allowed" (NCT05482516) after a rule of
# chronic or regular use: the allowance restates what "chronic" already leaves out, whatever the purpose.
_OCCASIONAL_ALLOWED = re.compile(
    r"\s*[;.]\s*(?:o\s+|-\s+|•\s*)?(?:occasional|intermittent|sporadic|as[- ]needed|PRN)\s+(?:use|intake)\s+of\s+"
    r"(?P<what>[^.;]+?)(?:\s+for\s+[^.;]+?)?\s+(?:is|are)\s+(?:allowed|permitted|acceptable)\.?$",
    re.IGNORECASE,
)
# "receiving drugs that are strong inducers or inhibitors of CYP3A4" (COG template, issue #12): the
# medicines named by what they are, which the class phrase after says whole.
_THAT_ARE = re.compile(
    r"^(?:drugs?|medications?|medicines?|agents?) (?:that|which) (?:are|is) (?:an? )?(?=\S)", re.IGNORECASE
)
# "any systemic (including oral) antibiotic treatment" (NCT03926169): routes in brackets after "systemic"
# restate it, so they are read as the word alone.
_SYSTEMIC_ROUTES = re.compile(
    r"\bsystemic\s*\((?:including |i\.e\.,? |e\.g\.,? |such as )?(?:oral|intravenous|IV|parenteral|intramuscular)"
    r"(?:(?:,| or| and| and/or|,? or| /) ?(?:oral|intravenous|IV|parenteral|intramuscular))*\)",
    re.IGNORECASE,
)
_REPEATED_VERB = re.compile(r"^(?:taking|using|receiving|on)\s+(?=\S)", re.IGNORECASE)
_OTHER = re.compile(r"^other\s+(?!than\b)", re.IGNORECASE)

Timing = Literal["current", "within", "ever"]


class MedicationRule(RuleBase):
    """The child takes (`taking=True`) any of `drugs` or a medicine of any of `classes`, now
    (`timing="current"`), at some time in the last `within_days` / `within_months`, or ever.
    `regular`: the trial says chronic or regular use."""

    kind: Literal["medication"] = "medication"
    drugs: tuple[str, ...] = ()  # preferred names
    classes: tuple[str, ...] = ()  # keys of vocab/medications.yaml
    timing: Timing = "current"
    within_days: int | None = Field(default=None, ge=1, le=3650)
    within_months: int | None = Field(default=None, ge=1, le=240)
    regular: bool = False
    taking: bool = True
    # "other than aspirin", "(except for antiplatelet agents)": medicines that do not count.
    # None (not an empty tuple) when there is no exception, so a rule without one reads as before.
    except_drugs: tuple[str, ...] | None = None
    except_classes: tuple[str, ...] | None = None
    # The names the trial wrote for drugs in `drugs` when not the preferred one ("PENTHROX" for
    # methoxyflurane, NCT03868436), in the vocabulary's spelling: the question shows them, since a
    # family knows a medicine by the name on its pack. None when the trial wrote the preferred names.
    named_as: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _shape(self) -> MedicationRule:
        vocab = medications()
        if not self.drugs and not self.classes:
            raise ValueError("a medication rule names a drug or a class")
        unknown = [name for name in (*self.classes, *(self.except_classes or ())) if not vocab.is_class(name)]
        if self.except_drugs == () or self.except_classes == ():
            raise ValueError("an empty exception is written as none")
        if unknown:
            raise ValueError(f"unknown medication classes {unknown}")
        if self.named_as == () or any(vocab.canonical(name) not in self.drugs for name in self.named_as or ()):
            raise ValueError("names as written are none, or each names one of the rule's drugs")
        windows = (self.within_days is not None) + (self.within_months is not None)
        if (self.timing == "within") != (windows == 1) or windows > 1:
            raise ValueError("timing 'within' takes exactly one window, and only it")
        if not self.taking and (self.timing != "current" or self.regular):
            raise ValueError("'not taking' is read for current use only")
        return self

    def described(self) -> str:
        vocab = medications()
        parts = [*(self._named(drug) for drug in self.drugs), *(vocab.label(name) for name in self.classes)]
        text = _join(parts)
        if len(self.classes) == 1 and not self.drugs:
            examples = [e for e in vocab.examples(self.classes[0]) if not self.excepts(e)]
            if examples:
                text += f" such as {' or '.join(examples[:2])}"
        excepted = [
            *(self.except_drugs or ()),
            *(_BRACKET.sub("", vocab.label(name)) for name in self.except_classes or ()),
        ]
        if excepted:
            text += f" (apart from {_join(excepted, 'and')})"
        return text

    def _named(self, drug: str) -> str:
        written = [name for name in self.named_as or () if medications().canonical(name) == drug]
        return f"{drug} ({', '.join(written)})" if written else drug

    def excepts(self, name: str, explicit: Sequence[str] = ()) -> bool:
        """Whether the trial's exception covers a medicine."""
        vocab = medications()
        if vocab.canonical(name) in (self.except_drugs or ()):
            return True
        return bool(self.except_classes and vocab.classes_of(name, explicit) & set(self.except_classes))

    def period(self) -> str:
        if self.within_months is not None:
            return "month" if self.within_months == 1 else f"{self.within_months} months"
        days = self.within_days or 0
        if days % 7 == 0 and days >= 14:
            return f"{days // 7} weeks"
        return "day" if days == 1 else f"{days} days"

    def question(self, section: Section) -> str:
        q = medications().data.questions
        if not self.taking:
            template = q.not_current
        elif self.timing == "within":
            template = q.within
        elif self.timing == "ever":
            template = q.ever
        else:
            template = q.current_regular if self.regular else q.current
        return template.format(what=self.described(), period=self.period())


def _join(parts: Sequence[str], last: str = "or") -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {last} " + parts[-1]


# --- extraction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    """A list of medicines as read: what counts, and what the trial's exception leaves out."""

    terms: tuple[Term, ...]
    excepted: tuple[Term, ...] = ()
    named_as: tuple[str, ...] = ()


def _terms(what: str, section: Section) -> _Read | None:
    """Every item of a list, each a whole phrase of the vocabulary, and every item of an exception
    after it; None when any is not."""
    what = what.strip(" .,")
    excepted: list[Term] = []
    exception = _EXCEPT.search(what)
    if exception is not None:
        for name in _SPLIT.split(exception.group(1).strip(" .,")):
            term = _term(name) if name else None
            if term is None:
                return None
            excepted.append(term)
        what = what[: exception.start()]
    found = _listed(what, section)
    if not found:
        return None
    return _Read(tuple(found), tuple(excepted), _named_as(what))


def _named_as(what: str) -> tuple[str, ...]:
    """Names in the list that are not their drug's preferred name ("PENTHROX" for methoxyflurane)."""
    vocab = medications()
    named: list[str] = []
    for item in _SPLIT.split(_PAREN.sub("", what).strip(" ,")):
        name = _term_text(_REPEATED_VERB.sub("", _OTHER.sub("", item)))
        term = vocab.term(name)
        spelling = vocab.spelling(name) if term is not None and term.drug is not None else None
        if spelling is not None and normalize_name(spelling) != normalize_name(vocab.canonical(spelling)):
            named.append(spelling)
    return tuple(dict.fromkeys(named))


def _listed(what: str, section: Section) -> list[Term] | None:
    vocab = medications()
    what = _SYSTEMIC_ROUTES.sub("systemic", what.strip(" .,"))
    parens = _PAREN.findall(what)
    after = _EXAMPLES_AFTER.search(what)
    if after is not None:
        parens.append(after.group(1))
        what = what[: after.start()]
    bare = _THAT_ARE.sub("", _PAREN.sub("", what).strip(" ,"))
    if not bare or "(" in bare or ")" in bare:
        return None
    if section == "inclusion" and _AND.search(bare):
        return None  # "taking A and B" asks for both: not one rule of this kind
    # A class phrase with a list word inside it ("strong and/or moderate CYP3A inducers") is one item.
    whole = _term(bare)
    items = [bare] if whole is not None else [item for item in _SPLIT.split(bare) if item]
    shared = _shared_words(items)
    if shared is not None:
        items = shared
    # "anti-aggregant or anti-coagulant drugs": the last item's closing word belongs to each.
    tail = _TAIL.search(items[-1]) if items else None
    found: list[Term] = []
    for index, item in enumerate(items):
        # "infliximab or other anti-TNF agents": in a list read as "any of", the named items and the
        # rest of their class together are the whole class ("other than" is an exception: no match).
        if index and _OTHER.match(item):
            item = _OTHER.sub("", item)
        if index:
            # "receiving growth hormone therapy or taking insulin": the lead's verb said again.
            item = _REPEATED_VERB.sub("", item)
        term = _term(item)
        if term is None and tail is not None:
            term = _term(item + tail.group())
        if term is None and "/" in item:
            parts = [_term(part) for part in item.split("/")]
            if all(parts):
                found.extend(p for p in parts if p is not None)
                continue
        if term is None:
            return None
        found.append(term)
    classes = vocab.closure(t.medication_class for t in found if t.medication_class)
    for inside in parens:
        if not _explains(inside, found, classes):
            return None
    return found


def _shared_words(items: Sequence[str]) -> list[str] | None:
    """Two items that share words of the phrase around them, each whole only with them: "strong
    inducers or inhibitors of CYP3A4" (COG template, issue #12) is "strong inducers of CYP3A4" and
    "strong inhibitors of CYP3A4"; "strong CYP3A4 inhibitors or inducers" is "strong CYP3A4 inhibitors"
    and "strong CYP3A4 inducers". None unless the second item fails alone and every completion is a
    whole vocabulary phrase (so a narrower or other phrase is never made up)."""
    if len(items) != 2 or _term(items[1]) is not None:
        return None
    left, right = items[0].split(), items[1].split()
    if _term(items[0]) is not None:
        # the first item whole, the second sharing its opening words
        for keep in range(1, len(left)):
            second = " ".join([*left[:keep], *right])
            if _term(second) is not None:
                return [items[0], second]
        return None
    for cut in range(1, len(right)):
        first = " ".join([*left, *right[cut:]])
        if _term(first) is None:
            continue
        for keep in range(1, len(left)):
            second = " ".join([*left[:keep], *right])
            if _term(second) is not None:
                return [first, second]
    return None


def _term_text(item: str) -> str:
    return _LEAD_WORDS.sub("", item.strip(" ."))


def _term(item: str) -> Term | None:
    vocab = medications()
    item = _term_text(item)
    term = vocab.term(item)
    if term is None:
        shorter = _TAIL.sub("", item)
        if shorter != item:
            term = vocab.term(shorter)
    return term


def _explains(inside: str, found: Sequence[Term], classes: frozenset[str]) -> bool:
    """A parenthesis that only restates what the list says: an abbreviation of one of its phrases
    ("(NSAIDs)") or examples that all belong to its classes ("(e.g. warfarin, heparin)")."""
    vocab = medications()
    term = _term(inside)
    if term is not None:
        return term in found or (term.medication_class is not None and term.medication_class in classes)
    # "dupilumab (REGN668/ SAR231893)": the same drug's other names, every one of them.
    others = [_term(name) for name in re.split(r"\s*/\s*|\s*,\s*", inside.strip()) if name]
    if len(others) > 1 and all(other is not None and other.drug is not None and other in found for other in others):
        return True
    examples = _EXAMPLES.match(inside.strip())
    if examples is None or not classes:
        return False
    names = [name for name in _SPLIT.split(examples.group(1).strip(" .,")) if name]
    for name in names:
        named = _term(name)
        if named is None:
            return False
        if named.drug is not None and not vocab.classes_of(named.drug) & classes:
            return False
        if named.medication_class is not None and not vocab.closure([named.medication_class]) & classes:
            return False
    return True


@dataclass(frozen=True)
class _Window:
    days: int | None = None
    months: int | None = None


def _window(match: re.Match[str]) -> _Window | None:
    groups = match.groupdict()
    unit = groups.get("unit") or groups.get("unit1") or groups.get("unit2")
    if unit is None:
        return None
    written = groups.get("amount") or groups.get("amount2")
    amount = _PATTERNS.number(written) if written else 1
    unit = unit.lower()
    if unit.startswith("d"):
        return _Window(days=amount)
    if unit.startswith("w"):
        return _Window(days=7 * amount)
    if unit.startswith("m"):
        return _Window(months=amount)
    return _Window(months=12 * amount)


def _rule(read: _Read, timing: Timing, window: _Window | None, regular: bool, taking: bool) -> MedicationRule:
    terms = read.terms
    drugs = tuple(dict.fromkeys(t.drug for t in terms if t.drug))
    classes = tuple(dict.fromkeys(t.medication_class for t in terms if t.medication_class))
    if window is not None:
        timing = "within"
    return MedicationRule(
        drugs=drugs,
        classes=_most_general(classes),
        timing=timing,
        within_days=window.days if window else None,
        within_months=window.months if window else None,
        regular=regular and timing == "current",
        taking=taking,
        except_drugs=tuple(dict.fromkeys(t.drug for t in read.excepted if t.drug)) or None,
        except_classes=tuple(dict.fromkeys(t.medication_class for t in read.excepted if t.medication_class)) or None,
        named_as=tuple(name for name in read.named_as if medications().canonical(name) in drugs) or None,
    )


def _most_general(classes: tuple[str, ...]) -> tuple[str, ...]:
    vocab = medications()
    return tuple(c for c in classes if not any(o != c and o in vocab.closure([c]) for o in classes))


def extract_medication(context: CriterionContext) -> MedicationRule | None:
    text = " ".join(context.text.split()).strip().rstrip(".;,").strip()
    allowed = _OCCASIONAL_ALLOWED.search(text)
    if allowed is not None:
        rule = _with_occasional_allowed(context, text[: allowed.start()], allowed["what"])
        if rule is not None:
            return rule
    patterns = (_USE, _POSTFIX, _BARE_WINDOW) if context.section == "exclusion" else (_USE, _POSTFIX)
    for pattern in patterns:
        match = pattern.match(text)
        rule = _from_match(match, context.section) if match is not None else None
        if rule is not None:
            return rule
    # A bare exclusion item that names medicines as medicines ("Anticoagulant drugs", NCT03921983): in
    # use now, as a coordinator reads an exclusion list.
    if context.parent_text is None and context.section == "exclusion" and _TAIL.search(text):
        terms = _terms(text, context.section)
        return _rule(terms, "current", None, regular=False, taking=True) if terms else None
    # A bare item under a heading that says how the medicines below it are used.
    heading = _HEADING.match(" ".join((context.parent_text or "").split()).strip().rstrip(".;,").strip())
    if heading is None or heading["neg"] or (heading["desc"] and _CHANGES_MEANING.search(heading["desc"])):
        return None
    if heading["reg6"] and context.section != "exclusion":
        return None  # a need for chronic use asked for may not be treated yet (as in _from_match)
    terms = _terms(text, context.section)
    if not terms:
        return None
    timing: Timing = "ever" if heading["ever"] else "current"
    regular = bool(heading["reg"] or heading["reg2"] or heading["reg3"] or heading["reg6"])
    return _rule(terms, timing, _window(heading), regular, taking=True)


def _with_occasional_allowed(context: CriterionContext, head: str, what: str) -> MedicationRule | None:
    """The rule of `head` when it is regular use now of medicines among which all those `what` allows
    occasionally fall; None otherwise (the allowance would then change what the rule counts)."""
    match = _USE.match(head.strip())
    rule = _from_match(match, context.section) if match is not None else None
    allowed = _terms(what, context.section)
    if rule is None or not rule.regular or rule.timing != "current" or not rule.taking or allowed is None:
        return None
    vocab = medications()
    for term in allowed.terms:
        inside = (
            term.drug in rule.drugs or bool(vocab.classes_of(term.drug) & set(rule.classes))
            if term.drug is not None
            else bool(vocab.closure([term.medication_class or ""]) & set(rule.classes))
        )
        if not inside:
            return None
    return rule


def _from_match(match: re.Match[str], section: Section) -> MedicationRule | None:
    groups = match.groupdict()
    negated = bool(groups.get("neg"))
    # "continuous steroid therapy" is use; a bare "anticoagulant therapy" may be what a heading above
    # it contraindicates or plans, so it is read only with a word of current or regular use.
    if groups.get("therapy") and not (groups.get("cur") or groups.get("reg")):
        return None
    if negated and section != "inclusion":
        return None  # "no use of X" as an exclusion is a double negative: left to a person
    if groups.get("reg6") and section != "exclusion":
        # "requiring chronic anticoagulation" asked for may be a need not yet treated: only an exclusion,
        # where a child already on it is the one ruled out, reads it as use
        return None
    terms = _terms(match["what"], section)
    if not terms:
        return None
    ever = bool(groups.get("ever"))
    window = _window(match)
    if negated and (ever or window is not None):
        return None
    regular = any(groups.get(name) for name in ("reg", "reg2", "reg3", "reg4", "reg5", "reg6"))
    return _rule(terms, "ever" if ever else "current", window, regular, taking=not negated)


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Taken:
    """One medicine from the profile: its name, whether it is taken now, when it last was."""

    name: str
    current: bool
    last: date | None
    explicit: tuple[str, ...] = ()


def _taken(profile: PatientProfile, on: date) -> list[_Taken]:
    found = [_Taken(m.name, True, on, tuple(m.classes)) for m in profile.medications]
    for therapy in profile.therapies:
        current = therapy.ongoing or (therapy.end is not None and therapy.end >= on)
        found.append(_Taken(therapy.agent, current, on if current else therapy.end, tuple(therapy.classes)))
    return found


def _matches(rule: MedicationRule, item: _Taken) -> bool | None:
    """True / False, or None when Eligo cannot tell what the medicine is."""
    vocab = medications()
    if vocab.canonical(item.name) in rule.drugs:
        return True
    classes = vocab.classes_of(item.name, item.explicit)
    if classes & set(rule.classes):
        return True
    if rule.classes and not classes and not vocab.known(item.name):
        return None
    return False


def _months_before(on: date, months: int) -> date:
    month = on.month - 1 - months
    year = on.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


def _inside(rule: MedicationRule, item: _Taken, on: date) -> bool | None:
    if item.current:
        return True
    if rule.timing == "ever":
        return True
    if item.last is None:
        return None
    if rule.within_months is not None:
        return item.last > _months_before(on, rule.within_months)
    return (on - item.last).days < (rule.within_days or 0)


def evaluate_medication(rule: MedicationRule, profile: PatientProfile, on: date) -> Outcome:
    what = rule.described()
    taken = _taken(profile, on)
    hits: list[str] = []
    unsure: list[str] = []
    for item in taken:
        if (rule.timing == "current" and not item.current) or rule.excepts(item.name, item.explicit):
            continue
        match = _matches(rule, item)
        inside = _inside(rule, item, on) if match is not False else False
        if match and inside:
            hits.append(item.name)
        elif match is None and inside is not False:
            unsure.append(f"Eligo does not know what kind of medicine '{item.name}' is")
        elif match and inside is None:
            unsure.append(f"the last dose date of {item.name} is not recorded")
    holds = rule.taking
    if hits:
        text = f"The profile lists {', '.join(hits)}: {what}."
        if rule.regular:
            return Outcome.unknown(text[:-1] + "; it does not say whether it is taken regularly.", "medications")
        return Outcome.met(text) if holds else Outcome.not_met(text)
    if unsure:
        return Outcome.unknown("; ".join(unsure).capitalize() + f"; the trial asks about {what}.", "medications")
    if not profile.medications:
        return Outcome.unknown(f"No medicines in the profile, so Eligo cannot tell about {what}.", "medications")
    listed = ", ".join(m.name for m in profile.medications)
    if rule.timing != "current":
        span = "ever" if rule.timing == "ever" else f"in the last {rule.period()}"
        return Outcome.unknown(
            f"The profile's current medicines ({listed}) include no {what}; it does not record medicines "
            f"stopped before, so Eligo cannot tell whether the child took one {span}.",
            "medications",
        )
    text = f"None of the child's current medicines ({listed}) is {what}."
    return Outcome.not_met(text) if holds else Outcome.met(text)


# Words one of which every reading needs: a verb or noun of use ("use", "taking", "received", "current"),
# a window's unit (the bare "antibiotics in the last two weeks"), a medicine noun (the bare exclusion item
# "Anticoagulant drugs"), or, for "on", the person before it or
# the capitalised opening "On". The vocabulary's own phrases would do too, but hundreds of drug names
# slow the prefilter more than this cheap extractor costs on the criteria these words let through.
_LEAD_WORDS_TRIGGER = (
    "use",
    "usage",
    "intake",
    "treatment",
    "therapy",
    "administration",
    "application",
    "receipt",
    "chronic",
    "regular",
    "long",
    "continuous",
    "daily",
    "consistent",
    "taking",
    "take",
    "using",
    "receiving",
    "treated",
    "received",
    "taken",
    "used",
    "prior",
    "previous",
    "current",
    "concurrent",
    "concomitant",
    "ongoing",
    "active",
    "presently",
    "patient",
    "subject",
    "participant",
    "individual",
    "those",
    "person",
    "people",
    "children",
    "volunteer",
    "On",
)
_TRIGGER = Trigger(
    words=(*_LEAD_WORDS_TRIGGER, "day", "week", "month", "year", "medication", "medicine", "drug", "agent", "product"),
    parent_words=_LEAD_WORDS_TRIGGER,
)


KIND = RuleKind(
    MedicationRule, medication_wording, ("current", "current_regular", "within", "ever", "not_current"),
    evaluate_medication, (Step(extract_medication, _TRIGGER),),
)  # fmt: skip

__all__ = ["KIND", "MedicationRule", "evaluate_medication", "extract_medication"]
