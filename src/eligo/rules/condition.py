"""The condition rule kind (infections, allergies, other illnesses, named in `vocab/clinical.yaml`):
model, question, extractor, evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _join, _q, _yes_no, clinical_vocab, clinical_wording
from eligo.rules._clinical_text import (
    _PERMISSIVE,
    _consume_after_leading_framing,
    _consume_conditions,
    _framing_pattern,
    _leading_framing_pattern,
    _leading_qualifier,
    _strip_framing,
    _synonyms_pattern,
    continues_the_one_before,
    headed_item,
)
from eligo.rules._therapy import Exposure
from eligo.rules.alcohol import alcohol_state
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.diagnosis import same_family
from eligo.rules.drugs import therapy_vocabulary
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import literal_alternation, patterns
from eligo.rules.prefilter import Trigger, phrase_words
from eligo.rules.prior_therapy import PriorTherapyRule
from eligo.rules.smoking import smoking_state
from eligo.rules.verdicts import Outcome

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["condition"]
_UMBRELLA = _PATTERNS.regex("umbrella")
_LUNG_FUNCTION = _PATTERNS.regex("nct01370330_lung_function")
_NEGATION = _PATTERNS.regex("negation")
_WITHIN_MONTHS = _PATTERNS.regex("within_months")
_EVER = _PATTERNS.regex("ever")
_ANOTHER_CANCER = _PATTERNS.regex("another_cancer")
_ANOTHER_CANCER_WORDS = frozenset({"concurrent", "current", "concomitant", "coexisting"})
_NOT_MINE = _PATTERNS.regex("not_mine")
_ALLERGY = _PATTERNS.regex("allergy")
_PATIENTS_WITH = _PATTERNS.regex("patients_with")
_EXCEPTION = _PATTERNS.gated("exception")
_EXCEPTION_TOO_MUCH = _PATTERNS.regex("exception_too_much")
_HEPATITIS_B_OR_C = _PATTERNS.gated("hepatitis_b_or_c")
_WITHIN_ONE = _PATTERNS.regex("within_one")
_WITHIN_BRACKET = _PATTERNS.regex("within_bracket")
_LESS_THAN_WINDOW = _PATTERNS.regex("less_than_window")
_FULL_WIDTH = str.maketrans({"，": ", ", "；": "; ", "：": ": ", "（": " (", "）": ") "})
_RECENT = _PATTERNS.regex("recent")
_BRACKET = _PATTERNS.regex("bracket")
_WIDENING = _PATTERNS.regex("widening")
_JUSTIFICATION = _PATTERNS.regex("justification")
_EXPLANATION = _PATTERNS.regex("explanation")
# The qualifiers that say a condition is inborn (`ConditionTerm.inborn`).
_INBORN = re.compile(r"congenital|hereditary|inherited|inborn|familial")
_OWN_CLAUSE = _PATTERNS.regex("own_clause")
_BRACKET_SCOPE = _PATTERNS.regex("bracket_scope")
_ALLERGY_KIND_READS = frozenset({"food_allergy", "drug_allergy"})
# Any illness besides the one the trial is for (vocab/conditions/general.yaml).
_ANY_ILLNESS = "medical_condition"
_RECENT_LEAD = re.compile(r"^(?:" + _RECENT.pattern + r")\s*", re.IGNORECASE)
_PARENT_NEGATION = _PATTERNS.regex("parent_negation")
_BOTH = _PATTERNS.regex("both")
_PARENT_COUNT = _PATTERNS.regex("parent_count")
_PARENT_EXAMPLES = _PATTERNS.regex("parent_examples")
_CLAUSE = _PATTERNS.regex("clause")
_SAYS_EXCLUDED = _PATTERNS.regex("says_excluded")
_HINDERS = _PATTERNS.regex("hinders")
_CLAUSE_TOO_MUCH = _PATTERNS.regex("clause_too_much")
_HEMOPHILIA_A_OR_B = _PATTERNS.regex("hemophilia_a_or_b")
_BRACKETED_LEAD = _PATTERNS.regex("bracketed_lead")
_TEST_EXAMPLES = _PATTERNS.regex("test_examples")
_TEST_DEFINITION = _PATTERNS.regex("test_definition")
_OR_CLAUSE = _PATTERNS.regex("or_clause")
_MAX_CLAUSES = 6
# How many places a closing clause is looked for, the first ones opening before any condition's name.
_CLAUSE_TRIES = 3
_OR_CLAUSE_WORDS = (" or has", " or have", " or had", " or current", " or evidence", " or history", " or known")
_EXCLUDED_TAIL = _PATTERNS.regex("excluded_tail")
_TRAILING_CONJUNCTION = _PATTERNS.regex("trailing_conjunction")
_TESTING_NOTE = _PATTERNS.regex("testing_note")
# "human immunodeficiency virus [HIV]": an abbreviation in square brackets, read as in round ones.
_SQUARE_ABBREVIATION = re.compile(r"\[([A-Z][A-Za-z0-9-]{0,7})\]")
_EXAMPLES = _PATTERNS.regex("examples")
_EXAMPLE_WORDS = ("such as", "e.g", "eg.", "for example", "for instance", "including")
_REASON = _PATTERNS.regex("reason")
_OWN_CANCER = _PATTERNS.regex("own_cancer")
_NOT_EXCLUDED_NOTE = _PATTERNS.regex("not_excluded_note")
_EXAMPLES_BRACKET = _PATTERNS.regex("examples_bracket")
_NOTE_HEAD = _PATTERNS.regex("note_head")
# The cancer's own spread: "as a manifestation of the current malignancy" says nothing more of these.
_SPREAD = frozenset(
    {"cns_metastases", "brain_metastases", "leptomeningeal_disease", "liver_metastases", "bone_metastases"}
)
_REASON_WORDS = ("because", " been ")
_ENUMERATOR = _PATTERNS.regex("enumerator")
_TRAILING_HISTORY = _PATTERNS.regex("trailing_history")
_DURATION = _PATTERNS.regex("duration")
_ENUMERATOR_BARE = _PATTERNS.regex("enumerator_bare")
_BRACKETED = re.compile(r"\([^()]*\)")
_CITATION = _PATTERNS.regex("citation")
_ABBREVIATION = _PATTERNS.regex("abbreviation")
_DURATION_AMOUNT = _PATTERNS.regex("duration_amount")
_DURATION_LASTING = _PATTERNS.regex("duration_lasting")
_AT_LEAST_WORDS = frozenset({"at least", "a minimum of", "minimum of", "≥", ">="})
_DIAGNOSED = re.compile(r"\bdiagnos", re.IGNORECASE)
_BARE_ABBREVIATION = re.compile(r"(?<![\w-])[A-Z][A-Z0-9-]{1,7}(?![\w-])")
_ACTIVE = re.compile(r"(?<![\w-])active(?![\w-])", re.IGNORECASE)
# "active or latent tuberculosis": "active" names one of two kinds, read into the names (issue #12).
_ACTIVE_JOINED = re.compile(r"(?<![\w-])active\s*,?\s*(?:or|and/or)\s", re.IGNORECASE)
_TIME_SAID = re.compile(r"\d|\b(?:days?|weeks?|months?|years?)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w']+")
_RECENT_BRACKET_LEAD = re.compile(
    r"^(?:(?:current(?:ly)?|active) or )?recent(?:ly)?\s*(?P<window>\((?:within|in the (?:last|past)|<|≤|less than)"
    r"[^()]*\))\s+(?P<what>[^()]+)$",
    re.IGNORECASE,
)
# "HIV(+)", "HBsAg (+)": the test is positive (issue #12).
_PLUS_SIGN = re.compile(r"\s*\(\+\)")
# "diagnosed with AIDS": the capitals name the syndrome ("hearing aids" is no such word, so the vocabulary
# leaves bare "AIDS" out of its synonyms; issue #12).
_AIDS = re.compile(r"(?<![\w-])AIDS(?![\w-])")
# Example lists longer than this are left alone (their pattern is tried only on criterion-sized text).
_EXAMPLES_MAX_CHARS = 600


class ConditionRule(RuleBase):
    """The child has (present=True) or is free of (present=False) any of `conditions`.

    `label` names an umbrella the trial lists examples of ("uncontrolled intercurrent
    illness including, but not limited to, ..."): then `conditions` are examples, and not
    having them does not show the umbrella is absent (`open_ended`).
    """

    kind: Literal["condition"] = "condition"
    conditions: tuple[str, ...] = Field(min_length=1)
    present: bool = True
    qualifier: str | None = None
    within_months: int | None = Field(default=None, gt=0)
    # A window in days ("within 4 weeks", "within 28 days"); at most one of the two windows.
    within_days: int | None = Field(default=None, gt=0, le=3650)
    label: str | None = None
    open_ended: bool = False
    # True: the trial asks whether the child has ever had it ("history of stroke"); a resolved
    # illness then counts. None: the plain present tense (a past illness alone stays unknown).
    ever: Literal[True] | None = None

    @model_validator(mode="after")
    def _known(self) -> ConditionRule:
        unknown = set(self.conditions) - set(clinical_vocab().conditions)
        if unknown:
            raise ValueError(f"unknown conditions {sorted(unknown)}")
        if self.open_ended and self.label is None:
            raise ValueError("an open-ended condition list needs its label")
        if self.within_months is not None and self.within_days is not None:
            raise ValueError("give one window: within_months or within_days")
        return self

    def window(self) -> str | None:
        """The window in words ("6 months", "4 weeks", "month"), or None."""
        if self.within_months is not None:
            if self.within_months % 12 == 0:
                years = self.within_months // 12
                return "year" if years == 1 else f"{years} years"
            return "month" if self.within_months == 1 else f"{self.within_months} months"
        if self.within_days is None:
            return None
        if self.within_days % 7 == 0:
            weeks = self.within_days // 7
            return "week" if weeks == 1 else f"{weeks} weeks"
        return "day" if self.within_days == 1 else f"{self.within_days} days"

    def window_months(self) -> float | None:
        """The window in months, as dated records are compared with it."""
        if self.within_days is not None:
            return self.within_days / (365.25 / 12)
        return None if self.within_months is None else float(self.within_months)

    def question(self, section: Section) -> str:
        vocab = clinical_vocab()
        names = [vocab.conditions[c].display for c in self.conditions]
        text = _join(names)
        if self.label is not None:
            text = f"{self.label.lower()} (for example {_join(names)})" if self.open_ended else self.label.lower()
        qualifier = f" ({self.qualifier})" if self.qualifier else ""
        window = self.window()
        parts = [part.strip() for part in (self.qualifier or "").split(",")]
        if (
            self.present
            and not window
            and any(_RECENT.match(part) for part in parts)
            and not _TIME_SAID.search(self.qualifier or "")
        ):
            # "Recent MI": asked in the past tense ("Has your child had a heart attack recently?"); a present
            # "Does your child have a heart attack (recent)?" reads as "now" (review of round 1, issue #12). Not when
            # the qualifier says a time of its own ("recent, for the last 6 weeks").
            rest = ", ".join(kept for part in parts if (kept := _RECENT_LEAD.sub("", part)))
            return _q("condition_recent", conditions=text, qualifier=f" ({rest})" if rest else "")
        if not self.present and window:
            return _q("condition_absent_window", conditions=text, qualifier=qualifier, window=window)
        if self.present and window:
            return _q("condition_within", conditions=text, qualifier=qualifier, window=window)
        if self.present and self.ever:
            return _q("condition_ever", conditions=text, qualifier=qualifier)
        if self.present:
            return _q("condition_present", conditions=text, qualifier=qualifier)
        return _q("condition_absent", conditions=text, qualifier=qualifier)


@cache
def _any_qualifier() -> re.Pattern[str]:
    """Every qualifier at once: most texts hold none, and then need not try them one by one."""
    return re.compile(
        rf"(?<![\w-])(?:{literal_alternation(clinical_vocab().condition_qualifiers)})(?![\w-])", re.IGNORECASE
    )


@cache
def _qualifier_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (qualifier, re.compile(rf"(?<![\w-]){re.escape(qualifier)}(?![\w-])", re.IGNORECASE))
        for qualifier in sorted(clinical_vocab().condition_qualifiers, key=len, reverse=True)
    )


def _qualified_names(
    text: str, written: str | None = None, whole_list: bool = True
) -> tuple[str | None, list[str] | None]:
    """The names in `text` (framing words taken out; `written`: as the trial wrote it) once the words
    that narrow them are taken out, until the rest reads as names: a closing bracket such as "(NYHA
    class III or IV)", then "severe", "uncontrolled ... despite medication"; with those words as the
    qualifier. A word inside a name ("chronic" in "chronic
    obstructive pulmonary disease") stays in the name, and of the words taken out, one the names read
    with ("chronic" in "chronic active liver disease") goes back into them. With `whole_list`, words that
    stand inside a list of names rather than before it narrow only their own item, and nothing is read."""
    found: list[str] = []
    bracket = _BRACKET.search(text)
    if bracket is not None and (
        _JUSTIFICATION.match(bracket["inner"])
        or _BRACKET_SCOPE.search(bracket["inner"])
        or _OWN_CLAUSE.match(bracket["inner"])
    ):
        return None, None
    if bracket is not None and _WIDENING.search(bracket["inner"]) is None:
        text = text[: bracket.start()]
        # The bracket in the trial's words (`text` has lost its framing words, "patient" among them).
        as_written = _BRACKET.search(written.strip(" .,;")) if written is not None else None
        found.append((as_written or bracket)["inner"].strip(" ,;"))
        names = _consume_conditions(_strip_framing(text))
        if names is not None:
            return _gloss_dropped(found, names), names
    if _any_qualifier().search(text) is None:
        return None, None
    inside = _name_spans(text)
    lowered = text.lower()
    candidates = [
        pattern
        for qualifier, pattern in _qualifier_patterns()
        if qualifier.lower() in lowered  # a cheap test before the pattern's
        and any(not _within(match.span(), inside) for match in pattern.finditer(text))
    ]
    taken: list[re.Pattern[str]] = []
    names = None
    for pattern in candidates:
        taken.append(pattern)
        names = _consume_conditions(_strip_framing(_without(text, taken)))
        if names is not None:
            break
    if names is None:
        return None, None
    for pattern in list(taken):
        fewer = [other for other in taken if other is not pattern]
        more_exact = _consume_conditions(_strip_framing(_without(text, fewer)))
        if more_exact is not None:
            taken, names = fewer, more_exact
    if any(_INBORN.search(pattern.pattern) for pattern in taken) and not all(
        clinical_vocab().conditions[name].inborn for name in names
    ):
        return None, None  # "congenital spondyloarthropathy": no longer the condition named (issue #12)
    source = written if written is not None and all(p.search(written) for p in taken) else text
    if any(_coordinated(source, pattern, taken) for pattern in taken):
        return None, None
    if whole_list and len(names) > 1 and not _leading(text, taken):
        # "Serious, non-healing wound, active ulcer, or untreated bone fracture": each word narrows its own item,
        # not the whole list (read item by item by `_each_item`, issue #12).
        return None, None
    written = _as_written(text, taken)
    return ", ".join([*([written] if written else []), _gloss_dropped(found, names) or ""]).strip(", ") or None, names


def _gloss_dropped(found: list[str], names: list[str]) -> str | None:
    """The bracket's words as the qualifier, unless they only spell out names already read ("asthma or
    COPD (chronic obstructive pulmonary disease)")."""
    if not found:
        return None
    spelled = _consume_conditions(found[0])
    return None if spelled is not None and set(spelled) <= set(names) else found[0]


@cache
def _any_condition_name() -> re.Pattern[str]:
    return _synonyms_pattern(tuple(s for term in clinical_vocab().conditions.values() for s in term.synonyms))


_OR = re.compile(r"\bor\b", re.IGNORECASE)


@cache
def _names_with_qualifiers() -> re.Pattern[str]:
    """The condition names that hold a qualifier word ("chronic obstructive pulmonary disease", "active
    infection"): the only names a qualifier found in a text can stand inside."""
    patterns = _qualifier_patterns()
    return _synonyms_pattern(
        tuple(
            synonym
            for term in clinical_vocab().conditions.values()
            for synonym in term.synonyms
            if any(pattern.search(synonym) for _, pattern in patterns)
        )
    )


@lru_cache(maxsize=4096)
def _name_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where names holding a qualifier word stand in `text` (a qualifier inside one stays in the name)."""
    return tuple(match.span() for match in _names_with_qualifiers().finditer(text))


def _within(span: tuple[int, int], spans: tuple[tuple[int, int], ...]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _without(text: str, taken: list[re.Pattern[str]]) -> str:
    """`text` with the first match of each pattern taken out (and a joiner left in front of the rest)."""
    for pattern in taken:
        match = pattern.search(text)
        if match is not None:
            # "Severe or uncontrolled hypertension": the joiner left before the next word goes with the qualifier.
            text = _LEADING_JOINER.sub("", (text[: match.start()] + " " + text[match.end() :]).strip())
    return text


def _as_written(text: str, taken: list[re.Pattern[str]]) -> str:
    """The qualifiers taken out of `text`, in its order and words: those side by side with only a joiner
    between them as one phrase ("severe or uncontrolled"), others after a comma."""
    spans = sorted(match.span() for pattern in taken if (match := pattern.search(text)) is not None)
    groups: list[list[int]] = []
    for start, end in spans:
        if groups and _JOINER_ONLY.fullmatch(text[groups[-1][1] : start]):
            groups[-1][1] = max(end, groups[-1][1])
        else:
            groups.append([start, end])
    return ", ".join(_sentence_case(text[start:end]) for start, end in groups)


_JOINED_WORD = re.compile(r"\s*(?:,\s*)?(?:or|and/or|and)\s+[\w'-]+", re.IGNORECASE)


def _coordinated(text: str, pattern: re.Pattern[str], taken: list[re.Pattern[str]]) -> bool:
    """Whether the qualifier `pattern` finds in `text` is joined to a word that is no qualifier taken out ("active
    or latent tuberculosis": two kinds of tuberculosis, not latent tuberculosis that is active; "Active or chronic
    hepatitis B", where "chronic" stays in the name; issue #12)."""
    match = pattern.search(text)
    joined = _JOINED_WORD.match(text, match.end()) if match is not None else None
    if joined is None:
        return False
    word_at = joined.end() - len(joined.group(0).split()[-1])
    if any((other := p.search(text)) is not None and other.start() == word_at for p in taken):
        return False  # "severe or uncontrolled hypertension"
    if _framing_pattern().match(text, word_at) is not None:
        return False  # "concurrent or previous malignant tumors"
    qualifier = _any_qualifier().match(text, word_at)
    # A word of a name ("latent"), or a qualifier word the names hold ("chronic" in "chronic hepatitis B").
    return qualifier is None or _within(qualifier.span(), _name_spans(text))


def _leading(text: str, taken: list[re.Pattern[str]]) -> bool:
    """Whether the qualifiers taken out of `text` stand together before every name ("severe or uncontrolled
    hypertension or diabetes"), so that they narrow the whole list."""
    spans = sorted(match.span() for pattern in taken if (match := pattern.search(text)) is not None)
    end = 0
    for start, stop in spans:
        if not _JOINER_ONLY.fullmatch(text[end:start]):
            return False
        end = stop
    return True


def _sentence_case(phrase: str) -> str:
    """ "Severe" -> "severe", but "NYHA class III" and "class III or IV" keep their capitals."""
    first = phrase.split(" ", 1)[0]
    return phrase if first.isupper() and len(first) > 1 else phrase[:1].lower() + phrase[1:]


_JOINER_ONLY = re.compile(r"\s*(?:,|and/or|or|and)?\s*", re.IGNORECASE)
_LEADING_JOINER = re.compile(r"^(?:(?:,|and/or|or|and)(?:\s+|$))+", re.IGNORECASE)


def _exception(text: str) -> tuple[str | None, str]:
    """A trailing exception ("..., except non-melanoma skin cancer") and the text before it.

    The exception only narrows what the criterion names, so the rule keeps it as its qualifier (a
    "yes" then stays unknown, a "no" still settles); one holding more than a plain list (a window,
    a second sentence, an exception of its own) is left alone, and the criterion with it."""
    match = _EXCEPTION.search(text)
    if match is None or _EXCEPTION_TOO_MUCH.search(match["what"]):
        return None, text
    if (match["open"] is None) == match.group(0).rstrip().endswith(")"):
        return None, text  # a bracket opened before the exception, or one left open by it
    lead = "other than" if match["kw"].lower() == "other than" else "except"
    what = _BARE_ABBREVIATION.sub(_said_in_full, match["what"].strip(" .,;"))
    if _BARE_ABBREVIATION.search(what):
        # "other than PD": an abbreviation the question would show unexplained, said as the condition it names
        # ("other than HCV" as "other than hepatitis C"), or else left to the family (review of round 1, issue #12).
        return None, text
    return f"{lead} {what}", text[: match.start()].strip()


def _said_in_full(match: re.Match[str]) -> str:
    """An abbreviation in an exception as the condition it names, when it names one by a whole synonym."""
    names = _consume_conditions(match.group(0))
    return match.group(0) if names is None else _join([clinical_vocab().conditions[name].display for name in names])


def _how_long(clause: str, diagnosed: bool) -> str:
    """A duration in plain words: "for at least one year prior to Baseline visit" -> "for at least one
    year"; "> 6 months" or "at least 12 weeks prior to inclusion" after "diagnosed with ..." ->
    "diagnosed more than 6 months ago" (else "for more than 6 months"), the study's start being now."""
    amount = _DURATION_AMOUNT.search(clause)
    if amount is None:
        return clause
    longer = (amount["longer"] or "").strip().lower()
    comparator = "at least" if longer in _AT_LEAST_WORDS else "more than" if longer else ""
    span = " ".join(part for part in (comparator, amount["amount"], amount["unit"].lower()) if part)
    if diagnosed and not _DURATION_LASTING.search(clause):
        return f"diagnosed {span} ago"
    return f"for {span}"


def _spelled_out(text: str) -> str:
    """ "Hidradenitis Suppurativa (HS)": a bracketed abbreviation of the words right before it says
    nothing more, and is dropped (else a question would show it unexplained); where the criterion uses it
    again ("(excluding diet-controlled DM)") it is said in those words (review of round 1, issue #12)."""
    defined: dict[str, str] = {}

    def drop(match: re.Match[str]) -> str:
        abbreviation = match["abbr"]
        words = _WORD.findall(match.string[: match.start()])[-len(abbreviation) :]
        if len(words) != len(abbreviation) or "".join(word[0] for word in words).upper() != abbreviation:
            return match.group(0)
        defined[abbreviation] = " ".join(words)
        return ""

    text = _ABBREVIATION.sub(drop, text)
    for abbreviation, words in defined.items():
        text = re.sub(rf"(?<![\w-]){abbreviation}(?![\w-])", words, text)
    return text


def _each_part(context: CriterionContext, text: str) -> Rule | None:
    """ "Known HIV infection; known hepatitis C": each part a condition of its own, any one of which
    excludes (an inclusion needs them all); a part that is no condition leaves the whole to the chain."""
    parts = [part.strip() for part in text.split(";") if part.strip()]
    if continues_the_one_before(parts):
        return None
    rules = [extract_condition(context.with_text(part)) for part in parts]
    read = tuple(rule for rule in rules if isinstance(rule, ConditionRule))
    if len(parts) < 2 or len(read) < len(parts):
        return None
    return AnyOf(rules=read) if context.section == "exclusion" else AllOf(rules=read)


def _each_clause(context: CriterionContext, text: str) -> Rule | None:
    """ "History of pneumonitis that required steroids or has current pneumonitis": clauses joined by "or",
    each with its own framing, any one of which is met; read when each is a condition of its own and
    none holds a time window (which might be meant for both). Otherwise None, and the whole is read as one
    ("Active or history of autoimmune disease")."""
    parts = [part.strip() for part in _OR_CLAUSE.split(text, maxsplit=_MAX_CLAUSES) if part.strip()]
    if not 2 <= len(parts) <= _MAX_CLAUSES:
        return None
    if any(_WITHIN_BRACKET.search(part) or _WITHIN_MONTHS.search(part) or _WITHIN_ONE.search(part) for part in parts):
        return None
    if parts[-1].endswith(")"):
        return None  # "Known HIV or known hepatitis B or C (with a detectable viral load)": the bracket may be for all
    rules = [extract_condition(context.with_text(part)) for part in parts]
    read = tuple(rule for rule in rules if isinstance(rule, ConditionRule))
    if len(parts) < 2 or len(read) < len(parts):
        return None
    return AnyOf(rules=read)


def _with_examples(context: CriterionContext, text: str) -> Rule | None:
    """ "Known active infections such as hepatitis B, hepatitis C, and HIV": the head is the condition
    and the items name instances of it, so having any one of them is having it (issue #12). Read only
    when the head is a condition rule of its own and every item is a condition by name (a qualified
    item, "severe asthma", only under a head whose own qualifier keeps a "yes" open); the rule then
    names the head's conditions and the examples, with the head's qualifier, window and tense."""
    match = _EXAMPLES.match(text) if len(text) <= _EXAMPLES_MAX_CHARS else None
    if match is None or (match["open"] is None) != (match["close"] is None):
        return None
    head = extract_condition(context.with_text(match["head"]))
    if not isinstance(head, ConditionRule) or not head.present or head.open_ended:
        return None
    items = match["items"].strip(" .,;:")
    named = _consume_conditions(_strip_framing(items))
    if named is None and head.qualifier is not None:
        # Examples under a qualified head: only their names are read (the head's qualifier is the rule's).
        named = _qualified_names(_strip_framing(items), written=items, whole_list=False)[1]
        if named is None and (each := _each_example(items)) is not None:
            named, narrowing = each
            qualifier = ", ".join(dict.fromkeys([head.qualifier, *narrowing]))
            head = head.model_copy(update={"qualifier": qualifier})
    if named is None:
        return None
    conditions = tuple(dict.fromkeys([*head.conditions, *named]))
    return head.model_copy(update={"conditions": conditions})


def _each_example(items: str) -> tuple[list[str], list[str]] | None:
    """ "uncontrolled diabetes mellitus, uncontrolled hypertension, nutritional deficiency or uncontrolled thyroid
    disease" (NCT03860857, issue #12): examples that each carry their own narrowing word (one pass takes a repeated
    word out of the first item only), read item by item: their names, and their narrowing words, which the rule
    keeps beside the head's qualifier. Every item must be a condition by name, or none is read."""
    names: list[str] = []
    narrowing: list[str] = []
    for item in _top_level_items(items):
        stripped = _strip_framing(item)
        found = _consume_conditions(stripped)
        if found is None:
            words, found = _qualified_names(stripped, written=item, whole_list=False)
            if words is not None:
                narrowing.append(_sentence_case(words))
        if not found:
            return None
        names.extend(found)
    return (names, narrowing) if names else None


_CNS_DISEASE = re.compile(
    r"\b(?:CNS|central nervous system(?: \(CNS\))?) (?:disease|involvement|tumou?r involvement)\b", re.IGNORECASE
)


@cache
def _any_name() -> re.Pattern[str]:
    """Every condition name at the start of a word, as `_consume_conditions` reads them (one trie)."""
    names = (synonym for term in clinical_vocab().conditions.values() for synonym in term.synonyms)
    return re.compile(rf"(?<![\w']){literal_alternation(names)}(?!\w)", re.IGNORECASE)


_HISTORY_HEADING = _PATTERNS.regex("history_heading")  # "Prior history of:" over its items


def extract_condition(context: CriterionContext) -> Rule | None:
    """Named conditions: infection, dialysis, bleeding disorders, HIV, heart or lung problems."""
    parent = context.parent_text or ""
    text = context.text.translate(_FULL_WIDTH) if "，" in context.text or "；" in context.text else context.text
    if text[:1].isdigit() or text.startswith("("):
        text = _ENUMERATOR_BARE.sub("", _ENUMERATOR.sub("", text))
    if any(word in text for word in _REASON_WORDS):
        text = _REASON.sub("", text)
    if "required" in text:
        text = _TESTING_NOTE.sub("", text)
    if "(e" in text or "(for" in text:
        # Before square brackets become round ones: a test bracket may hold "[HBsAg]" (issue #12).
        text = _TEST_EXAMPLES.sub("", text)
    if "defined as" in text:
        # "history of Hepatitis B (defined as HBsAg reactive)": the infection now, as the test shows it.
        text = _TEST_DEFINITION.sub(r"\g<name>", text)
    if "[" in text:
        text = _SQUARE_ABBREVIATION.sub(r"(\1)", _CITATION.sub("", text))
    if "(" in text:
        text = _spelled_out(text)
    text = _HEPATITIS_B_OR_C.sub(r"\1\2hepatitis \3", " ".join(text.split()).rstrip(".").rstrip(";").rstrip(","))
    if context.cancer_trial and "CNS" in text.upper():
        # In a trial that treats a cancer, "CNS disease" / "CNS involvement" is the cancer's spread to the brain
        # or spinal cord (elsewhere it may be any neurological disease, so it is read only here; issue #12).
        text = _CNS_DISEASE.sub("CNS metastases", text)
    if (
        context.section == "exclusion"
        and ("not excluded" in text or "Exception" in text)
        and (note := _NOT_EXCLUDED_NOTE.match(text))
        and _NOTE_HEAD.search(note["head"])
    ):
        # "Has a known additional malignancy that is progressing or has required active treatment within the
        # past 5 years. Note: Participants with basal cell carcinoma of the skin, ... that have undergone
        # potentially curative therapy are not excluded." (the pembrolizumab trials): the note is the
        # exclusion's exception, read as one (oncdx, issue #12).
        what = _EXAMPLES_BRACKET.sub("", note["what"] or note["listed"]).strip()
        text = f"{note['head']}, except {what}{' ' + note['how'] if note['how'] else ''}"
    if "manifestation" in text and (own := _OWN_CANCER.match(text)) is not None:
        # "Participant has leptomeningeal disease as a manifestation of the current malignancy" (NCT05382559):
        # the cancer's spread, which the condition's name says already, in any trial (oncdx, issue #12).
        spread = _consume_conditions(_strip_framing(own["what"]))
        if spread and set(spread) <= _SPREAD:
            text = own["what"]
    if "ecent" in text and "(" in text:
        # "Current or recent (within 3 months) gastrointestinal disease": the bracket says how recent, and dates
        # the whole, the present included; read as "gastrointestinal disease (within 3 months)" (issue #12).
        text = _RECENT_BRACKET_LEAD.sub(r"\g<what> \g<window>", text)
    if ")" in text and (closing := _BRACKET.search(text)) is not None and _EXPLANATION.search(closing["inner"]):
        # "Previous diagnosis of Pneumocystis jiroveci pneumonia (cotrimoxazole is secondary prophylaxis and should
        # not be discontinued)" (NCT02028676): the bracket explains the criterion and narrows nothing, so the
        # condition is read without it (issue #12).
        text = text[: closing.start()]
    if "(+)" in text:
        text = _PLUS_SIGN.sub(" positive", text)  # "Known HIV(+)": a positive test, not a qualifier "+"
    if "AIDS" in text:
        text = _AIDS.sub("acquired immunodeficiency syndrome", text)
    if "emophilia" in text:
        text = _HEMOPHILIA_A_OR_B.sub(r"\1 \2 or \1 \4", text)
    if "infectious)" in text:
        text = _BRACKETED_LEAD.sub(r"\1 ", text)
    if _any_name().search(text) is None:
        return None  # no condition's name anywhere: every reading below needs one (most criteria)
    if ";" in text:
        return _each_part(context, text)
    lowered = text.lower()
    if any(word in lowered for word in _OR_CLAUSE_WORDS) and (clauses := _each_clause(context, text)) is not None:
        return clauses
    if context.parent_text is not None and (
        _PARENT_NEGATION.search(context.parent_text)
        or _PARENT_COUNT.search(context.parent_text)
        or _PARENT_EXAMPLES.search(context.parent_text)
    ):
        return None
    if context.section == "inclusion" and _SAYS_EXCLUDED.search(text):
        return None  # an exclusion written under the inclusion heading: read the other way round
    # A trailing exception the rule can keep as its qualifier is taken out first; any other
    # exception or condition left in the text leaves the criterion to the family.
    exception, text = _exception(text)
    if context.section == "exclusion" and ("eligible" in text or "excluded" in text):
        text = _EXCLUDED_TAIL.sub("", text)
    if context.section == "exclusion" and text[-1:] in "rRdD":
        text = _TRAILING_CONJUNCTION.sub("", text)
    if _PERMISSIVE.search(text) or _NOT_MINE.search(text):
        return None
    umbrella = _UMBRELLA.match(text)
    if exception is not None and (umbrella is not None or _LUNG_FUNCTION.match(text) is not None):
        return None
    if umbrella is None and exception is None and any(word in text.lower() for word in _EXAMPLE_WORDS):
        with_examples = _with_examples(context, text)
        if with_examples is not None:
            return with_examples
    if umbrella is not None:
        items = re.split(r",\s*(?:or\s+)?|\s+or\s+", umbrella.group("items"))
        names: list[str] = []
        for item in items:
            found = _consume_conditions(_strip_framing(re.sub(r"\bwithin the last \d+ months\b", "", item)))
            names.extend(n for n in found or [] if n not in names)
        if not names:
            return None
        head, head_window = _head_window(umbrella.group("head"), umbrella.group("items"))
        label = _PATIENTS_WITH.sub("", head).strip(" .,")
        if not label:
            return None
        label = label[0].upper() + label[1:]
        return ConditionRule(conditions=tuple(names), label=label, open_ended=True, **head_window)
    lung = _LUNG_FUNCTION.match(text)
    if lung is not None:
        found = _consume_conditions(re.sub(r",?\s*no\s+", ", ", lung.group(1)))
        return ConditionRule(conditions=tuple(found), present=False) if found else None
    present = True
    body = text
    negation = _NEGATION.match(body)
    if negation is not None:
        if context.section == "exclusion":
            # "No evidence of dementia" listed as an exclusion: which way it is meant is a guess.
            return None
        present, body = False, negation.group(1)
    trailing = _TRAILING_HISTORY.match(body)
    if trailing is not None and _consume_conditions(_strip_framing(trailing["what"])) is not None:
        # "HIV positive history": only where the words before are names ("psychiatric diagnosis" is one).
        body = f"{trailing['word'].lower()} of {trailing['what']}"
    lasting = _DURATION.search(body) if present else None
    if lasting is not None:
        body = body[: lasting.start()]  # kept as written in the qualifier, below
    # A plain condition in an inclusion is one the child must have ("Controlled type 2 diabetes").
    window: dict[str, int] = {}
    unwindowed = body
    span = _WITHIN_BRACKET.search(body) or _WITHIN_MONTHS.search(body) or _LESS_THAN_WINDOW.search(body)
    one = None if span is not None else _WITHIN_ONE.search(body)
    window_at = span or one
    after = body[window_at.end() :].strip(" .,;") if window_at is not None else ""
    if window_at is not None and after and not _BRACKET.fullmatch(after) and body[: window_at.start()].strip(" ,:;"):
        return None  # "MI or stroke within 6 months, or hypertension": the window covers only some names
    window_words = "" if window_at is None else " " + window_at.group(0).strip()
    if span is not None:
        window = _span_window(span)
        body = (body[: span.start()] + " " + body[span.end() :]).strip()
    elif one is not None:
        window = {"within_months": 12 if one["unit"].lower() == "year" else 1}
        body = (body[: one.start()] + " " + body[one.end() :]).strip()
    if window:
        body = _RECENT.sub(" ", body).strip()  # "recent stroke (within the last 6 months)": the window says how recent
    if window and any(
        pattern.search(body) for pattern in (_WITHIN_BRACKET, _WITHIN_MONTHS, _WITHIN_ONE, _LESS_THAN_WINDOW)
    ):
        return None  # a second window ("MI in the last 6 months or stroke in the last 3 months")
    # "History of stroke": the trial asks about ever having had it (a resolved illness counts).
    ever = not window and present and (_EVER.search(body) is not None or _HISTORY_HEADING.match(parent) is not None)
    # A phrase such as "active or uncontrolled infection" is a name in its own right; only
    # when the whole does not read as names is a qualifier ("life-threatening") taken out.
    # A name may hold a framing word itself ("prior malignancy"): the text as written is tried first.
    # The framing before the names is tried alone first ("a prior malignancy" is another cancer, not any cancer).
    qualifier, names_found = (
        None,
        (
            _consume_conditions(body)
            or _consume_after_leading_framing(body)
            or _consume_conditions(_strip_framing(body))
        ),
    )
    if names_found is None and (shared := _SHARED_LEAD.fullmatch(_strip_framing(body))) is not None:
        names_found = _shared_lead(shared)
    if names_found is None:
        qualifier, names_found = _qualified_names(_strip_framing(body), written=body)
    names_text = body
    if names_found is None and not window and (clause := _closing_clause(body)) is not None:
        qualifier, names_found, names_text = clause
    elif names_found is None and window and (clause := _closing_clause(unwindowed, window_inside=True)) is not None:
        # "Active infection requiring intravenous antibiotics within 14 days prior to study intervention": the
        # window closes the clause and dates what makes the illness count, so the rule asks about the window
        # (an infection treated 10 days ago and gone now counts) and the rest of the clause is the qualifier
        # (review of round 1, issue #12).
        qualifier, names_found, names_text = clause
    if names_text is not body:
        # Only the names' own words say "ever" ("pneumonitis that required prior steroids" asks about now).
        said_ever = _EVER.search(names_text) is not None or _HISTORY_HEADING.match(parent) is not None
        ever = not window and present and said_ever
    if names_found is not None and present and context.section == "inclusion" and _BOTH.search(names_text):
        # "Hypertension and diabetes" as an inclusion asks for both; the rule means any one of them.
        return None
    if names_found is None and present and context.section == "exclusion" and exception is None and lasting is None:
        # "Serious, non-healing wound, active ulcer, or untreated bone fracture": each item with a qualifier of
        # its own, and any window the list closes with for all of them (issue #12).
        return _each_item(context, body, window_words) or _allergy(text, exception)
    if names_found is None:
        return _allergy(text, exception)
    if _one_cancer_left_alone(names_found, context):
        return None  # "History of breast cancer" in a breast-cancer trial: the diagnosis kind's, not another cancer
    if "malignancy" in names_found and (
        _ANOTHER_CANCER.search(body) or (context.cancer_trial and context.section == "exclusion" and present)
    ):
        # "Prior malignancy within 3 years": another cancer than the trial's own, not any cancer (a child in
        # a cancer trial has one); framing took "prior" away with "history of". In a cancer trial's
        # exclusions even "History of malignancy" can only mean another one.
        names_found = [name for name in names_found if name != "malignancy"]
        names_found = names_found if "prior_malignancy" in names_found else ["prior_malignancy", *names_found]
        if qualifier is not None and qualifier.lower() in _ANOTHER_CANCER_WORDS:
            qualifier = None  # "concurrent or previous malignant tumors": "another cancer" says both
    elif "malignancy" in names_found and "prior_malignancy" in names_found:
        # "Concurrent malignancy or a history of malignancy" (NCT02552212): any cancer covers the other one.
        names_found = [name for name in names_found if name != "prior_malignancy"]
    if present and context.section == "inclusion" and _ANY_ILLNESS in names_found:
        return None  # "Patients with a serious illness" asks for the trial's own illness, not another one
    if present and names_found == [_ANY_ILLNESS] and qualifier is None and exception is None and not window:
        return None  # "Any medical condition": every trial means one that matters; which is not said
    # Any other illness beside another name, or with words from more than one place: only one qualifier
    # shared by the whole list is read ("Medical or neurological illnesses likely to affect physiology",
    # "Acute illness or infection within the last 4 weeks"); none ("Medical or neurological illness"), or
    # several ("severe illness or active infection other than malaria", "comorbidities (DM, CKD)") leave it to
    # the family (reviews of 2026-12-03).
    several = qualifier is None or "," in qualifier or exception is not None
    if _ANY_ILLNESS in names_found and several and (len(names_found) > 1 or qualifier):
        return None
    if "multiple_pregnancy" in names_found and context.newborn_participants:
        return None  # in a trial of newborns, the pregnancy the child was born of (NCT03869827)
    if present and context.section == "inclusion" and qualifier is not None and _HINDERS.search(qualifier):
        return None  # "... that would limit compliance" under an inclusion heading: an exclusion misplaced
    if lasting is not None:
        how_long = _how_long(lasting["clause"], diagnosed=_DIAGNOSED.search(body + " " + lasting["clause"]) is not None)
        qualifier = f"{qualifier}, {how_long}" if qualifier else how_long
    if exception is not None:
        qualifier = f"{qualifier}, {exception}" if qualifier else exception
    if set(names_found) <= _ALLERGY_KIND_READS and qualifier is None and not window:
        return None  # "Food allergies": the allergy kind reads it against the profile's allergies
    displays = [clinical_vocab().conditions[name].display for name in names_found]
    said_active = any(_ACTIVE.search(said) for said in (qualifier or "", *displays))
    if window and _ACTIVE.search(body) and not _ACTIVE_JOINED.search(body) and not said_active:
        # "Other active malignancy in past 5 years": a name read with "active" in it ("other active malignancy")
        # whose words for the family lack it keeps it in the qualifier, as "Has your child had another cancer in
        # the last 5 years?" asks about more than active ones (NCT03862677, review of round 1, issue #12). Without
        # a window the present tense says "active" already ("Active tuberculosis").
        qualifier = f"active, {qualifier}" if qualifier else "active"
    if ever and any(clinical_vocab().conditions[name].now for name in names_found):
        return None  # "History of uncontrolled intercurrent illness": ever and now at once (issue #12)
    if ever and qualifier is not None and _ACTIVE.search(qualifier):
        # "History of active, serious or persistent infections": an active one now or a serious one before;
        # asked as one "ever", every child who once had a cold answers yes (review of round 1, issue #12).
        return None
    if "active_infection" in names_found and qualifier is not None and _RECENT.search(qualifier):
        # "Recent infection": the profile says only whether there is one now (issue #12).
        return None
    return ConditionRule(
        conditions=tuple(names_found),
        present=present,
        qualifier=qualifier,
        ever=True if ever else None,
        **window,
    )


def _one_cancer_left_alone(names: list[str], context: CriterionContext) -> bool:
    """Whether a cancer named as a condition ("prostate cancer") is left to the family or the diagnosis kind
    (cancer, issue #12): in an inclusion ("No lung cancer within the past 2 years" in NCT00023673, a lung-cancer
    trial whose own diagnosis is not read, means an earlier one), or of the family of a cancer the trial treats,
    which the diagnosis kind reads against the child's own diagnosis."""
    vocab = clinical_vocab()
    cancers = [name for name in names if name in vocab.diagnoses]
    if not cancers:
        return False
    if {"malignancy", "prior_malignancy"} & set(names):
        return True  # "Breast cancer or other malignancies" (NCT03459976): other than which, the trial's own?
    trial = context.trial_diagnoses
    return context.section != "exclusion" or any(same_family(name, trial) for name in cancers if trial)


def _allergy(text: str, exception: str | None) -> ConditionRule | None:
    """ "Allergic reactions attributed to ...": an allergy, with what it is to as the qualifier."""
    allergy = _ALLERGY.match(text)
    if allergy is None or exception is not None:
        return None
    return ConditionRule(conditions=("allergy",), qualifier="to " + allergy.group(1))


# Where a list's items part: commas (with "or", "and/or" or "and" after them), "or", "and/or" or a slash alone.
_ITEM_JOINER = re.compile(r"\s*,\s*(?:and/or\s+|or\s+|and\s+)?|\s+(?:and/or|or)\s+|\s*/\s*", re.IGNORECASE)
_ITEMS_MAX_CHARS = 400
# A cause said after a name ("due to drug withdrawal", "not induced by ..."): in a list, the items after it may be
# more causes rather than conditions of their own (issue #12).
_CAUSE_CLAUSE = re.compile(r"\b(?:due to|secondary to|(?:induced|caused|provoked) by|related to)\s", re.IGNORECASE)
# A list item that is only a heart-failure class ("New York Heart Association (NYHA) Grade III-IV", "NYHA class
# >= 3"); the abbreviation in brackets is gone by then (`_spelled_out`).
_NYHA_ALONE = re.compile(
    r"(?:New York Heart Association|NYHA)(?: functional)? (?:class(?:ification)?|grade|stage)(?:es|s)? ?"
    r"(?:≥|>=|>)? ?(?:[1-4]|I{1,3}|IV)(?: ?(?:-|–|or|to|/) ?(?:[1-4]|I{1,3}|IV))?",
    re.IGNORECASE,
)


def _top_level_items(text: str) -> list[str]:
    """`text` cut at the list joiners that stand outside brackets ("symptomatic heart failure (NYHA class II,
    III or IV), or unstable angina" is two items)."""
    level: list[int] = []
    if "(" in text or "[" in text:
        depth = 0
        for char in text:
            depth += 1 if char in "([" else -1 if char in ")]" else 0
            level.append(depth)
    items, start = [], 0
    for joiner in _ITEM_JOINER.finditer(text):
        if (not level or level[joiner.start()] == 0) and joiner.end() > joiner.start():
            items.append(text[start : joiner.start()])
            start = joiner.end()
    items.append(text[start:])
    return [item.strip() for item in items]


def _each_item(context: CriterionContext, body: str, window_words: str) -> Rule | None:
    """ "History of myocardial infarction, uncontrolled heart failure, significant liver disease or unstable angina
    within 6 months": an exclusion's list whose items narrow their names each in their own way, read item by item
    with the framing before the list and the window after it (each item a condition rule of its own, any one of
    which excludes). A bare name after a narrowed one ("uncontrolled hypertension, diabetes") may share its
    narrowing, so the list is then left to the family; so are lists with examples, a colon or a bracket left open."""
    if len(body) > _ITEMS_MAX_CHARS or ":" in body or any(word in body.lower() for word in _EXAMPLE_WORDS):
        return None
    if _ITEM_JOINER.search(body) is None:
        return None  # one item: the readings before have had it
    lead, rest = "", body
    framing = _leading_framing_pattern()
    while (match := framing.match(rest)) is not None and match.end() > 0:
        lead, rest = lead + rest[: match.end()], rest[match.end() :]
    items: list[str] = []
    classed = False
    for item in _top_level_items(rest):
        # "Serious, non-healing wound": a qualifier alone before a comma narrows the item after it.
        if items and _any_qualifier().fullmatch(items[-1]):
            item = f"{items.pop()}, {item}"
        if _NYHA_ALONE.fullmatch(item):
            # "..., or New York Heart Association (NYHA) Grade III-IV within 6 months": the class is of heart failure.
            item = f"heart failure ({item})"
            classed = True
        items.append(item)
    if len(items) < 2 or not all(items) or rest.count("(") != rest.count(")"):
        return None
    # "Cardiac or active hepatic disease": a bare word before the last item shares its head, not its qualifier.
    items = [headed_item(item, items[-1]) or item for item in items[:-1]] + items[-1:]
    if not all(_any_name().search(item) for item in items):
        return None  # an item without a condition's name: none of the readings below can read it
    if any(_CAUSE_CLAUSE.search(item) for item in items[:-1]):
        return None  # "Seizures not induced by drug withdrawal or fever": the items after a cause may be causes too
    rules: list[ConditionRule] = []
    carried = False  # a word before an earlier item's name that might narrow the items after it too
    for item in items:
        rule = extract_condition(context.with_text(f"{lead}{item}{window_words}"))
        if not isinstance(rule, ConditionRule) or rule.label is not None or not rule.present:
            return None
        if carried and rule.qualifier is None and _any_qualifier().search(item) is None:
            return None  # "uncontrolled hypertension, diabetes": is the diabetes uncontrolled too?
        # Not when a bracket closes the item ("severe heart dysfunction (NYHA class >= 3) or tachyarrhythmia").
        leads = _leading_qualifier().match(_strip_framing(item)) is not None and not item.endswith(")")
        carried = carried or (rule.qualifier is not None and leads)
        rules.append(rule)
    if all(rule.qualifier is None for rule in rules):
        return None
    if classed and sum("heart_failure" in rule.conditions for rule in rules) > 1:
        return None  # "NYHA classification I or decompensated heart failure": whose class, which failure?
    return AnyOf(rules=tuple(rules))


def _closing_clause(body: str, window_inside: bool = False) -> tuple[str, list[str], str] | None:
    """ "Heart disease that would be a risk for anesthesia", "Anemia due to reasons other than MDS": a
    closing clause that narrows the names before it, kept as written in the qualifier (issue #12); the
    qualifier, the names and the text they were read from, or None. With `window_inside`, a time window
    may close the clause ("that required systemic treatment in the past 2 years") when nothing else in
    it is too much; the qualifier is then the clause without it (the rule carries the window)."""
    clause = _CLAUSE.search(body)
    tries = 1
    while clause is not None and tries < _CLAUSE_TRIES and _any_name().search(body, 0, clause.start()) is None:
        # "subjects diagnosed with knee OA according to the clinical criteria of ...": a clause that would open
        # before every name ("diagnosed with ...") is the framing; the narrowing clause, if any, comes later.
        clause, tries = _CLAUSE.search(body, clause.start() + 1), tries + 1
    if clause is None:
        return None
    said = clause["clause"].strip(" .,;")
    checked = said
    if window_inside:
        windows = [m for p in (*_WINDOWS, _WITHIN_ONE) if (m := p.search(said)) is not None]
        if len(windows) != 1:
            return None
        checked = said[: windows[0].start()] + said[windows[0].end() :]
        if "," in _BRACKETED.sub("", checked):
            return None  # "..., cancer treatment of any kind within the last 6 months": a list, the window an item's
    if _CLAUSE_TOO_MUCH.search(checked) is not None:
        return None
    said = " ".join(checked.split()).strip(" .,;")  # with `window_inside`, the clause without its window
    if any(_any_condition_name().search(part) for part in _OR.split(said)[1:]):
        return None  # "... that requires treatment or diabetes": another item, not a narrowing
    head = body[: clause.start()]
    named = _consume_conditions(_strip_framing(head))
    narrowed, names = (None, named) if named is not None else _qualified_names(_strip_framing(head), head)
    if names is None:
        return None
    return (f"{narrowed}, {said}" if narrowed else said), names, head


# "liver disease or dysfunction": two names sharing their first word (issue #12).
_SHARED_LEAD = re.compile(r"(?P<lead>[\w'-]+) (?P<a>[\w'-]+) (?:or|and/or|and|/) (?P<b>[\w'-]+)", re.IGNORECASE)


def _shared_lead(match: re.Match[str]) -> list[str] | None:
    """ "Kidney disease or dysfunction" read as "kidney disease or kidney dysfunction", when each is a whole name."""
    first = _consume_conditions(f"{match['lead']} {match['a']}")
    second = _consume_conditions(f"{match['lead']} {match['b']}")
    if first is None or second is None or len(first) != 1 or len(second) != 1:
        return None
    return list(dict.fromkeys([*first, *second]))


_WINDOWS = (_WITHIN_BRACKET, _WITHIN_MONTHS, _LESS_THAN_WINDOW)


def _head_window(head: str, items: str) -> tuple[str, dict[str, int]]:
    """An umbrella's closing window ("Severe infection within 4 weeks prior to initiation of study
    treatment, including, but not limited to, ..."; issue #12): the head without it, and the window,
    which then dates the whole umbrella. A window inside the examples as well ("..., including MI
    within 6 months"), or examples that widen the head ("..., or any active infection"), leave the
    head as written (the guard then keeps the window unread, and the rule partial)."""
    stripped = head.strip(" .,")
    if _WIDENING.search(items):
        return head, {}  # "..., or any active infection that could impact patient safety": more than the head names
    for pattern in _WINDOWS:
        found = pattern.search(stripped)
        if found is None or stripped[found.end() :].strip(" .,"):
            continue
        rest = stripped[: found.start()].strip(" ,")
        if any(p.search(rest) or p.search(items) for p in (*_WINDOWS, _WITHIN_ONE)):
            break
        window = _span_window(found)
        return " ".join(_RECENT.sub(" ", rest).split()), window
    return head, {}


def _span_window(found: re.Match[str]) -> dict[str, int]:
    """The window a matched window pattern says: "6 months", or "(past year)" without a number."""
    if found["amount"] is None:
        return _window(1, found["one"].lower())
    unit = found["unit"].lower()
    return _window(_PATTERNS.number(found["amount"]), "months" if unit in ("mo", "mos") else unit)


def _window(amount: int, unit: str) -> dict[str, int]:
    """ "6 months" -> within_months 6; "2 years" -> 24 months; "4 weeks" -> within_days 28."""
    if unit.startswith("year"):
        return {"within_months": 12 * amount}
    if unit.startswith("month"):
        return {"within_months": amount}
    return {"within_days": amount * (7 if unit.startswith("week") else 1)}


def _months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / (365.25 / 12)


def _record_state(
    name: str, profile: PatientProfile, within_months: float | None, on: date, ever: bool = False
) -> tuple[bool | None, str, bool] | None:
    """What a dated condition record says of `name` (see `_condition_state`), or None when none names it."""
    vocab = clinical_vocab()
    # A record of the condition or a narrower one it includes; "never had" counts from a broader one too.
    record = next(
        (r for r in profile.condition_records if vocab.condition_found(name, (r.name,), broader=r.status == "absent")),
        None,
    )
    if record is None:
        return None
    if record.status == "absent":
        return False, f"the profile says the child has never had '{record.name}'", True
    if record.status == "active":
        return True, f"the profile lists '{record.name}' as current", True
    when = f" (ended {record.resolved.isoformat()})" if record.resolved else ""
    said = f"the profile lists '{record.name}' in the past{when}"
    if within_months is not None and record.resolved is not None:
        return _months_between(record.resolved, on) <= within_months, said, True
    # Undated, or no window: a past illness settles "ever had", not "has" (nor "in the last N months").
    return True, said, ever and within_months is None


def _condition_state(
    name: str, profile: PatientProfile, within_months: float | None = None, on: date | None = None, ever: bool = False
) -> tuple[bool | None, str, bool]:
    """Whether the child has condition `name` (None: not known), what the profile says, and whether
    that settles the rule's time window and tense (False: a past or undated illness, which a
    "yes" alone cannot settle)."""
    display = clinical_vocab().conditions[name].display
    if name == "active_infection":
        if profile.active_infection is None:
            return None, "the profile does not say whether there is an active infection", True
        if not profile.active_infection and (within_months is not None or ever):
            # "No infection now" says nothing of one in the last months, or ever (issue #12).
            return None, "the profile says there is no active infection now, not whether there was one before", True
        return profile.active_infection, f"active infection: {_yes_no(profile.active_infection)}", True
    if name == "cns_metastases" and profile.cns_disease.present is not None and within_months is None:
        present = profile.cns_disease.present
        return present, f"CNS disease: {_yes_no(present)}", True
    if name == "brain_metastases" and profile.cns_disease.present is False and within_months is None:
        # No CNS disease: none in the brain. CNS disease may be in the spinal cord only, so a "yes" says nothing.
        return False, "CNS disease: no", True
    from_smoking = smoking_state(name, profile, within_months, on or date.today(), ever)
    if from_smoking is not None:  # the profile's `lifestyle.smoking` answers "Smokers", "Non-smokers"
        return from_smoking
    from_drinks = alcohol_state(name, profile, within_months, ever)
    if from_drinks is not None:  # the profile's `lifestyle.alcohol_drinks_per_week` answers "Alcohol consumption"
        return from_drinks
    from_record = _record_state(name, profile, within_months, on or date.today(), ever)
    if from_record is not None:
        return from_record
    entry = clinical_vocab().condition_found(name, profile.conditions)
    if entry is not None:
        return True, f"the profile lists '{entry}'", within_months is None
    absent = clinical_vocab().condition_found(name, profile.conditions_absent, broader=True)
    if absent is not None:
        return False, f"the profile says the child does not have '{absent}'", True
    # A condition in neither list is unknown, not absent.
    return None, f"the profile does not mention {display}", True


def evaluate_condition(rule: ConditionRule, profile: PatientProfile, on: date) -> Outcome:
    months = rule.window_months()
    states = [_condition_state(name, profile, months, on, bool(rule.ever)) for name in rule.conditions]
    said = "; ".join(text for _, text, _ in states)
    said = said[0].upper() + said[1:]
    names = " or ".join(clinical_vocab().conditions[c].display for c in rule.conditions)
    subject = (rule.label[0].lower() + rule.label[1:]) if rule.label else names
    if rule.qualifier:
        subject += f" ({rule.qualifier})"
    if rule.window():
        subject += f" in the last {rule.window()}"
    needs = f"the trial's condition is {'having' if rule.present else 'not having'} {subject}"
    missing = tuple(
        "active_infection" if c == "active_infection" else "conditions"
        for c, (value, _, _) in zip(rule.conditions, states, strict=True)
        if value is not True
    )
    found = any(value for value, _, _ in states)
    # A qualifier ("life-threatening") is not in the profile, nor is a time window unless a dated
    # record settles it: a bare "yes" cannot settle them, though a "no" still does.
    settled_yes = any(value and settled for value, _, settled in states)
    narrowed = bool(rule.qualifier) or not settled_yes
    absent = all(value is False for value, _, _ in states) and not rule.open_ended
    if found and not narrowed:
        return (Outcome.met if rule.present else Outcome.not_met)(f"{said}; {needs}.")
    if absent:
        return (Outcome.not_met if rule.present else Outcome.met)(f"{said}; {needs}.")
    if found:
        return Outcome.unknown(f"{said}, but not whether it is {subject}; {needs}.", *missing or ("conditions",))
    return Outcome.unknown(f"{said}; {needs}.", *missing)


def _trigger() -> Trigger | None:
    words = phrase_words(s for term in clinical_vocab().conditions.values() for s in term.synonyms)
    return Trigger(("allergic", *words)) if words is not None else None


_DONOR_OR_ORGAN = _PATTERNS.regex("donor_or_organ_transplant")


def extract_donor_or_organ_transplant(context: CriterionContext) -> Rule | None:
    """ "Prior allogeneic stem cell or solid organ transplantation" (the Roche trials' exclusion, NCT03424005):
    a stem cell transplant from a donor, or an organ transplant, each read as the kinds read it alone
    (a prior_therapy and a condition rule), either one excluding (oncdx, issue #12)."""
    if context.section != "exclusion" or _DONOR_OR_ORGAN.match(" ".join(context.text.split()).rstrip(".;,")) is None:
        return None
    label = next(p.label for p in therapy_vocabulary().phrases if p.transplant == "allogeneic")
    donor = PriorTherapyRule(exposure=Exposure(transplant="allogeneic", label=label), condition="received")
    return AnyOf(rules=(donor, ConditionRule(conditions=("organ_transplant",), present=True, ever=True)))


KIND = RuleKind(
    ConditionRule, clinical_wording,
    ("condition_present", "condition_within", "condition_ever", "condition_absent", "condition_absent_window",
     "condition_recent"),
    evaluate_condition,
    (Step(extract_donor_or_organ_transplant, Trigger(("allogeneic", "allogenic"))),
     Step(extract_condition, _trigger())),
)  # fmt: skip

__all__ = ["KIND", "ConditionRule", "evaluate_condition", "extract_condition"]
