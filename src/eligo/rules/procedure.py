"""The procedure rule kind ("Patients scheduled for elective knee arthroscopy", "Undergoing
septoplasty", "History of bariatric surgery", "Previous gastrectomy"): model, question, extractor,
evaluator and record (issue #12). The procedures, the framings and the narrowing words are data
(criteria/vocab/procedures.yaml).

A planned procedure is compared with the profile's `planned_procedures`, a past one with its
`procedures`, by the vocabulary's whole terms. Read only when the whole criterion is the framing, the
procedures and the narrowing words the vocabulary lists: a window, a place, a reason or an exception
leaves it to other kinds or free text. Neither list is taken as complete, so the answer is `met` (or,
for "never", `not_met`) on a listed procedure and otherwise unknown; a narrowing word ("elective",
"bilateral") the profile's name for the procedure does not say leaves it unknown too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eligo.patients.profile import PatientProfile, Procedure
from eligo.rules._general import days_since, span_days, span_text
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import literal_alternation
from eligo.rules.prefilter import Trigger, phrase_words
from eligo.rules.verdicts import Outcome
from eligo.yamlfile import load_yaml

When = Literal["planned", "past"]
Unit = Literal["days", "weeks", "months", "years"]


class _Procedure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str
    display: str
    synonyms: tuple[str, ...] = Field(min_length=1)
    includes: tuple[str, ...] = ()


class _Qualifiers(BaseModel):
    """Narrowing words as a criterion writes them -> the parents' words for them."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    before: dict[str, str]
    after: dict[str, str]

    def words(self) -> dict[str, str]:
        return {k.lower(): v for k, v in (*self.before.items(), *self.after.items())}


class ProcedureVocab(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    procedures: dict[str, _Procedure]
    phrases: dict[str, str]
    qualifiers: _Qualifiers
    questions: dict[str, str]
    numbers: dict[str, int]

    @model_validator(mode="after")
    def _consistent(self) -> ProcedureVocab:
        seen: dict[str, str] = {}
        for key, entry in self.procedures.items():
            unknown = set(entry.includes) - set(self.procedures)
            if unknown:
                raise ValueError(f"{key} includes unknown procedures {sorted(unknown)}")
            for synonym in entry.synonyms:
                other = seen.setdefault(synonym.lower(), key)
                if other != key:
                    raise ValueError(f"synonym {synonym!r} names both {other} and {key}")
        for phrase in self.phrases.values():
            re.compile(phrase)
        return self


@cache
def procedure_vocab() -> ProcedureVocab:
    text = resources.files("eligo.criteria").joinpath("vocab/procedures.yaml").read_text(encoding="utf-8")
    return ProcedureVocab.model_validate(load_yaml(text))


def procedure_wording() -> Mapping[str, str]:
    return procedure_vocab().questions


def _alternation(words: tuple[str, ...]) -> str:
    return literal_alternation(words)


def _whole(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])", re.IGNORECASE)


@cache
def _phrase(name: str) -> re.Pattern[str]:
    return re.compile(procedure_vocab().phrases[name], re.IGNORECASE)


@cache
def _names() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every synonym, matched whole at a position, and synonym -> procedure."""
    keys = {s.lower(): key for key, entry in procedure_vocab().procedures.items() for s in entry.synonyms}
    return re.compile(rf"(?:{_alternation(tuple(keys))})(?![\w-])", re.IGNORECASE), keys


@cache
def _before() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(tuple(procedure_vocab().qualifiers.before))})\s+", re.IGNORECASE)


@cache
def _after() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:{_alternation(tuple(procedure_vocab().qualifiers.after))})$", re.IGNORECASE)


@cache
def _qualifier_words() -> dict[str, str]:
    return procedure_vocab().qualifiers.words()


@cache
def _covered(key: str) -> frozenset[str]:
    """The procedure and every narrower one it includes, however deep."""
    found, todo = {key}, [key]
    while todo:
        for narrower in procedure_vocab().procedures[todo.pop()].includes:
            if narrower not in found:
                found.add(narrower)
                todo.append(narrower)
    return frozenset(found)


@cache
def _profile_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    vocab = procedure_vocab().procedures
    words = tuple(s for key in keys for covered in _covered(key) for s in vocab[covered].synonyms)
    return _whole(words)


class ProcedureRule(RuleBase):
    """The child is booked for (`planned`) or has had (`past`) any of `procedures`, narrowed by
    `qualifier` when given; with `never`, has not had any of them."""

    kind: Literal["procedure"] = "procedure"
    when: When
    procedures: tuple[str, ...] = Field(min_length=1)
    qualifier: str | None = None
    never: bool = False
    # A past procedure in the last `within_amount` `within_unit`s.
    within_amount: int | None = Field(default=None, gt=0, le=1000)
    within_unit: Unit | None = None

    @model_validator(mode="after")
    def _known(self) -> ProcedureRule:
        unknown = set(self.procedures) - set(procedure_vocab().procedures)
        if unknown:
            raise ValueError(f"unknown procedures {sorted(unknown)}")
        if len(set(self.procedures)) != len(self.procedures):
            raise ValueError("procedures must not repeat")
        unknown_words = set(self.qualifier.split(", ") if self.qualifier else ()) - set(_qualifier_words())
        if unknown_words:
            raise ValueError(f"unknown narrowing words {sorted(unknown_words)}")
        if self.never and (self.when == "planned" or self.qualifier):
            raise ValueError("only an unqualified past procedure is read as never had")
        if (self.within_amount is None) != (self.within_unit is None):
            raise ValueError("a window needs both its amount and its unit")
        if self.within_amount is not None and (self.when == "planned" or self.qualifier):
            raise ValueError("a window is read only for a plain past procedure (had, or not had, in it)")
        return self

    def span(self) -> str | None:
        if self.within_amount is None or self.within_unit is None:
            return None
        if self.within_amount == 1:
            return self.within_unit.rstrip("s")  # "in the last year"
        return span_text(self.within_amount, self.within_unit)

    def names(self) -> str:
        return " or ".join(procedure_vocab().procedures[p].display for p in self.procedures)

    def question(self, section: Section) -> str:
        key = "never" if self.never else f"{self.when}{'_qualified' if self.qualifier else ''}"
        if self.span() is not None:
            key = "never_within" if self.never else "past_within"
        said = self.qualifier.split(", ") if self.qualifier else []
        words = [_qualifier_words()[word] for word in said]
        qualifier = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)
        return procedure_wording()[key].format(procedures=self.names(), qualifier=qualifier, span=self.span())


def _procedures_at(text: str, position: int) -> tuple[tuple[str, ...], tuple[str, ...], int] | None:
    """The procedures named from `position` on, each with the narrowing words before it, joined by
    "or" / "," / "/"; with the narrowing words and where the list ends."""
    names, keys = _names()
    join, tail = _phrase("join"), _phrase("noun_tail")
    found: list[str] = []
    qualifiers: list[str] = []
    while True:
        name = names.match(text, position)
        while name is None:
            before = _before().match(text, position)
            if before is None:
                return None
            qualifiers.append(before[0].strip().lower())
            position = before.end()
            name = names.match(text, position)
        found.append(keys[name[0].lower()])
        end = name.end()
        noun = tail.match(text, end)
        if noun is not None:
            end = noun.end()
        joined = join.match(text, end)
        if joined is None or joined.end() == len(text):
            return tuple(dict.fromkeys(found)), tuple(dict.fromkeys(qualifiers)), end
        position = joined.end()


_FIRST_TIME = re.compile(r"\bfirst[ -]time\b")


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip().rstrip(".;,").strip()
    return re.sub(r"^(?:[•·-]|\d{1,2}[.)])\s*", "", text)


_SHARED = re.compile(r"(?<![\w-])(?P<first>[a-z]+)(?P<join>\s+or\s+|\s+and/or\s+|\s*/\s*)(?=[a-z])", re.IGNORECASE)


def _shared_heads(text: str) -> str:
    """"lung or liver transplantation" said in full ("lung transplantation or liver transplantation"), only
    when both are names of the vocabulary."""
    names, _ = _names()

    def spread(match: re.Match[str]) -> str:
        name = names.match(text, match.end())
        if name is None or " " not in name[0]:
            return match[0]
        head = name[0].split(" ", 1)[1]
        if names.fullmatch(f"{match['first']} {head}") is None:
            return match[0]
        return f"{match['first']} {head}{match['join']}"

    return _SHARED.sub(spread, text)


def _read(text: str, position: int, tail: str | None) -> tuple[tuple[str, ...], str | None] | None:
    """The procedures from `position` to the end of `text` (an allowed tail phrase aside), with the
    narrowing words as one qualifier."""
    after = _after().search(text, position)
    extra: list[str] = []
    if after is not None:
        extra.append(after[0].strip().lower())
        text = text[: after.start()]
    if tail is not None:
        ending = re.search(rf"(?:{procedure_vocab().phrases[tail]})$", text[position:], re.IGNORECASE)
        if ending is not None:
            text = text[: position + ending.start()]
    read = _procedures_at(text, position)
    if read is None or read[2] != len(text):
        return None
    procedures, qualifiers, _ = read
    words = [*qualifiers, *extra]
    return procedures, ", ".join(words) if words else None


def _window(text: str) -> tuple[str, int, Unit, bool] | None:
    """The text before a trailing window ("within the past year"), the window's amount and unit, and
    whether its words look back ("past", "prior to screening", "performed")."""
    for found in _phrase("window").finditer(text):
        if found.end() != len(text):
            continue
        written = (found["amount"] or "1").lower()
        amount = int(written) if written.isdigit() else procedure_vocab().numbers[written]
        unit = found["unit"].lower().rstrip("s") + "s"
        if unit in ("days", "weeks", "months", "years"):
            back = bool(found["back"] or found["before"] or found["done"])
            return text[: found.start()], amount, unit, back  # type: ignore[return-value]
    return None


def _past_within(text: str, section: Section) -> ProcedureRule | None:
    """A past procedure in a window: "History of thymectomy within the 12 months prior to
    screening", "had a cardiac surgery in the past three months", "Shoulder surgery within the past year",
    "Received dry needling or acupuncture within the past 6 months"; in an inclusion, one not had in it
    ("No periodontal therapy carried out in the past 6 months")."""
    window = _window(text)
    if window is None:
        return None
    body, amount, unit, back = window
    if section == "inclusion":
        never = _phrase("never").match(body) or _phrase("never_window").match(body)
        if never is not None:
            read = _read(body, never.end(), None)
            if read is None or read[1] is not None:
                return None
            return ProcedureRule(when="past", procedures=read[0], never=True, within_amount=amount, within_unit=unit)
    starts = [lead.end() for lead in (_phrase("past").match(body), _phrase("window_lead").match(body)) if lead]
    if not starts and not back:
        return None
    for start in starts or [0]:
        read = _read(body, start, None)
        if read is not None and read[1] is None:
            return ProcedureRule(when="past", procedures=read[0], within_amount=amount, within_unit=unit)
    return None


def extract_procedure(context: CriterionContext) -> ProcedureRule | None:
    text = _shared_heads(_clean(context.text))
    within = _past_within(text, context.section)
    if within is not None:
        return within
    never = _phrase("never").match(text)
    if never is not None:
        read = _read(text, never.end(), "past_tail")
        if read is None or read[1] is not None:
            return None
        return ProcedureRule(when="past", procedures=read[0], never=True)
    past = _phrase("past").match(text)
    if past is not None:
        read = _read(text, past.end(), "past_tail")
        # "Patients who underwent first time intravitreal injection" (NCT03927118) is the study's own,
        # first injection: "ever had it for the first time" asks nothing a parent can answer.
        if read is not None and not _FIRST_TIME.search(read[1] or ""):
            return ProcedureRule(when="past", procedures=read[0], qualifier=read[1])
    leads = ("planned_lead", "planned_adjective", *(("planned_elective",) if context.section == "inclusion" else ()))
    for lead in leads:
        planned = _phrase(lead).match(text)
        if planned is not None:
            read = _read(text, planned.end(), None)
            if read is not None:
                return ProcedureRule(when="planned", procedures=read[0], qualifier=read[1])
    read = _read(text, 0, "planned_tail")
    if read is not None and re.search(rf"(?:{procedure_vocab().phrases['planned_tail']})$", text, re.IGNORECASE):
        return ProcedureRule(when="planned", procedures=read[0], qualifier=read[1])
    return None


def _narrowed(rule: ProcedureRule, name: str) -> bool:
    """Whether the profile's name for the procedure says every narrowing word of the rule."""
    if rule.qualifier is None:
        return True
    return all(_whole((word,)).search(name) for word in rule.qualifier.split(", "))


def evaluate_procedure(rule: ProcedureRule, profile: PatientProfile, on: date) -> Outcome:
    listed: tuple[Procedure, ...] = profile.planned_procedures if rule.when == "planned" else profile.procedures
    field = "planned_procedures" if rule.when == "planned" else "procedures"
    wanted = f" ({rule.qualifier})" if rule.qualifier else ""
    if rule.never:
        needs = f"the trial needs no {rule.names()}"
    elif rule.when == "planned":
        needs = f"the trial asks whether the child is due to have {rule.names()}{wanted}"
    else:
        needs = f"the trial asks whether the child has had {rule.names()}{wanted}"
    pattern = _profile_pattern(rule.procedures)
    if rule.within_amount is not None and rule.within_unit is not None:
        return _within(rule, listed, pattern, on)
    for procedure in listed:
        if not pattern.search(procedure.name):
            continue
        when = f" on {procedure.date.isoformat()}" if procedure.date else ""
        said = f"The profile lists {'planned ' if rule.when == 'planned' else ''}{procedure.name}{when}"
        if not _narrowed(rule, procedure.name):
            return Outcome.unknown(f"{said}, but not whether it is {rule.qualifier}; {needs}.", field)
        if rule.never:
            return Outcome.not_met(f"{said}; {needs}.")
        return Outcome.met(f"{said}; {needs}.")
    what = "planned procedures" if rule.when == "planned" else "operations"
    said = f"The profile lists no {what}"
    if listed:
        said = f"The profile lists no {rule.names()} among its {what}, but may not list every one"
    return Outcome.unknown(f"{said}; {needs}.", field)


def _within(rule: ProcedureRule, listed: tuple[Procedure, ...], pattern: re.Pattern[str], on: date) -> Outcome:
    """Met on a listed procedure dated inside the window (for `never`, not met); otherwise unknown:
    the list may not hold every operation, so an older or undated one does not show there has been
    none since."""
    needs = f"the trial asks whether the child has had {rule.names()} in the last {rule.span()}"
    if rule.never:
        needs = f"the trial needs no {rule.names()} in the last {rule.span()}"
    window = span_days(rule.within_amount or 0, rule.within_unit or "days")
    older: list[str] = []
    for procedure in listed:
        if not pattern.search(procedure.name):
            continue
        if procedure.date is None:
            older.append(f"{procedure.name} (no date)")
            continue
        since = days_since(procedure.date, on)
        if 0 <= since <= window:
            said = f"The profile lists {procedure.name} on {procedure.date.isoformat()} ({since} days ago); {needs}."
            return Outcome.not_met(said) if rule.never else Outcome.met(said)
        older.append(f"{procedure.name} on {procedure.date.isoformat()}")
    if older:
        said = f"The profile lists {', '.join(older)}, but may not list a later one"
    else:
        said = "The profile lists no operations" if not listed else f"The profile lists no {rule.names()}"
    return Outcome.unknown(f"{said}; {needs}.", "procedures")


def _trigger() -> Trigger | None:
    words = phrase_words(s for entry in procedure_vocab().procedures.values() for s in entry.synonyms)
    return None if words is None else Trigger(words)


KIND = RuleKind(
    ProcedureRule, procedure_wording,
    ("planned", "planned_qualified", "past", "past_qualified", "past_within", "never", "never_within"),
    evaluate_procedure,
    (Step(extract_procedure, _trigger()),),
)  # fmt: skip

__all__ = ["KIND", "ProcedureRule", "ProcedureVocab", "evaluate_procedure", "extract_procedure", "procedure_vocab"]
