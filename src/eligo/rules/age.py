"""The age rule kind ("Age 12 months to 21 years", "Patients with X must be ..."): model, question,
extractor, evaluator and record."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _q, clinical_vocab, clinical_wording, describe_months
from eligo.rules._clinical_text import _diagnoses_in, _scope
from eligo.rules._general import general_vocab
from eligo.rules.attestation import _attestation
from eligo.rules.base import CriterionContext, RuleBase, Section, normalize_comparators
from eligo.rules.composite import AllOf, AnyOf, ConditionalRule
from eligo.rules.diagnosis import DiagnosisRule
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.prefilter import Trigger
from eligo.rules.verdicts import Outcome
from eligo.trials.ages import AgeLimits, last_month_admitted, registry_age_limits

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

_PATTERNS = patterns()["age"]
_AT_DIAGNOSIS = _PATTERNS.regex("at_diagnosis")
_BETWEEN = _PATTERNS.regex("between")
_AGE_AND_ABILITY = _PATTERNS.regex("age_and_ability")


class AgeRule(RuleBase):
    """The child's age lies in a range, compared on completed months of age.

    `unit` is how the trial wrote its limits. An inclusive upper limit counts the whole last
    unit of age, as ClinicalTrials.gov and COG read it: "≤ 18 years" admits 18 years 11
    months; "< 18 years" ends at the 18th birthday. A strict lower limit ("> 1 year") needs the
    child to be older than the exact birthday.
    """

    kind: Literal["age"] = "age"
    min_months: int | None = Field(default=None, ge=0, le=1800)
    max_months: int | None = Field(default=None, ge=0, le=1800)
    min_inclusive: bool = True
    max_inclusive: bool = True
    unit: Literal["years", "months"] = "years"
    # "< 21 years at diagnosis": the limit applies to the age when the cancer was diagnosed.
    at_diagnosis: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> AgeRule:
        if self.min_months is None and self.max_months is None:
            raise ValueError("an age rule needs a lower or an upper limit")
        if self.min_months is not None and self.max_months is not None:
            if self.min_months > self.max_months:
                raise ValueError("min_months must not exceed max_months")
            if self.min_months == self.max_months and not (self.min_inclusive and self.max_inclusive):
                raise ValueError("an empty age range")
        return self

    @classmethod
    def from_limits(cls, limits: AgeLimits | None) -> AgeRule | None:
        """The rule for a trial's registry age limits (`Eligibility.age_limits`); both limits inclusive."""
        if limits is None:
            return None
        return cls(min_months=limits.min_months, max_months=limits.max_months, unit=limits.unit)

    @classmethod
    def from_registry(cls, min_text: str | None, max_text: str | None) -> AgeRule | None:
        """Read `minimumAge` / `maximumAge` text; an unreadable age raises `UnreadableAge`."""
        return cls.from_limits(registry_age_limits(min_text, max_text, strict=True))

    def bounds_text(self) -> str:
        parts = []
        if self.min_months is not None:
            parts.append(f"{'≥' if self.min_inclusive else '>'} {self._amount(self.min_months)}")
        if self.max_months is not None:
            parts.append(f"{'≤' if self.max_inclusive else '<'} {self._amount(self.max_months)}")
        return " and ".join(parts)

    def _amount(self, months: int) -> str:
        if self.unit == "years" and months % 12 == 0:
            return f"{months // 12} year" + ("s" if months != 12 else "")
        return describe_months(months)

    def question(self, section: Section) -> str:
        low = None if self.min_months is None else self._amount(self.min_months)
        high = None if self.max_months is None else self._amount(self.max_months)
        if low is not None and high is not None and self.min_inclusive and self.max_inclusive:
            # "between 2 and 18 years old" when both limits are in the same unit, else each with its own.
            low_number, _, low_unit = low.partition(" ")
            same_unit = low_unit.rstrip("s") == high.partition(" ")[2].rstrip("s")
            span = f"between {low_number if same_unit else low} and {high} old"
        else:
            parts = []
            if low is not None:
                parts.append(f"at least {low} old" if self.min_inclusive else f"older than {low}")
            if high is not None:
                parts.append(f"{high} old or younger" if self.max_inclusive else f"younger than {high}")
            span = " and ".join(parts)
        return _q("age_at_diagnosis" if self.at_diagnosis else "age", range=span)


_LAB_UNITS = _PATTERNS.regex("lab_units")


_AGE_LEAD = _PATTERNS.regex("age_lead")
_AGE_TAIL = _PATTERNS.regex("age_tail")


def _months(value: str, unit: str | None) -> tuple[int, Literal["years", "months"]] | None:
    number = float(value)
    if unit is None or unit.lower().startswith("y"):
        months = number * 12
        kind: Literal["years", "months"] = "years"
    else:
        months, kind = number, "months"
    if months != int(months):
        return None
    return int(months), kind


def _age_patterns(unit_optional: bool) -> tuple[tuple[str, re.Pattern[str]], ...]:
    readings = [(reading.says or "", regex) for regex, reading in _PATTERNS.compiled_readings()]
    if unit_optional:  # the last reading ("≥ 1 year") with its unit optional
        readings[-1] = ("single", _PATTERNS.regex("single_unit_optional"))
    return tuple(readings)


# After an "Age:" lead a bare number is an age; without one it needs its unit.
_AGE_PATTERNS = {True: _age_patterns(unit_optional=True), False: _age_patterns(unit_optional=False)}


def _age_bounds(text: str) -> tuple[dict[str, object], str] | None:
    """Parse an age clause at the start of `text`; return the AgeRule fields and the rest."""
    t = _AGE_LEAD.sub("", text, count=1)
    had_lead = t != text
    for name, pattern in _AGE_PATTERNS[had_lead]:
        match = pattern.match(t)
        if match is None:
            continue
        g = match.groups()
        fields: dict[str, object] = {}
        if name == "pair":
            low, high = _months(g[1], g[2] or g[5]), _months(g[4], g[5])
            if low is None or high is None:
                return None
            fields = {
                "min_months": low[0],
                "min_inclusive": g[0] == "≥",
                "max_months": high[0],
                "max_inclusive": g[3] == "≤",
                "unit": high[1],
            }
        elif name == "range":
            if g[1] is None and not had_lead and not _BETWEEN.match(t):
                return None
            low, high = _months(g[0], g[1] or g[3]), _months(g[2], g[3])
            if low is None or high is None:
                return None
            fields = {"min_months": low[0], "max_months": high[0], "unit": high[1]}
        elif name in {"suffix_min", "suffix_max", "plus"}:
            value = _months(g[0], g[1])
            if value is None:
                return None
            key = "max_months" if name == "suffix_max" else "min_months"
            fields = {key: value[0], "unit": value[1]}
        else:
            value = _months(g[1], g[2])
            if value is None:
                return None
            key = "min_months" if g[0] in "≥>" else "max_months"
            fields = {key: value[0], "unit": value[1], key.replace("months", "inclusive"): g[0] in "≥≤"}
        return fields, t[match.end() :]
    return None


def _age_rule(text: str) -> AgeRule | None:
    if _LAB_UNITS.search(text) or (":" in text.split("age", 1)[-1][:40] and "Age:" not in text):
        return None
    scope, rest = _scope(text)
    parsed = _age_bounds(normalize_comparators(rest))
    if parsed is None:
        return None
    fields, tail = parsed
    if not _AGE_TAIL.match(tail):
        return None
    at_diagnosis = bool(_AT_DIAGNOSIS.search(tail))
    try:
        return AgeRule(scope=scope, at_diagnosis=at_diagnosis, **fields)
    except ValidationError:  # limits the model refuses (an empty range) are no reading of the text
        return None


_SUBGROUP_AGE = _PATTERNS.regex("subgroup_age")


def extract_age(context: CriterionContext) -> Rule | None:
    """Age limits, an arm scope, a subgroup scope, or an age clause joined to an ability."""
    text = context.body
    if len(context.sentences) > 1:
        return None  # each sentence is read on its own by the caller
    rule = _age_rule(text)
    if rule is not None:
        return rule
    subgroup = _SUBGROUP_AGE.match(text)
    if subgroup is not None:
        # "Patients with pheochromocytoma ... must be between 1 and 12 years of age": the limit
        # applies to that subgroup only -- a conditional on the diagnosis, never a limit for all.
        inner = _age_rule("age " + subgroup.group(2))
        diagnoses = _diagnoses_in(subgroup.group(1))
        if inner is None or not diagnoses:
            return None
        names = " or ".join(clinical_vocab().diagnoses[name].display for name in diagnoses)
        return ConditionalRule(
            if_present=DiagnosisRule(diagnoses=tuple(diagnoses)),
            condition=names,
            requirement=f"must be {subgroup.group(2)}",
            requirement_rule=inner,
        )
    head = _AGE_AND_ABILITY.match(text)
    if head is not None:
        age, ability = _age_rule(head.group(1)), _attestation(head.group(2))
        if age is not None and ability is not None:
            return AllOf(rules=(age, ability))
    return None


def _on_month_anniversary(born: date, on: date) -> bool:
    """True when `on` is a whole number of months after `born` (a birthday to the day)."""
    if on.day == born.day:
        return True
    # Born on the 31st: the month-anniversary in a shorter month is its last day.
    next_day = date.fromordinal(on.toordinal() + 1)
    return next_day.month != on.month and born.day > on.day


def _above_min(rule: AgeRule, months: int, exact: bool | None) -> bool | None:
    """Whether the age clears the lower limit; `exact` says whether the age is a whole
    number of months today (None when only age in years is known)."""
    low = rule.min_months
    if low is None:
        return True
    if months != low:
        return months > low
    if rule.min_inclusive:
        return True
    # "> 1 year" at exactly 12 completed months: older than the limit unless today is the birthday.
    return None if exact is None else not exact


def _within_the_year_over(rule: AgeRule, months: int) -> bool:
    """Whether the age is past an exclusive lower limit in years ("over 69 years") but short of the next
    birthday: over it counted in months, not over it counted in whole years."""
    low = rule.min_months
    return low is not None and not rule.min_inclusive and rule.unit == "years" and low < months < low + 12


def _below_max(rule: AgeRule, months: int) -> bool:
    """Whether the age is within the upper limit; one reading of upper limits, shared with the
    store's prefilter ("≤ 18 years" runs to 18y 11m, "< 18 years" ends at the 18th birthday)."""
    if rule.max_months is None:
        return True
    return months <= last_month_admitted(rule.max_months, rule.unit, inclusive=rule.max_inclusive)


def evaluate_age(rule: AgeRule, profile: PatientProfile, on: date) -> Outcome:
    months = profile.age_in_months_on(on)
    needs = f"the trial needs {rule.bounds_text()}" + (" at diagnosis" if rule.at_diagnosis else "")
    if months is None:
        return Outcome.unknown(f"No birth date or age in the profile; {needs}.", "birth_date")
    exact = _on_month_anniversary(profile.birth_date, on) if profile.birth_date is not None else None
    age = f"Age {describe_months(months)} on {on.isoformat()}"
    above, below = _above_min(rule, months, exact), _below_max(rule, months)
    if rule.at_diagnosis:
        # Age at diagnosis is at most today's age and the profile has no diagnosis date:
        # today's age can only settle "too young" (not_met) or "young enough" (the upper limit).
        if above is False:
            return Outcome.not_met(f"{age}, so younger at diagnosis; {needs}.")
        if below and rule.min_months is None:
            return Outcome.met(f"{age}, so no older at diagnosis; {needs}.")
        return Outcome.unknown(f"{age}; the profile has no date of diagnosis and {needs}.", "diagnosis_date")
    if above is None:
        return Outcome.unknown(
            f"{age} (from age in years, no birth date); {needs}, so the exact birthday matters.", "birth_date"
        )
    if above and below and _within_the_year_over(rule, months):
        # "> 69 years" (NCT03925142 excludes "<30 or >69 years old" and includes "30-69 years old"): counted in
        # whole years, 69 and a half is not over 69; counted in months it is. Both readings are in use, so an
        # age inside that year is left to the study team rather than decided either way (issue #12).
        years = (rule.min_months or 0) // 12
        return Outcome.unknown(
            f"{age}; {needs}. Whether an age between {years} and {years + 1} counts as over {years} is for "
            "the study team to say."
        )
    if above and below:
        return Outcome.met(f"{age}; {needs}.")
    return Outcome.not_met(f"{age}; {needs}.")


def extract_age_phrase(context: CriterionContext) -> Rule | None:
    """Age limits in phrasings `extract_age` does not read ("Patients aged from 18 to 80 years",
    "Between the ages of 18-60", "18-40 years of age"), rewritten by the rows of
    `vocab/general.yaml` `age_rewrites` (issue #12) and read by `extract_age`, checks and all."""
    if len(context.text) > 160:
        return None  # every row reads a whole short criterion: a long one cannot be only an age
    text = normalize_comparators(context.text).rstrip(".;,").strip()
    for pattern, replacement in general_vocab().age_rewrite_patterns:
        match = pattern.match(text)
        if match is not None:
            rewritten = match.expand(replacement).strip()
            rule = extract_age(context.with_text(rewritten))
            if rule is not None:
                return rule
            text = rewritten  # a lead dropped: later rows may read the rest
    return None


_CLAUSE_LABEL = _PATTERNS.regex("clause_label")
_CLAUSE_AT_DIAGNOSIS = _PATTERNS.regex("clause_at_diagnosis")
_CLAUSE_SUBJECT = _PATTERNS.regex("clause_subject")
_CLAUSE_VERB = _PATTERNS.regex("clause_verb")
_CLAUSE_AGE_WORD = _PATTERNS.regex("clause_age_word")
_CLAUSE_GE = _PATTERNS.regex("clause_ge")
_CLAUSE_LE = _PATTERNS.regex("clause_le")
_CLAUSE_HYPHEN_UNIT = _PATTERNS.regex("clause_hyphen_unit")
_CLAUSE_AND_OLDER = _PATTERNS.regex("clause_and_older")
_CLAUSE_AND_YOUNGER = _PATTERNS.regex("clause_and_younger")
_CLAUSE_OUTSIDE = (_PATTERNS.regex("clause_outside_low_first"), _PATTERNS.regex("clause_outside_high_first"))
_CLAUSE_BARE_RANGE = _PATTERNS.regex("clause_bare_range")
_CLAUSE_TAIL = _PATTERNS.regex("clause_tail")
_CLAUSE_SEX_AFTER = _PATTERNS.regex("clause_sex_after")
_CLAUSE_REST = _PATTERNS.regex("clause_rest")
_CLAUSE_SEPARATOR = _PATTERNS.regex("clause_separator")
_CLAUSE_ANOTHER_AGE = _PATTERNS.regex("clause_another_age")
_CLAUSE_BARE_PAIR = _PATTERNS.regex("clause_bare_pair")
_CLAUSE_UNIT = _PATTERNS.regex("clause_unit")
_CLAUSE_TO_COMPARATOR = _PATTERNS.regex("clause_to_comparator")
_CLAUSE_COMMA_AND = _PATTERNS.regex("clause_comma_and")
_CLAUSE_INNER_OLD = _PATTERNS.regex("clause_inner_old")
_DIGIT = re.compile(r"\d")
_CLAUSE_OPENS = re.compile(r"^(?:\d|[<>≤≥=]|between\b)", re.IGNORECASE)
_SEX_WORD = re.compile(r"\b(?:(?P<female>females?|women|woman|girls?)|(?P<male>males?|men|man|boys?))\b", re.I)
# Full-width comparators as East Asian registries type them ("Age＜18 years, or age＞80 years",
# NCT03924518; "The age＞18", NCT03925688): the age readers' own, as `normalize_comparators` leaves them.
_FULL_WIDTH = str.maketrans({"＜": "<", "＞": ">", "≦": "≤", "≧": "≥", "＝": "="})


def _half_width(text: str) -> str:
    """`text` with full-width comparators as ASCII or math symbols, spaced as typed ones are."""
    translated = text.translate(_FULL_WIDTH)
    return translated if translated == text else normalize_comparators(re.sub(r"\s*([<>≤≥])\s*", r" \1 ", translated))


def _limit(symbol: str, value: str, unit: str | None) -> AgeRule | None:
    months = _months(value, unit)
    if months is None:
        return None
    key = "min" if symbol in "≥>" else "max"
    return AgeRule(**{f"{key}_months": months[0], f"{key}_inclusive": symbol in "≥≤", "unit": months[1]})


def _outside(text: str, had_age: bool, either_and: bool) -> tuple[Rule, str] | None:
    """ "< 18 or > 80 years" (either order): below the one limit or above the other. Joined by
    "and" only where `either_and` (an exclusion's "> 70 yr and < 40 yr"); in an inclusion "≥ 18
    and < 12" is a contradiction, not an "either"."""
    for pattern in _CLAUSE_OUTSIDE:
        match = pattern.match(text)
        if match is None:
            continue
        if not either_and and " or " not in f" {match.group(0)} ":
            return None
        c1, v1, u1, c2, v2, u2 = match.groups()
        unit = u2 or u1
        if unit is None and not had_age:
            return None
        first, second = _limit(c1, v1, u1 or unit), _limit(c2, v2, u2 or unit)
        if first is None or second is None:
            return None
        low, high = (first, second) if first.max_months is not None else (second, first)
        if low.max_months is None or high.min_months is None or low.max_months > high.min_months:
            return None  # "≥ 18 or < 65" is a range, read by the pair reading; this is outside one
        return AnyOf(rules=(low, high)), text[match.end() :]
    return None


def _prepared(text: str, had_age: bool) -> str:
    """The limit in the forms `_age_bounds` reads: "18 and older" as "≥ 18 years"."""
    text = _CLAUSE_HYPHEN_UNIT.sub(r"\1 ", _CLAUSE_LE.sub("≤", _CLAUSE_GE.sub("≥", text)))
    text = _CLAUSE_INNER_OLD.sub(" ", _CLAUSE_COMMA_AND.sub(" and ", text))
    text = _CLAUSE_TO_COMPARATOR.sub(r"≥ \1 \2 and ", text).replace(" None and ", " and ")
    for pattern, symbol in ((_CLAUSE_AND_OLDER, "≥"), (_CLAUSE_AND_YOUNGER, "≤")):
        match = pattern.match(text)
        if match is not None:
            unit = match.group(2) or match.group(3) or ("years" if had_age else None)
            if unit is None:
                return text
            return f"{symbol} {match.group(1)} {unit}{text[match.end() :]}"
    for bare_pattern in (_CLAUSE_BARE_RANGE, _CLAUSE_BARE_PAIR):
        bare = bare_pattern.match(text)
        if bare is not None and had_age:
            return f"{bare.group(1)} years{text[bare.end() :]}"
    return text


def _after_tail(text: str) -> str:
    """`text` less what follows an age limit and adds nothing ("years old", ", male or female")."""
    while True:
        tail = _CLAUSE_TAIL.match(text)
        text = text[tail.end() if tail else 0 :].strip()
        separator = _CLAUSE_SEPARATOR.match(text)
        if separator is None:
            return text
        behind = _CLAUSE_TAIL.match(text, separator.end())
        if behind is None or behind.end() == separator.end():
            return text  # ", with ...": a clause of its own
        text = text[separator.end() :]


def age_clause(
    text: str, section: Section = "inclusion", *, normalized: bool = False
) -> tuple[Rule, str | None, str] | None:
    """An age limit at the start of `text`, with who it is about before it ("Adult patients over 18
    years", "Men or women age 18-64", "Age <18 or >80 years"): the rule, the one sex it names
    ("female", "male"; None for none or both) and the words after it that it does not account for."""
    text = _half_width(text if normalized else normalize_comparators(text)).strip()
    label = _CLAUSE_LABEL.match(text)
    text = text[label.end() :] if label else text
    subject = _CLAUSE_SUBJECT.match(text)
    lead = subject.group(0) if subject else ""
    rest = _CLAUSE_VERB.sub("", text[len(lead) :], count=1)
    word = _CLAUSE_AGE_WORD.match(rest)
    had_age = word is not None or label is not None
    if word is not None:
        rest = rest[word.end() :]
    if rest.startswith("(") and ")" in rest:  # "Adult patients (age ≥ 18)", "Older adults (≥ 65 years)"
        inner, _, after = rest[1:].partition(")")
        word = _CLAUSE_AGE_WORD.match(inner)
        had_age = had_age or word is not None
        rest = (inner[word.end() :] if word else inner) + " " + after
    rest = rest.strip()
    if not _CLAUSE_OPENS.match(rest):
        return None  # no number, comparator or range word where the limit should be
    rest = _prepared(rest, had_age)
    # Who it is about, then a number with its unit ("Subjects of 40-70 years"): an age.
    had_age = had_age or bool((lead or rest != text) and _CLAUSE_UNIT.search(rest))
    read = _outside(rest, had_age, either_and=section == "exclusion")
    if read is None:
        parsed = _age_bounds(("age " if had_age else "") + rest)
        if parsed is None:
            return None
        fields, after = parsed
        try:
            read = AgeRule.model_validate(fields), after
        except ValidationError:
            return None
    rule, after = read
    after = _after_tail(after)
    sexes = {name for m in _SEX_WORD.finditer(lead) for name, said in m.groupdict().items() if said}
    sex_after = _CLAUSE_SEX_AFTER.match(after)
    if sex_after is not None:
        sexes |= {name for m in _SEX_WORD.finditer(sex_after["sex"]) for name, said in m.groupdict().items() if said}
        after = ""
    if _CLAUSE_AT_DIAGNOSIS.match(after) and isinstance(rule, AgeRule):
        rule, after = rule.model_copy(update={"at_diagnosis": True}), ""
    if after and (not _CLAUSE_REST.match(after) or _CLAUSE_ANOTHER_AGE.search(after) or isinstance(rule, AnyOf)):
        return None  # the checks account for the rest of a single limit, not of an "either"
    return rule, (sexes.pop() if len(sexes) == 1 else None), after


def extract_age_clause(context: CriterionContext) -> Rule | None:
    """An age limit in the words real registries use (issue #12): "adult aged 18 and older",
    "Age <18 or >80 years", "Adult patients over 18 years", "Age > or = 18 years old". A criterion
    that says more after the limit ("Adult patients over 18 years, with colorectal cancer") gives
    the age rule; the checks (`eligo.rules.guards`) leave the rest unparsed or read it. A limit for
    one sex is the sex kind's (`all_of` of both)."""
    if not _DIGIT.search(context.text) or _LAB_UNITS.search(context.text) or len(context.sentences) > 1:
        return None  # every limit is a number
    scope, text = _scope(context.normalized.rstrip(". "))
    found = age_clause(text, context.section, normalized=True)
    if found is None or found[1] is not None:
        return None
    if found[2] and context.section != "inclusion":
        return None  # an exclusion's other clauses are each a reason of their own: read part by part
    rule = found[0]
    return rule.model_copy(update={"scope": scope}) if scope is not None else rule


# An age limit inside a longer criterion (`extract_age_inside`): patterns in `vocab/patterns.yaml`.
_INSIDE_SPLIT = _PATTERNS.regex("inside_split")
_NOT = _PATTERNS.regex("inside_not")
_NEGATED = _PATTERNS.regex("inside_negated")
_SCOPE_LEAD = _PATTERNS.regex("inside_scope_lead")
_SCOPED_BEFORE = _PATTERNS.regex("inside_scoped_before")
_ANOTHER_AGE = _PATTERNS.regex("inside_another_age")


def _clauses(text: str) -> list[str]:
    """`text` split at ";", "," and "and"/"or" before a word, outside brackets, as the numeric checks
    (`eligo.rules.guards`) split it."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and index >= start:
            found = _INSIDE_SPLIT.match(text, index)
            if found is not None and found.end() > index:
                parts.append(text[start:index])
                start = found.end()
    parts.append(text[start:])
    return [part.strip(" .:") for part in parts if part.strip(" .:")]


def _rewritten(clause: str) -> str:
    for pattern, replacement in general_vocab().age_clause_rewrite_patterns:
        clause = pattern.sub(replacement, clause)
    return " ".join(clause.split())


def _read_whole_clause(context: CriterionContext, clause: str) -> Rule | None:
    """An age limit that is the whole of `clause` (with who it is about), or None."""
    inner = context.with_text(clause)
    for reader in (extract_age, extract_age_phrase):
        rule = reader(inner)
        if rule is not None:
            return rule
    found = age_clause(clause, context.section)
    if found is None or found[1] is not None or found[2]:
        return None  # a sex or more words beside the limit: not the clause's whole reading
    return found[0]


def _read_age(context: CriterionContext, clause: str) -> bool:
    return _DIGIT.search(clause) is not None and _read_whole_clause(context, _rewritten(clause)) is not None


# A comparator written with "or equal" (NCT03867422 "more or equal 18 years-old and less or equal 45 years-old").
_OR_EQUAL = re.compile(r"\b(?:more|greater|older|less|younger)(?: than)? or equal(?: to)?\b", re.IGNORECASE)


def _both_limits(first: Rule, second: Rule, text: str) -> AgeRule | None:
    """ "Age ≥18 years old and age ≤80 years old": a lower and an upper limit joined by "and" are
    one range; anything else (two lower limits, an "or") is not."""
    joined = _OR_EQUAL.sub(" ", text)  # "more or equal 18 ... and less or equal 45": comparators, no "or"
    if not isinstance(first, AgeRule) or not isinstance(second, AgeRule) or re.search(r"\bor\b", joined, re.I):
        return None
    low, high = (first, second) if first.max_months is None else (second, first)
    if low.min_months is None or low.max_months is not None or high.max_months is None or high.min_months is not None:
        return None
    if low.at_diagnosis or high.at_diagnosis or low.scope is not None or high.scope is not None:
        return None
    try:
        return AgeRule(
            min_months=low.min_months,
            min_inclusive=low.min_inclusive,
            max_months=high.max_months,
            max_inclusive=high.max_inclusive,
            unit=high.unit,
        )
    except ValidationError:
        return None


@cache
def _ignoring_case(pattern: str) -> re.Pattern[str]:
    """A vocabulary's pattern compiled once (the `re` module's own cache is too small for them all)."""
    return re.compile(pattern, re.IGNORECASE)


def _may_hold_an_age(text: str) -> bool:
    """Whether any clause of `text` could pass the clause test below: an age word, a word for people, or
    a spelling the clause rewrites turn into one (a cheap test on the whole text first)."""
    vocab = general_vocab()
    if _ignoring_case(vocab.age_clause_marker).search(text):
        return True
    if _ignoring_case(vocab.age_people_before.replace("$", "")).search(text):
        return True
    return any(pattern.search(text) for pattern, _ in vocab.age_clause_rewrite_patterns)


def extract_age_inside(context: CriterionContext) -> Rule | None:
    """An age limit that is one clause of a longer criterion ("Individuals between age 18-65 with
    Body Mass Index (BMI) of >29.9 kg/m2", "Healthy adult males aged ≥ 19 years and ≤ 50 years",
    "aged 19~45 years"), or a bare limit ("55 and older") (issue #12). The clause is cut where the
    numeric checks (`eligo.rules.guards`) cut it, so they read the other clauses or leave them
    unparsed: the rule never stands for words it dropped. An age beside another age, a parent's or
    a donor's age, or an age at an event (`age_not_participant`) gives no rule."""
    vocab = general_vocab()
    text = context.normalized.rstrip(" .;,")
    if not _DIGIT.search(text) or _LAB_UNITS.search(text) or len(text) > 400:
        return None
    if _ignoring_case(vocab.age_not_participant).search(text) or _SCOPE_LEAD.match(text) or _NEGATED.search(text):
        return None
    for pattern, replacement in vocab.age_whole_rewrite_patterns:
        if pattern.match(text):
            return _read_whole_clause(context, pattern.sub(replacement, text))
    if not _may_hold_an_age(text):
        return None  # no clause could be an age: skip the cutting (most criteria)
    from eligo.rules.guards import vocabulary  # the checks' own cut (guards imports the rule kinds)

    cues = vocabulary()
    cut = _ignoring_case(cues.either_sex).sub(" ", text)
    cut = _ignoring_case(cues.age_clause_break).sub(", ", cut)
    cut = _ignoring_case(cues.age_subject_break).sub(", ", cut)
    clauses = _clauses(cut)
    found: Rule | None = None
    for position, clause in enumerate(clauses):
        if not _DIGIT.search(clause):
            continue
        bare = clause[1:-1].strip() if clause.startswith("(") and clause.endswith(")") else clause
        before = clauses[position - 1] if position else ""
        read_as = _rewritten(bare)
        if not (
            _ignoring_case(vocab.age_clause_marker).search(f"{bare} {read_as}")
            or _ignoring_case(vocab.age_people_before).search(before)
            or _ignoring_case(vocab.age_people_before.replace("$", r"\s")).match(bare)
        ):
            continue  # a number of years with no age word and no one it is about: a duration
        rule = _read_whole_clause(context, read_as)
        if rule is None:
            continue
        if ":" in " ".join(clauses[:position]) or any(_SCOPE_LEAD.match(other) for other in clauses[: position + 1]):
            return None  # a label ("Healthy Volunteers: ...") or a scope ("however, in children ...") first
        if any(_NOT.search(other) for other in clauses[: position + 1]):
            return None  # "Are not between 18 and 50 years of age": the limit negated
        if isinstance(rule, AnyOf) and len(clauses) > 1:
            return None  # an "either" limit is read only as a whole criterion (the checks read single limits)
        if not isinstance(rule, AgeRule | AnyOf):
            return None
        if _SCOPED_BEFORE.search(before):
            return None  # "CD4% < 25% for infants < 12 months": the limit names whom another rule is for
        if found is not None:
            found = _both_limits(found, rule, cut)
            if found is None:
                return None  # two limits that are not one range's two ends
            continue
        others = clauses[:position] + clauses[position + 1 :]
        if any(_ANOTHER_AGE.search(other) and not _read_age(context, other) for other in others):
            return None
        found = rule
    if found is None or (found.scope is not None):
        return None
    return found


KIND = RuleKind(
    AgeRule,
    clinical_wording,
    ("age", "age_at_diagnosis"),
    evaluate_age,
    (
        Step(extract_age, _PATTERNS.trigger),
        Step(extract_age_phrase, Trigger(("age", "ages", "aged", "year", "years", "yrs", "month", "months"))),
        Step(extract_age_clause, Trigger(("age", "year", "yr", "month", "older", "younger", "adult"))),
    ),
)

# Read after every kind's own steps (`eligo.rules.registry.CHAIN`): an age limit inside a longer
# criterion is only looked for where no kind read the criterion, so no reading it had changes.
LAST_STEPS = (
    Step(
        extract_age_inside,
        # "over" / "above": a bare "18 and over" (`age_whole_rewrites`; old NCI PDQ's "Age" / "18 and over")
        Trigger(
            (
                "age",
                "year",
                "yr",
                "month",
                "older",
                "over",
                "above",
                "yo",
                "y.o",
                "y/o",
                "patient",
                "subject",
                "participant",
            )
        ),
    ),
)

__all__ = [
    "KIND",
    "LAST_STEPS",
    "AgeRule",
    "age_clause",
    "evaluate_age",
    "extract_age",
    "extract_age_clause",
    "extract_age_inside",
    "extract_age_phrase",
]
