"""Precision first: checks on the rule an extractor found, before the criterion keeps it (issue #12).

An extractor reads the words it knows and can miss what changes their meaning. A coordinator
screening a chart reads the whole criterion; these checks do the same for the rule the chain
found, with the cues in `criteria/vocab/guards.yaml`, and answer one of:

- keep the rule (`Checked(rule)`);
- keep it as *partial*, with the parts of the criterion it does not account for as `unparsed`
  (the evaluation then never rules a child out on its strength alone, see `eligo.rules.extract`);
- replace it by the rule the whole criterion states (a consent statement in an exclusion that
  says "unable to" or "refuses to" becomes the negated ability or willingness; "Female, age
  ≥18 and ≤70 years, signed informed consent" keeps the age and sex beside the consent);
- drop it (`Checked(None)`): the criterion stays free text and the family is asked its words.

What is checked, by kind:
- consent: negation ("inability to", "not signed", "refusal to"), a consent phrase used as a
  time reference ("≥ 19 years at the time of signing informed consent"), and the rest of the
  criterion (other clauses go through the chain; what none reads is unparsed);
- pregnancy: "pregnant or nursing" keeps breastfeeding, "or planning to become pregnant" is the
  rule's `planning` state; other content ("postpartum up to six months") is unparsed;
  contraceptives named as a medicine or inside an exception, "not using contraception", and any
  contraception rule in an exclusion, are no contraception requirement (except the whole refusal
  the pregnancy kind reads, `pregnancy.refusal`); who a contraception criterion addresses sets the
  rule's sex;
- numbers (age, lab, performance, life expectancy): the clause holding the rule's number is the
  rule's own, the others are read by the chain or unparsed; an alternative, exception or lead
  ("If liver metastases are present:") the rule cannot carry in an inclusion drops it; "2.5 ULN"
  is a ULN multiple; a change in a value, or a test's name inside another's, is no lab rule;
- therapy history and washouts: radiation to a named region or target, a count or dose the rule
  does not carry ("2 or more lines", "cumulative dose"), a therapy still to come or named as a
  condition's cause, a duration of use read as the time since the last dose, a window that
  belongs to another event ("malignancy within 5 years"), a local or topical medicine (a steroid,
  a retinoid) read as one by mouth or vein, a class named only as "non-…" or only in a later note;
  a washout's clauses that name no therapy are unparsed.

Rules are built by kind name through `RULE_ADAPTER`, so the checks do not depend on where a kind's
model lives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from eligo.rules._general import general_vocab
from eligo.rules._labs import exceptions_in, without_implied_scope
from eligo.rules.allergy import allergy_severity
from eligo.rules.base import CriterionContext
from eligo.rules.composite import AllOf, AnyOf
from eligo.rules.diagnosis import diagnosis_qualifiers, qualifier_groups
from eligo.rules.drugs import therapy_vocabulary
from eligo.rules.drugs import vocabulary as drug_vocabulary
from eligo.rules.patterns import patterns
from eligo.rules.registry import RULE_ADAPTER, Rule
from eligo.rules.sex import sex_remainder
from eligo.units import lab_spec
from eligo.yamlfile import load_yaml

# Reads one part of a criterion with the extractor chain (and these checks); None: no rule.
Reader = Callable[[str], "Checked | None"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _words(value: object) -> object:
    return frozenset(value.split()) if isinstance(value, str) else value


# A word list, written in the YAML as one string of words separated by spaces.
Words = Annotated[frozenset[str], BeforeValidator(_words)]


class ConsentCues(_Model):
    words: Words
    ability: str
    willingness: str
    reference: str
    after: str
    informed: str
    verbs: dict[str, str]


class PregnancyCues(_Model):
    breastfeeding: str
    breastfeeding_allowed: str
    words: Words
    absent_words: Words
    test_words: Words
    test_clause: str
    positive_test: str
    reason: str


class ContraceptionCues(_Model):
    not_requirement: tuple[str, ...]
    negated: str
    requirement: str
    state: str
    partner: str
    male: str
    female: str


class TherapyCues(_Model):
    future: str
    planned: str
    still_to_come: str
    other_target: str
    dose: str
    cause: str
    stopped: str
    exception: str
    radiation_scope: str
    radiation_word: str
    compound: str
    duration: str
    qualifier: str
    span: str
    therapy_words: str
    event_words: str
    window_of_event: str
    local_steroid: str
    systemic: str


class LabCues(_Model):
    change: str
    multiple_word: str
    compared_number: str
    uln_after: str
    other_terms: dict[str, str]


class GuardVocabulary(_Model):
    filler: Words
    consent: ConsentCues
    pregnancy: PregnancyCues
    contraception: ContraceptionCues
    therapy: TherapyCues
    enumerator: str = Field(min_length=3)
    list_separator: str
    list_last: str
    list_qualifier_lead: str
    list_shared_lead: str
    list_shared_tail: str
    either_sex: str
    numeric_kinds: dict[str, Words]
    washout_words: Words
    condition_lead: str
    age_clause_break: str
    age_subject_break: str = r"(?!)"
    age_or_older: str = r"(?!)"
    age_vacuous: str = r"(?!)"
    age_dependent_clause: str = r"(?!)"
    lab: LabCues
    alternative: str
    consent_exception: str
    alternatives_lead: str
    definition_lead: str
    someone_else: str
    group_label: str
    about_others: str
    window_checked_kinds: Words
    unread_window: str


@cache
def vocabulary() -> GuardVocabulary:
    text = resources.files("eligo.criteria").joinpath("vocab", "guards.yaml").read_text(encoding="utf-8")
    return GuardVocabulary.model_validate(load_yaml(text))


@cache
def _re(pattern: str) -> re.Pattern[str]:
    # A long pattern is written over several lines ("|-"): the breaks and indentation are not part of it.
    return re.compile(re.sub(r"\n\s*", "", pattern.strip()), re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    rule: Rule | None
    unparsed: tuple[str, ...] = ()


_WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;])\s+|\s*;\s*")
# A comma between digits ("100,000") separates nothing.
_COMMA = re.compile(r"\s*(?:(?<!\d),|,(?!\d))\s*")
_CLAUSE = re.compile(r"\s*;\s*|\s*(?:(?<!\d),|,(?!\d))\s*|\s+(?:and/or|or|and)\s+(?=[a-z])", re.IGNORECASE)
# A numbered item that ends joining the next one with "or" ("... suicide attempt and/or 2) ...").
_ITEM_JOINED_BY_OR = re.compile(r"(?:\band/or|\bor)[\s,]*$", re.IGNORECASE)


def _content(text: str, own: Iterable[str] = ()) -> list[str]:
    """The words of `text` that neither the filler list nor the rule's own words account for."""
    known = vocabulary().filler | frozenset(own)
    return [word for word in _WORD.findall(text.lower()) if len(word) > 1 and word not in known]


def _top_level(text: str, splitter: re.Pattern[str]) -> list[str]:
    """`text` split where `splitter` matches outside brackets."""
    depth_at: list[int] = []
    depth = 0
    for char in text:
        depth_at.append(depth)
        depth = depth + 1 if char in "([" else max(0, depth - 1) if char in ")]" else depth
    parts: list[str] = []
    start = 0
    for match in splitter.finditer(text):
        if match.start() < len(depth_at) and depth_at[match.start()] == 0 and match.start() >= start:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip(" .,;:") for part in parts if part.strip(" .,;:")]


def _spans(text: str, clauses: list[str], left_out: Sequence[bool | None]) -> tuple[str, ...]:
    """The left-out clauses as spans of `text`, neighbours joined ("serious heart, lung or kidney
    dysfunction"); a neutral clause (None: no words of its own, "or baseline") joins the span before it."""
    spans: list[list[int]] = []
    position, previous = 0, False
    for clause, out in zip(clauses, left_out, strict=True):
        start = text.find(clause, position)
        if start < 0:
            start = position
        end = start + len(clause)
        position = end
        if out is None:
            if previous and spans:
                spans[-1][1] = end
            continue
        if out:
            if previous and spans:
                spans[-1][1] = end
            else:
                spans.append([start, end])
        previous = out
    return tuple(text[a:b].strip(" .,;:") for a, b in spans if text[a:b].strip(" .,;:"))


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


_LEAD = re.compile(
    r"^(?:\d{1,2}\s+(?=[A-Za-z]))?(?:(?:and|or|with|a|an|the|has|have|having|must|be|patients?|subjects?)\s+)+",
    re.IGNORECASE,
)


def _read_clause(read: Reader, clause: str) -> Checked | None:
    """A clause read by the chain, also without its leading "and a", "with", "patients must have"."""
    found = read(clause)
    if found is not None and found.rule is not None:
        return found
    bare = _LEAD.sub("", clause)
    if bare and bare != clause:
        bare = bare[0].upper() + bare[1:]
        return read(bare)
    return found


def _build(data: Mapping[str, Any]) -> Rule:
    rule: Rule = RULE_ADAPTER.validate_python(data)
    return rule


def _combined(rules: list[Rule], section: str) -> Rule:
    if len(rules) == 1:
        return rules[0]
    # The clauses of an inclusion all hold; an exclusion's clauses are each a reason to exclude.
    return AllOf(rules=tuple(rules)) if section == "inclusion" else AnyOf(rules=tuple(rules))


# --------------------------------------------------------------------------------------------
# consent


_WORD_REST = re.compile(r"\w*")
_OR_STATE = re.compile(r"(?i)(?<=consent)\s+or\s+\w+(?:ly|ed)\b.*$")
_RUN_ON = re.compile(r"consent\s+(?!(?:Form|Forms|Document|ICF|IRB)\b)[A-Z][a-z]")
# "... who cannot sign the permission consent form were excluded from the study" (NCT05380245): the sentence's
# verb after the action is not part of it.
_EXCLUDED_TAIL = re.compile(r"(?i)\s+(?:were|was|are|is|will be|shall be)\s+(?:excluded|not eligible|ineligible)\b.*$")


def _consent_action(clause: str, cue_start: int) -> str:
    """The verb phrase a negated consent question asks about, in the criterion's words
    ("provide informed consent", "understand the protocol or to give informed consent")."""
    verbs = vocabulary().consent.verbs
    tail = clause[cue_start:].rstrip(" .;,")
    found = re.search(r"\bto\s+(\w+)\b(.*)$", tail) or re.match(r"(?i)(?:can ?)?not\s+(\w+)\b(.*)$", tail)
    if found is None or "consent" not in found.group(2).lower():
        return "give informed consent"
    verb = found.group(1).lower()
    action = _EXCLUDED_TAIL.sub("", f"{verbs.get(verb, verb)}{found.group(2)}").strip()
    # Items run together with no separator ("… provide informed consent Severe kidney or liver
    # disease …"): a capitalised word straight after "consent" starts the next item.
    run_on = _RUN_ON.search(action)
    if run_on is not None:
        action = action[: run_on.start() + len("consent")]
    # "express their consent or legally protected": an "or" joining a state, not another action, ends
    # the question at the consent; the rest is the clause's trail (`_consent_trail`).
    state = _OR_STATE.search(action)
    if state is not None:
        action = action[: state.start()]
    return action.rstrip(")") if action.count(")") > action.count("(") else action


_TEST_EXTRA = 2  # words beyond a pregnancy test's vocabulary that make a clause a condition of its own
_CONSENT_EXTRA = 2  # words beyond the consent vocabulary that make a consent clause say more
_CUE_REACH = 80  # characters before "consent" in which a negation governs it


def _cues(clause: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    cues = vocabulary().consent
    at = clause.lower().rfind("consent")
    start = max(0, at - _CUE_REACH)
    ability = list(_re(cues.ability).finditer(clause, start, at))
    willingness = list(_re(cues.willingness).finditer(clause, start, at))
    return ability, willingness


def _negated_consent(clause: str) -> Rule | None:
    """A consent clause of an exclusion that says the person cannot or will not consent."""
    cues = vocabulary().consent
    ability, willingness = _cues(clause)
    after = _re(cues.after).match(clause, clause.lower().rfind("consent") + len("consent"))
    if after is not None and not ability and not willingness:
        subject = "ability" if after.group("what").lower() == "possible" else "willingness"
        return _build({"kind": "attestation", "subject": subject, "action": "give informed consent", "negated": True})
    if not ability and not willingness:
        return None
    last = max((m.start() for m in (*ability, *willingness)), default=0)
    action = _consent_action(clause, last)
    parts: list[Rule] = []
    if willingness:
        parts.append(_build({"kind": "attestation", "subject": "willingness", "action": action, "negated": True}))
    if ability:
        parts.append(_build({"kind": "attestation", "subject": "ability", "action": action, "negated": True}))
    return parts[0] if len(parts) == 1 else AnyOf(rules=tuple(parts))


def _consent_lead(clause: str) -> str:
    """What a negated consent clause says before its cue ("Patients under tutorship or ...")."""
    ability, willingness = _cues(clause)
    first = [m.start() for m in (*ability, *willingness)]
    return clause[: min(first)] if first else clause[: clause.lower().rfind("consent")]


def _consent_trail(clause: str, rule: Rule) -> str:
    """What a negated consent clause says after "consent" that its question does not ask
    ("… precluding informed consent or ability to follow instructions")."""
    end = clause.lower().rfind("consent") + len("consent")
    if _re(vocabulary().consent.after).match(clause, end):
        return ""  # "informed consent is not possible": the negation itself
    rest = _WORD_REST.match(clause, end)  # "consenting": the rest of the word is no trail
    end = rest.end() if rest is not None else end
    trail = re.sub(r"^\s*(?:form|document)s?\b", "", clause[end:]).strip(" .,;")
    actions = [part.action for part in (rule.rules if isinstance(rule, AnyOf) else (rule,)) if hasattr(part, "action")]
    if not trail or any(trail in action for action in actions):
        return ""
    return trail if _content(trail, vocabulary().consent.words) else ""


def _consent(ctx: CriterionContext, rule: Rule, read: Reader) -> Checked:
    vocab = vocabulary()
    cues = vocab.consent
    text = ctx.text
    # "≥ 19 years at the time of signing informed consent": consent is the reference point of
    # another condition, not a requirement of its own.
    reference = _re(cues.reference).search(text)
    if reference is not None:
        rest = _re(cues.reference).sub(" ", text)
        if "consent" not in rest.lower():
            text = rest
    rules: list[Rule] = []
    unparsed: list[str] = []
    for sentence in _top_level(text, _SENTENCE):
        whole = read(sentence) if "consent" not in sentence.lower() else None
        for clause in [sentence] if whole is not None else _top_level(sentence, _COMMA):
            if "consent" in clause.lower():
                negated = _negated_consent(clause) if ctx.section == "exclusion" else None
                if negated is not None:
                    rules.append(negated)
                    lead = _consent_lead(clause)
                    if _content(lead, cues.words):
                        unparsed.append(lead.strip(" ,;(["))
                    trail = _consent_trail(clause, negated)
                    if trail:
                        unparsed.append(trail)
                    continue
                if ctx.section == "exclusion":
                    # Signing consent is never a reason to exclude ("younger than 18, unless their
                    # parent provides informed consent"): the clause is left to the family, and when
                    # it is the exception that admits the others, nothing else is decisive either.
                    if _re(vocab.consent_exception).search(clause):
                        return Checked(None)
                    unparsed.append(clause)
                    continue
                rules.append(rule)
                # The consent itself, and whatever else the clause asks ("of good general medical
                # health with no neurological diseases and capable of providing informed consent").
                said = _re(vocab.either_sex).sub(" ", _BRACKETED.sub(" ", clause))
                if len(_content(said, cues.words)) >= _CONSENT_EXTRA:
                    unparsed.append(clause)
                continue
            if not _content(clause, cues.words) or _re(vocab.either_sex).fullmatch(clause):
                continue
            found = whole if clause is sentence else _read_clause(read, clause)
            if found is None or found.rule is None:
                unparsed.append(clause)
            else:
                rules.append(found.rule)
                unparsed.extend(found.unparsed)
    unique: list[Rule] = []
    for item in rules:
        if item not in unique:
            unique.append(item)
    if not unique:
        if ctx.section == "exclusion" or (reference is not None and text != ctx.text):
            return Checked(None)
        return Checked(rule)
    if unique == [rule] and unparsed == [text] and not _re(cues.informed).search(text):
        # Consent in other words with more in it, all of it unread ("Subject has consented to an
        # interscalene block"): the study's consent form is not what it asks.
        return Checked(None)
    return Checked(_combined(unique, ctx.section), tuple(dict.fromkeys(unparsed)))


# --------------------------------------------------------------------------------------------
# pregnancy


_CONTRACEPTION_WORD = re.compile(r"contracept|birth control|abstinen|barrier method|condom|sterili[sz]", re.IGNORECASE)


def _pregnancy(ctx: CriterionContext, rule: Rule, whole: bool = True) -> Checked:
    text = ctx.text
    topic = getattr(rule, "topic", None)
    if topic == "contraception":
        if not getattr(rule, "present", True):
            return Checked(rule)  # the refusal reading matched the whole exclusion (pregnancy.refusal)
        contraception = vocabulary().contraception
        if any(_re(pattern).search(text) for pattern in contraception.not_requirement):
            return Checked(None)
        if _re(contraception.negated).search(text):
            # A contraception rule states what the trial asks a participant to use; a criterion about
            # people not using it ("not using", "unwilling to use") says something else.
            return Checked(None)
        if ctx.section == "exclusion":
            if not _re(contraception.requirement).search(text) or len(ctx.sentences) > 1 or ";" in text:
                return Checked(None)  # "currently using contraception" as a reason to exclude: not the rule
            if _re(contraception.state).search(text):
                return Checked(None)  # the pregnancy the exclusion also names is read from its own part
            rule = rule.model_copy(update={"present": False})  # "Women must use ...": excluded if they will not
        if whole and _CONTRACEPTION_WORD.search(_BRACKETED.sub(" ", text)) is None:
            return Checked(None)  # only in an aside: "comply with the study protocol (including contraception)"
        addressed = _re(contraception.partner).sub(" ", text)
        male = _re(contraception.male).search(addressed) is not None
        female = _re(contraception.female).search(addressed) is not None
        sex = "any" if male and female else "male" if male else "female" if female else None
        if sex is not None and sex != getattr(rule, "sex", None):
            rule = rule.model_copy(update={"sex": sex})  # "For men: agreement to ... use contraceptive measures"
        return Checked(rule)
    cues = vocabulary().pregnancy
    if topic == "negative_test":
        if ctx.section == "exclusion":
            return Checked(None)  # "yes" to having had the negative test would exclude the child
        if not whole:
            return Checked(rule)
        own = cues.words | cues.test_words
        clauses = [clause for sentence in _top_level(text, _SENTENCE) for clause in _top_level(sentence, _CLAUSE)]
        # One stray word (the study drug's name) is not a condition; two or more are.
        counts = [len(_content(_BRACKETED.sub(" ", clause), own)) for clause in clauses]
        left_out = [True if n >= _TEST_EXTRA else None if n else False for n in counts]
        return Checked(rule, _spans(text, clauses, left_out))
    if topic != "pregnant":
        return Checked(rule)
    reason = _re(cues.reason).search(text)
    condition = text[: reason.start()] if reason else text
    # "or planning to become pregnant during the study": a state the rule reads, so no words of a clause's own
    planned = patterns()["pregnancy.state"].regex("planned") if getattr(rule, "planning", False) else None
    nursing = _re(cues.breastfeeding).search(condition) and not _re(cues.breastfeeding_allowed).search(text)
    if nursing and not getattr(rule, "breastfeeding", False):
        rule = rule.model_copy(update={"breastfeeding": True})
    if not whole:  # one part of a composite: the other parts account for the rest of the text
        return Checked(rule)
    # What a bracket adds ("(as stated by patient)", "(test taken pre-operatively)") qualifies
    # the clause it is in; the clauses themselves are what the rule must account for.
    sentences = _top_level(condition, _SENTENCE)
    if ctx.section == "exclusion" and getattr(rule, "pregnant", False) and getattr(rule, "present", True):
        # "Pregnancy ... Women of childbearing potential must have a negative serum or urine pregnancy
        # test result within 28 days prior to initiation of study treatment" (NCT05482516): the test is
        # how the pregnancy the exclusion names is found; it excludes no one else (issue #12).
        test, test_own = _re(cues.test_clause), cues.words | cues.test_words
        sentences = [
            sentence
            for sentence in sentences
            if not (test.search(sentence) and len(_content(_BRACKETED.sub(" ", sentence), test_own)) < _TEST_EXTRA)
        ]
    clauses = [clause for sentence in sentences for clause in _top_level(sentence, _CLAUSE)]
    masked = planned.sub(lambda found: " " * len(found[0]), condition) if planned else condition
    read, position = [], 0
    for clause in clauses:  # each clause as the rule reads it, the plan blanked out where it stands
        start = max(condition.find(clause, position), position)
        read.append(masked[start : start + len(clause)])
        position = start + len(clause)
    own = cues.words if getattr(rule, "present", True) else cues.words | cues.absent_words
    # "A WOCBP who has a positive urine pregnancy test within 72 hours prior to randomization": when and how the
    # test is done is how the pregnancy is found, not a second condition (issue #12).
    positive = _re(cues.positive_test)
    left_out = [
        bool(_content(_BRACKETED.sub(" ", clause), own | cues.test_words if positive.search(clause) else own))
        for clause in read
    ]

    return Checked(rule, _spans(condition, clauses, left_out))


# --------------------------------------------------------------------------------------------
# therapy history and washouts


_UNIT_DAYS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twelve": 12,
}  # fmt: skip


def _window_days(rule: Rule) -> float | None:
    days, hours, months = (getattr(rule, name, None) for name in ("min_days", "min_hours", "min_months"))
    if days:
        return float(days)
    if hours:
        return float(hours) / 24
    if months:
        return float(months) * 30.0
    return None


def _span_days(match: re.Match[str]) -> float:
    number, unit = match.group(1).lower(), match.group(2).lower()
    value = float(_NUMBER_WORDS.get(number) or number.replace(",", "."))
    key = "m" if unit.startswith("mo") else unit[0]
    return value * _UNIT_DAYS[key]


def _same_span(a: float, b: float) -> bool:
    return abs(a - b) <= max(1.0, 0.1 * b)


def _anchor(text: str, days: float) -> re.Match[str] | None:
    """The time span in `text` the rule's window was read from."""
    return next((m for m in _re(vocabulary().therapy.span).finditer(text) if _same_span(_span_days(m), days)), None)


def _all_fields(rule: Rule) -> bool:
    exposure = getattr(rule, "exposure", None)
    return exposure is not None and "other" in exposure.radiation_fields and not exposure.therapy_classes


_NEAR = 50  # characters around a radiation word in which a region names its field


def _named_region(text: str) -> bool:
    cues = vocabulary().therapy
    scope = _re(cues.radiation_scope)
    return any(
        scope.search(text, max(0, word.start() - _NEAR), word.end() + _NEAR)
        for word in _re(cues.radiation_word).finditer(text)
    )


_OR = re.compile(r"\s*[;.]\s+|,?\s+or\s+", re.IGNORECASE)


def _window_clause(text: str, rule: Rule) -> str:
    """The clause of `text` holding the rule's time window ("… injection at treatment site within 1
    month" of "… within 1 month or systemic use of corticosteroids within 2 weeks"); else `text`."""
    days = _window_days(rule)
    anchor = _anchor(text, days) if days is not None else None
    if anchor is None:
        return text
    start = 0
    for match in _OR.finditer(text):
        if match.start() >= anchor.start():
            return text[start : match.start()]
        start = match.end()
    return text[start:]


def _names_therapy(text: str) -> bool:
    """Whether `text` names a therapy: a generic therapy word, or any phrase of the therapy vocabulary."""
    if _re(vocabulary().therapy.therapy_words).search(text):
        return True
    drugs = drug_vocabulary()
    if any(drugs.drug(word) is not None for word in _WORD.findall(text) if len(word) > 3):
        return True
    return any(phrase.regex.search(text) for phrase in therapy_vocabulary().phrases)


_EXAMPLES = re.compile(r"[(\[]\s*(?:e\.?\s?g\.?|i\.?\s?e\.?|such as|including|for example|like)\b", re.IGNORECASE)


def _class_only_in_later_note(text: str, classes: Iterable[str], after: int) -> bool:
    """The rule's drug classes are named only inside brackets that come after its window."""
    wanted = set(classes)
    if not wanted:
        return False
    notes = [m.span() for m in _BRACKETED.finditer(text) if m.start() > after and not _EXAMPLES.match(m.group(0))]
    found = [
        match.start()
        for phrase in therapy_vocabulary().phrases
        if wanted & set(phrase.classes)
        for match in phrase.regex.finditer(text)
    ]
    return bool(found) and all(any(a <= at < b for a, b in notes) for at in found)


_NON = re.compile(r"\bnon[- ]?$", re.IGNORECASE)


def _only_negated_class(text: str, classes: Iterable[str]) -> bool:
    """Every phrase naming one of the rule's drug classes is a "non-" term ("non-biologic therapies")."""
    wanted = set(classes)
    if not wanted:
        return False
    found = [
        match
        for phrase in therapy_vocabulary().phrases
        if wanted & set(phrase.classes)
        for match in phrase.regex.finditer(text)
    ]
    return bool(found) and all(_NON.search(text, max(0, m.start() - 5), m.start()) for m in found)


def _only_as_cause(text: str, classes: Iterable[str]) -> bool:
    """Every phrase naming the rule's drug classes names the cause of a condition ("… due to chemotherapy")."""
    wanted = set(classes)
    if not wanted:
        return False
    cause = _re(vocabulary().therapy.cause)
    found = [
        match
        for phrase in therapy_vocabulary().phrases
        if wanted & set(phrase.classes)
        for match in phrase.regex.finditer(text)
    ]
    return bool(found) and all(cause.search(text, max(0, m.start() - _NEAR), m.start()) for m in found)


def _therapy(ctx: CriterionContext, rule: Rule, whole: bool = True) -> Checked:
    cues = vocabulary().therapy
    text = ctx.text
    exposure = getattr(rule, "exposure", None)
    if exposure is None:
        return Checked(rule)
    if _only_negated_class(text, exposure.therapy_classes):
        return Checked(None)  # "non-biologic therapies" are not biologics
    if _only_as_cause(text, exposure.therapy_classes):
        return Checked(None)  # "bone marrow suppression due to chemotherapy" is about the suppression
    # A medicine put on the skin, inhaled or injected into one place is not the therapy by mouth or vein
    # the exposure stands for: a steroid cream is no systemic steroid, a "topical retinoid" no
    # isotretinoin (NCT04207047).
    drug = bool(exposure.therapy_classes or exposure.agents) and not (exposure.radiation_fields or exposure.transplant)
    routes = _re(cues.exception).sub(" ", _window_clause(text, rule))
    if drug and _re(cues.local_steroid).search(routes) and not _re(cues.systemic).search(routes):
        return Checked(None)  # a steroid injection or a retinoid cream is no therapy by mouth or vein
    if rule.kind == "prior_therapy" and _re(cues.future).search(text):
        return Checked(None)  # a therapy still to come is not one the child has had
    if _re(cues.planned).search(text):
        return Checked(None)  # a treatment the criterion plans is no window since one
    if _all_fields(rule) and _named_region(text):
        return Checked(None)  # radiation to one region or target is not "any radiation"
    if _re(cues.other_target).search(text):
        return Checked(None)  # "... or an agent directed to another T-cell receptor": a class no rule names
    to_come = _re(cues.still_to_come).search(text)
    if rule.kind == "washout" and to_come is not None:
        # "... or anticipation of need for such a vaccine during treatment": a second reason the
        # window does not carry, left to the family.
        return Checked(rule, (text[to_come.start() :].strip(" ,;."),))
    if not whole:
        # One part of a composite the extractor read clause by clause: the rest of the text
        # (a count, another window) belongs to the other parts.
        return Checked(rule)
    if _re(cues.qualifier).search(text):
        return Checked(None)  # a number of lines or a dose the rule does not carry
    if rule.kind in ("washout", "prior_therapy") and _re(cues.dose).search(_re(cues.exception).sub(" ", text)):
        return Checked(None)  # "steroids (in dosing exceeding 10 mg daily of prednisone equivalent)": a dose it drops
    named = getattr(rule, "exposure", None) if rule.kind in ("washout", "prior_therapy") else None
    if named is not None and named.excluded_agents:
        exceptions = " ".join(found.group(0) for found in _re(cues.exception).finditer(text))
        if _re(cues.dose).search(exceptions):
            # "except prednisone ≤ 10 mg daily": the exception allows a dose of the drug, not the drug, and the
            # rule would leave out every dose of it (issue #12 review).
            return Checked(None)
    days = _window_days(rule)
    if rule.kind != "washout" or days is None:
        return Checked(rule)
    anchor = _anchor(text, days)
    if anchor is None:
        return Checked(rule)
    for duration in _re(cues.duration).finditer(text):
        lead = text[max(0, duration.start() - _NEAR) : duration.start()]
        if duration.start() <= anchor.start() < duration.end() and not _re(cues.stopped).search(lead):
            return Checked(None)  # how long a medicine was taken is not the time since it stopped
    if _class_only_in_later_note(text, exposure.therapy_classes, anchor.start()):
        return Checked(None)  # "other study drug … within 4 weeks (… targeted anti-cancer drugs)"
    sentence_start = max(text.rfind(".", 0, anchor.start()), text.rfind(";", 0, anchor.start())) + 1
    before = text[sentence_start : anchor.start()]
    if _re(cues.window_of_event).search(text[sentence_start : anchor.end() + 40]):
        return Checked(None)
    compound = _re(cues.compound)
    therapy = [m.end() for m in _re(cues.therapy_words).finditer(before) if not compound.match(before, m.end())]
    events = [m.end() for m in _re(cues.event_words).finditer(before)]
    if events and (not therapy or max(events) > max(therapy)):
        return Checked(None)  # the window is the event's ("malignancy within the last 5 years")
    # Clauses that name no therapy and are not the window's own ("and toxicities have returned to
    # grade ≤ 1") are parts the washout does not carry.
    clauses = [clause for sentence in _top_level(text, _SENTENCE) for clause in _top_level(sentence, _CLAUSE)]
    left_out: list[bool | None] = []
    for clause in clauses:
        if _anchor(clause, days) is not None or _names_therapy(clause):
            left_out.append(False)
        else:
            left_out.append(True if _content(_BRACKETED.sub(" ", clause), vocabulary().washout_words) else None)
    return Checked(rule, _spans(text, clauses, left_out))


# --------------------------------------------------------------------------------------------


# "100 000/µL": a space as the thousands separator (industry templates), three digits in each group.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d.,])|\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?:\s\d{3})+")


def _number(text: str) -> float:
    """ "100,000" and "100 000" are a hundred thousand; "1,5" is one and a half."""
    if _SPACED_THOUSANDS.fullmatch(text):
        return float("".join(text.split()))
    if _THOUSANDS.fullmatch(text):
        return float(text.replace(",", ""))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return float("nan")


_COMPARATOR_OR = re.compile(
    r"\b(?:equal(?: to)?|equals) or (?:greater|more|higher|less|lower|smaller)(?: than)?|"
    r"\b(?:greater|more|higher|less|lower|smaller) than or equal(?: to)?|"
    r"\bor (?:more|less|greater|higher|lower|above|below|older|younger|over|under)\b|\bor equal\b",
    re.IGNORECASE,
)


def _numbers(value: object) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _numbers(item)


def _rule_numbers(rule: Rule) -> set[float]:
    """The numbers a rule carries, and the year counts of its month counts."""
    found = set(_numbers(rule.model_dump()))
    return found | {value / 12 for value in found} | {value * 100 for value in found}


_WORD_MULTIPLES = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0}
_ULN_NEXT = re.compile(
    r"\s*(?:the\s+)?(?:institutional\s+)?(?:ULN\b|upper\s+(?:limit|normal|reference)|normal\s+upper|highest\s+|N\b)",
    re.IGNORECASE,
)


def _stray_multiples(text: str) -> set[float]:
    """Multiples of normal the ULN pattern does not read: "twice higher than normal", "2-fold"."""
    found: set[float] = set()
    for match in _re(vocabulary().lab.multiple_word).finditer(text):
        word = match.group("word")
        if word is None and "fold" not in match.group(0).lower() and _ULN_NEXT.match(text, match.end()):
            continue  # "3 times ULN": the extractor's own multiple
        if word is not None:
            found.add(_WORD_MULTIPLES[word.lower()])
        else:
            number = match.group("number").lower()
            found.add(float(_NUMBER_WORDS.get(number, 0)) or _number(number))
    return found


def _uln_multiple(text: str, rule: Rule, whole: bool = True) -> Rule | None:
    """A lab value read with an assumed unit where the text writes "2.5 ULN" (no "×") is a ULN
    multiple; a ULN rule read as × 1 where the text writes "twice" or "2-fold" takes that multiple
    (one stated, the rule the whole criterion) or is dropped."""
    value = getattr(rule, "value", None)
    if rule.kind == "lab_threshold" and value is None and getattr(rule, "uln_multiple", None) == 1:
        stray = _stray_multiples(text) - {1.0}
        if stray:
            if not whole or len(stray) > 1:
                return None
            data = rule.model_dump()
            data.update(uln_multiple=stray.pop())
            return _build(data)
        return rule
    if rule.kind != "lab_threshold" or not getattr(rule, "unit_assumed", False) or value is None:
        return rule
    for match in _re(vocabulary().lab.uln_after).finditer(text):
        if abs(float(match.group(1).replace(",", ".")) - value) < 1e-9:
            data = rule.model_dump()
            data.update(value=None, unit=None, unit_assumed=False, uln_multiple=value)
            return _build(data)
    return rule


_SYMBOL_RUN = re.compile(r"\s*[≥≤<>≷=]+\s*")


def _as_written(original: str, part: str) -> str:
    """A part of the normalised text in the criterion's own words ("under general anesthesia", not
    "< general anesthesia"), where it can be found there; else the part as it is."""
    if not _SYMBOL_RUN.search(part):
        return part
    pieces = [re.escape(piece).replace(r"\ ", r"\s+") for piece in _SYMBOL_RUN.split(part)]
    found = re.search(r"\s*.{1,40}?\s*".join(pieces), original, re.IGNORECASE | re.DOTALL)
    return found.group(0) if found else part


def _numeric(ctx: CriterionContext, rule: Rule, read: Reader) -> Checked:
    """A rule read from a number accounts for the clause holding that number, not for the others."""
    vocab = vocabulary()
    corrected = _uln_multiple(ctx.text, rule)
    if corrected is None:
        return Checked(None)
    rule = corrected
    lead = _re(vocab.age_vacuous).sub(" ", ctx.text).strip(" ,") if rule.kind == "age" else ctx.text
    if rule.scope is None and _re(vocab.condition_lead).match(lead):
        return Checked(None)  # "If liver metastases are present: ALT ≤ 5 × ULN" is not for everyone
    if rule.kind == "lab_threshold":
        test = str(getattr(rule, "test", ""))
        if _re(vocab.lab.change).search(ctx.text):
            return Checked(None)  # a change in a value is not the value
        other = vocab.lab.other_terms.get(test)
        if other is not None and _re(other).search(ctx.text):
            return Checked(None)  # the test's name inside another test's ("creatinine phosphokinase")
    words = vocab.numeric_kinds[rule.kind]
    carried = _rule_numbers(rule)
    # "less than or equal to" is one comparator, not two clauses joined by "or"; "male or female" no alternative.
    text = _re(vocab.either_sex).sub(" ", _COMPARATOR_OR.sub(" ≷ ", ctx.normalized))
    if rule.kind == "age":
        text = _re(vocab.age_vacuous).sub(" ", text)
        text = _re(vocab.age_clause_break).sub(", ", _re(vocab.age_or_older).sub(" ", text))
        text = _re(vocab.age_subject_break).sub(", ", text)
    clauses = [clause for sentence in _top_level(text, _SENTENCE) for clause in _top_level(sentence, _CLAUSE)]

    transfusion = getattr(rule, "transfusion", None) is not None

    def holds(clause: str) -> bool:
        if transfusion and "transfus" in clause.lower():
            return True  # the rule carries the transfusion condition ("transfusion independent")
        return any(_number(m.group(0)) in carried for m in _NUMBER.finditer(clause))

    own = [clause for clause in clauses if holds(clause)]
    if not own:
        return Checked(rule)
    named = _test_words(rule)
    # "Creatinine clearance or radioisotope GFR ≥ 70": a clause with no number that only names the rule's
    # own test again is no alternative the rule leaves out (nbcog, issue #12)
    left_out = [
        not holds(clause)
        and bool(_content(clause, words))
        and not (named and not _NUMBER.search(clause) and _only_names(clause, named))
        for clause in clauses
    ]
    spans = _spans(text, clauses, left_out)
    rest = [_as_written(ctx.text, part) for part in spans]
    # A bracket in the rule's own clause that states a condition ("≤ 5 × ULN if liver metastases").
    for clause in own if rule.scope is None else ():
        for bracket in _BRACKETED.finditer(clause):
            if holds(bracket.group(0)):
                continue  # the rule's own number
            if _re(vocab.alternative).search(bracket.group(0)) and _content(bracket.group(0), words):
                rest.append(bracket.group(0).strip("()[] "))
    if not rest:
        return Checked(rule)
    if ctx.section != "inclusion":
        if any(_re(vocab.consent_exception).search(part) for part in rest):
            return Checked(None)  # admitted with consent: the exclusion is not for everyone the rule would rule out
        return Checked(rule, tuple(rest))
    outside = _BRACKETED.sub(" ", text)
    for clause in own:
        outside = outside.replace(_BRACKETED.sub(" ", clause), " ")
    alternative = _re(vocab.alternative)
    whole: set[int] = set()  # parts left unparsed as they are: an "or" of their own inside
    if alternative.search(outside) or any(alternative.search(part) for part in rest):
        whole = _own_alternatives(rule, outside, spans, rest)
        if not whole:
            return Checked(None)  # an alternative or exception the rule does not carry could let the child in
    # The clauses of an inclusion all hold: each other clause the chain reads joins the rule.
    rules, unparsed = [rule], []
    for index, clause in enumerate(rest):
        if index in whole:
            unparsed.append(clause)
            continue
        found = _read_clause(read, clause)
        if found is None or found.rule is None:
            unparsed.append(clause)
        else:
            rules.append(found.rule)
            unparsed.extend(found.unparsed)
    return Checked(_combined(rules, ctx.section), tuple(unparsed))


def _test_words(rule: Rule) -> frozenset[str]:
    """The words of every name of a lab limit's test ("creatinine", "clearance", "gfr"); none for other kinds."""
    test = getattr(rule, "test", None) if rule.kind == "lab_threshold" else None
    if not isinstance(test, str):
        return frozenset()
    return frozenset(word for name in lab_spec(test).synonyms for word in _WORD.findall(name.lower()))


def _only_names(clause: str, named: frozenset[str]) -> bool:
    """Whether every word of `clause` is a word of the test's names or a joining word (not "on or just before")."""
    words = _WORD.findall(clause.lower())
    return bool(words) and all(word in named or word in {"or", "and", "a", "an", "the"} for word in words)


def _own_alternatives(rule: Rule, outside: str, spans: Sequence[str], rest: Sequence[str]) -> set[int]:
    """For an age limit: the left-out parts whose "or" is their own ("with cataracts in one or both
    eyes"), when no other alternative is outside them; empty when an alternative may be the age's."""
    vocab = vocabulary()
    if rule.kind != "age":
        return set()
    alternative, dependent = _re(vocab.alternative), _re(vocab.age_dependent_clause)
    inner = {index for index, part in enumerate(spans) if dependent.match(part)}
    remaining = outside
    for index in inner:
        remaining = remaining.replace(_BRACKETED.sub(" ", spans[index]), " ")
    if alternative.search(remaining) or any(
        alternative.search(part) for index, part in enumerate(rest) if index not in inner
    ):
        return set()
    return {index for index in inner if alternative.search(rest[index])}


def _sex(ctx: CriterionContext, rule: Rule, read: Reader) -> Checked:
    """A sex read from a criterion that says more ("Postmenopausal women", "Women with X"): the
    group a qualifier narrows is left unparsed, the clause after it read by the chain (all of both)
    or left unparsed (issue #12)."""
    remainder = sex_remainder(ctx.text)
    if remainder is None:
        return Checked(rule)
    group, rest = remainder
    unparsed = [group] if group else []
    rules = [rule]
    if rest:
        found = _read_clause(read, rest)
        if found is None or found.rule is None:
            unparsed.append(rest)
        else:
            rules.append(found.rule)
            unparsed.extend(found.unparsed)
    return Checked(rules[0] if len(rules) == 1 else AllOf(rules=tuple(rules)), tuple(unparsed))


def still_to_come(text: str) -> list[str]:
    """The criterion before and from a second, future reason ("..., or anticipation of need for such a
    vaccine during the study"), or the whole text when it gives none."""
    match = _re(vocabulary().therapy.still_to_come).search(text)
    if match is None or not text[: match.start()].strip(" ,;"):
        return [text]
    return [text[: match.start()].strip(" ,;"), text[match.start() :].strip(" ,;.")]


def other_target(text: str) -> list[str]:
    """The criterion before and from a second therapy named only by its target ("... or with an agent
    directed to another stimulatory or co-inhibitory T-cell receptor"), or the whole text when it names none."""
    match = _re(vocabulary().therapy.other_target).search(text)
    if match is None or not text[: match.start()].strip(" ,;"):
        return [text]
    return [text[: match.start()].strip(" ,;"), text[match.start() :].strip(" ,;.")]


def says_something(text: str) -> bool:
    """Whether a part of a criterion has any word beyond the filler list (not a stray "AND" or
    "Male and Female")."""
    return bool(_content(text)) and not _re(vocabulary().either_sex).fullmatch(text.strip(" .;,"))


def alternatives(text: str) -> bool:
    """Whether a criterion's lead, before its first numbered item, says the items are alternatives
    ("at least one of the following:"), or an item ends by joining the next one with "or" ("1) intentional
    self-injury and/or suicide attempt and/or 2) substance use disorder", NCT03861858, issue #12); an
    "either" inside an item is that item's own."""
    found = list(_re(vocabulary().enumerator).finditer(text))
    lead = text[: found[0].start()] if found else text
    if any(_ITEM_JOINED_BY_OR.search(text[: item.start()]) for item in found[1:]):
        return True
    return _re(vocabulary().alternatives_lead).search(lead) is not None


def defines(text: str) -> bool:
    """Whether a criterion's lead, before its first numbered item, says the items define it
    ("... It is defined as 1- ... 2- ...")."""
    first = _re(vocabulary().enumerator).search(text)
    lead = text[: first.start()] if first is not None else text
    return _re(vocabulary().definition_lead).search(lead) is not None


def about_someone_else(ctx: CriterionContext) -> bool:
    """Whether a criterion speaks for another person or for one group of the study only: its parent
    is about a donor, a partner or a parent ("Couples in whom the female partner has a history of:"),
    or it opens with a group's label ("Healthy control group: ...")."""
    vocab = vocabulary()
    if ctx.parent_text is not None and _re(vocab.someone_else).search(ctx.parent_text):
        return True
    if _re(vocab.about_others).search(ctx.text):
        return True
    return _re(vocab.group_label).match(ctx.text) is not None


_LIST_LIMIT = 400  # characters: a longer text is no one-line list of reasons


def listed(text: str) -> list[str] | None:
    """The items of a one-sentence list ("Pregnant women, breastfeeding and younger than 18 years"):
    split at its top-level commas, the last item at its "and"/"or"; None when the text is no such list
    (no comma, several sentences, too long, an item that narrows another)."""
    vocab = vocabulary()
    body = text.strip().rstrip(".;,").strip()
    if len(body) > _LIST_LIMIT or "," not in body or _SENTENCE.search(body):
        return None
    items = _top_level(body, _re(vocab.list_separator))
    if len(items) < 2:
        return None
    last = [] if _COMPARATOR_OR.search(items[-1]) else _top_level(items[-1], _re(vocab.list_last))
    if len(last) == 2:  # "..., breastfeeding and younger than 18 years"; "18 years or older" is one item
        items = [*items[:-1], *last]
    lead = _re(vocab.list_qualifier_lead)
    if any(lead.match(item) or not _content(item) for item in items):
        return None
    if _re(vocab.list_shared_lead).match(items[0]) or _re(vocab.list_shared_tail).search(items[-1]):
        return None  # a qualifier or a window that may be every item's
    return items


def enumerated(text: str) -> list[str] | None:
    """The items of a criterion that numbers them inline ("1. ... 2. ... 3. ..."), or None."""
    found = list(_re(vocabulary().enumerator).finditer(text))
    numbers = [int(m.group(1)) for m in found]
    if len(found) < 2 or numbers[:2] != [numbers[0], numbers[0] + 1] or numbers[0] > 2:
        return None
    items = [text[m.end() : (found[i + 1].start() if i + 1 < len(found) else len(text))] for i, m in enumerate(found)]
    lead = text[: found[0].start()]
    return [item.strip(" .;,") for item in (lead, *items) if item.strip(" .;,")]


def _part(ctx: CriterionContext, rule: Rule, uniform: bool = False) -> Checked:
    """One part of a composite the extractor built: only the checks that drop or correct it
    (`uniform`: every ULN part was read as × 1, so one multiple the text states is all of theirs)."""
    if isinstance(rule, AllOf | AnyOf):
        inner = [_part(ctx, part, uniform) for part in rule.rules]
        if any(item.rule is None for item in inner):
            return Checked(None)
        return Checked(rule.model_copy(update={"rules": tuple(item.rule for item in inner if item.rule is not None)}))
    if rule.kind == "pregnancy":
        return _pregnancy(ctx, rule, whole=False)
    if rule.kind in ("washout", "prior_therapy"):
        return _therapy(ctx, rule, whole=False)
    return Checked(_uln_multiple(ctx.text, rule, whole=uniform))


def _leaves(rule: Rule) -> Iterator[Rule]:
    if isinstance(rule, AllOf | AnyOf):
        for part in rule.rules:
            yield from _leaves(part)
    else:
        yield rule


def _uncarried_comparison(text: str, rules: Sequence[Rule]) -> bool:
    """Whether the text compares a number that none of the rules carries ("HB > 90 g/L" beside
    rules for ANC and platelets only)."""
    carried: set[float] = set()
    for rule in rules:
        carried |= _rule_numbers(rule)
    return any(_number(m.group(1)) not in carried for m in _re(vocabulary().lab.compared_number).finditer(text))


_WINDOW_FIELDS = ("min_days", "min_hours", "min_months", "within_days", "within_months", "max_age_days",
                  "window_days", "transfusion_window_days", "amount")  # fmt: skip


def _window_left(ctx: CriterionContext, checked: Checked) -> Checked:
    """A time window no part of the rule carries is left to the family (partial), never dropped."""
    if checked.rule is None:
        return checked
    leaves = list(_leaves(checked.rule))
    kinds = vocabulary().window_checked_kinds
    if not all(part.kind in kinds for part in leaves):
        return checked
    if any(getattr(part, name, None) is not None for part in leaves for name in _WINDOW_FIELDS):
        return checked
    window = _re(vocabulary().unread_window).search(ctx.text)
    if window is None or any(window.group(0).strip() in left for left in checked.unparsed):
        return checked
    said = window.group(0).strip()
    span = _re(vocabulary().therapy.span).search(said)
    qualifiers = [getattr(part, "qualifier", None) or "" for part in leaves]
    if any(said in qualifier or (span is not None and span.group(0) in qualifier) for qualifier in qualifiers):
        # The window is in the qualifier the question shows ("... that required treatment in the past 2 years"),
        # or its span is, in plain words ("at least 12 weeks prior to inclusion" as "diagnosed at least 12 weeks ago").
        return checked
    return Checked(checked.rule, tuple(dict.fromkeys((*checked.unparsed, window.group(0).strip()))))


def check(ctx: CriterionContext, rule: Rule, read: Reader) -> Checked:
    """The rule kept, made partial, replaced or dropped (see the module's docstring)."""
    ages = [part for part in _leaves(rule) if part.kind == "age"]
    if ages and not any(getattr(part, "at_diagnosis", False) for part in ages) and _age_of_someone_else(ctx.text):
        # "Subjects aged 7 to 17 willing to sign assent": the age says who assents, a mother's age, an
        # age at onset: not the participant's age now, so no rule (review of the fresh draw, issue #12).
        return Checked(None)
    checked = _window_left(ctx, _check(ctx, rule, read))
    if checked.rule is None or not any(part.kind == "lab_threshold" for part in _leaves(checked.rule)):
        return checked
    # A lab reading with a closing "for patients with <test> above normal" was read only where its
    # alternatives imply that scope: no exception (issue #12).
    exceptions = exceptions_in(without_implied_scope(ctx.text))
    if not exceptions:
        return checked
    if ctx.section == "inclusion":
        if _reads_exception(checked.rule) and not checked.unparsed:
            return checked  # "the limit, or the exception's condition (with its own limit)"
        return Checked(None)  # a limit the exception lifts for some would rule them out
    # In an exclusion the exception only narrows who is excluded: the rule stays, never decisive.
    return Checked(checked.rule, tuple(dict.fromkeys((*checked.unparsed, *exceptions))))


def _reads_exception(rule: Rule) -> bool:
    """Whether the lab step read an inclusion's exception with its limit: any of the limit and the
    condition the exception names (`lab_threshold._with_exception`), the only way a lab reading holds
    a condition or a diagnosis."""
    return isinstance(rule, AnyOf) and any(part.kind in ("condition", "diagnosis") for part in _leaves(rule))


def _age_of_someone_else(text: str) -> bool:
    return _re(general_vocab().age_someone_else).search(text) is not None


def lab_exception_left(section: str, rule: Rule, unparsed: Sequence[str]) -> bool:
    """Whether an inclusion's lab limit sits beside an unread part that states an exception
    ("Total bilirubin ≤ 1.5 × ULN; Gilbert's syndrome ≤ 3 × ULN"): the limit would rule out the
    patients the exception admits."""
    if section != "inclusion" or not any(part.kind == "lab_threshold" for part in _leaves(rule)):
        return False
    return any(exceptions_in(part) for part in unparsed)


def _check(ctx: CriterionContext, rule: Rule, read: Reader) -> Checked:
    if isinstance(rule, AllOf | AnyOf):
        uln = [
            part
            for part in _leaves(rule)
            if part.kind == "lab_threshold" and getattr(part, "value", 0) is None and not getattr(part, "lln", False)
        ]
        uniform = all(getattr(part, "uln_multiple", None) == 1 for part in uln)
        parts = [_part(ctx, part, uniform) for part in rule.rules]
        kept = tuple(part.rule for part in parts if part.rule is not None)
        unparsed = tuple(dict.fromkeys(text for part in parts for text in part.unparsed))
        numeric = all(part.kind in vocabulary().numeric_kinds for item in kept for part in _leaves(item))
        if len(kept) < len(parts) or (kept and numeric and _uncarried_comparison(ctx.text, kept)):
            if not kept or (isinstance(rule, AnyOf) and ctx.section == "inclusion"):
                return Checked(None)  # an alternative lost could be the one the child meets
            # What the dropped parts said is somewhere in the text: all of it is left to the family.
            unparsed = (ctx.text.strip(),)
        if len(kept) == 1:
            return Checked(kept[0], unparsed)
        return Checked(rule.model_copy(update={"rules": kept}), unparsed)
    if rule.kind == "attestation" and getattr(rule, "subject", None) == "consent":
        return _consent(ctx, rule, read)
    if rule.kind == "pregnancy":
        return _pregnancy(ctx, rule)
    if rule.kind == "trial_participation" and "investigational device" in ctx.text.lower():
        # "... a study of an investigational agent or has used an investigational device within 4 weeks":
        # the medicine is asked; a study's control arm and a device are left to the family (issue #12).
        return Checked(rule, (ctx.text.strip(),))
    if rule.kind == "allergy" and (severity := allergy_severity(ctx.text)) is not None:
        return Checked(rule, (severity,))  # "severe (≥Grade 3)": the rule asks about any allergy
    if rule.kind in ("washout", "prior_therapy"):
        return _therapy(ctx, rule)
    if rule.kind == "sex":
        return _sex(ctx, rule, read)
    if rule.kind in vocabulary().numeric_kinds:
        return _numeric(ctx, rule, read)
    if rule.kind == "diagnosis":
        return _diagnosis(ctx, rule, read)
    return Checked(rule)


def _diagnosis(ctx: CriterionContext, rule: Rule, read: Reader) -> Checked:
    """A diagnosis with qualifiers ("metastatic", "HER2-positive"): each read whole by another kind
    joins the rule (all_of); any other stays `unparsed`, so the rule is partial."""
    kept: list[Rule] = [rule]
    unparsed: list[str] = []
    for qualifier in diagnosis_qualifiers(ctx.text):
        rules = _qualifier_rules(qualifier, read)
        if rules is None:
            unparsed.append(qualifier)
        else:
            kept.extend(rules)
    combined = kept[0] if len(kept) == 1 else AllOf(rules=tuple(kept))
    return Checked(combined, tuple(unparsed))


def _qualifier_rules(qualifier: str, read: Reader) -> list[Rule] | None:
    """The rules of one diagnosis qualifier read whole, or else of each of its parts, all of which
    describe the one tumour ("metastatic, hormone-receptor positive, HER2 negative", "metastatic
    HER2-positive"); None when any part is left unread."""
    whole = (qualifier,)
    parts = qualifier_groups(qualifier)
    for pieces in (whole, parts) if len(parts) > 1 else (whole,):
        rules: list[Rule] = []
        for piece in pieces:
            found = read(piece)
            if found is None or found.rule is None or found.unparsed or found.rule.kind == "diagnosis":
                break
            rules.append(found.rule)
        else:
            return rules
    return None


__all__ = [
    "Checked",
    "GuardVocabulary",
    "Reader",
    "about_someone_else",
    "check",
    "enumerated",
    "lab_exception_left",
    "says_something",
    "vocabulary",
]
