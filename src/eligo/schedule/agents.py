"""Agents in a sentence: the trial's own intervention names (and the drug vocabulary) found in text, and the
route, days, frequency and infusion length each one's part of the sentence states."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from eligo.rules.drugs import vocabulary
from eligo.schedule.patterns import SchedulePatterns
from eligo.schedule.records import Route
from eligo.trials.model import Intervention

# Intervention types that name something given to the child; others (procedures, devices,
# behavioural, "other") are read as procedures, not agents. Legacy XML spells them in title case.
AGENT_TYPES = frozenset({"DRUG", "BIOLOGICAL", "RADIATION", "GENETIC", "COMBINATION_PRODUCT", "DIETARY_SUPPLEMENT"})
_REGIMEN_SEPARATORS = re.compile(
    r"\s*(?:\+|/|,|;|&|\band\b|\bplus\b|\b(?:in\s+)?combin(?:ed|ation)\s+with\b)\s*", re.IGNORECASE
)
_PARENTHESIS = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")
# A part between two agent names that only joins them ("cyclophosphamide and topotecan", "A, B"):
# the first agent then shares what the sentence says about the second.
_JOINER_END = re.compile(r"(?:\band|\bor|,|\+|/|&|\bplus)\s*[()]?\s*$", re.IGNORECASE)
_MIN_ALIAS = 3
_ROUTE_BREAK = re.compile(r",|;|\band\b|\bor\b|\bwith\b|\.", re.IGNORECASE)


def display_name(name: str) -> str:
    """Drug names in running text are lower case ("Dinutuximab" -> "dinutuximab"); codes keep theirs."""
    words = name.split()
    return " ".join(word.lower() if word[:1].isupper() and word[1:].islower() else word for word in words)


@dataclass(frozen=True, slots=True)
class Mention:
    name: str  # the canonical display name
    start: int
    end: int


_WORD = re.compile(r"\w+")


# (name case folded, its length, the name shown, whether it comes from the drug vocabulary)
_Entry = tuple[str, int, str, bool]
_Index = dict[str, tuple[_Entry, ...]]


def _index(names: dict[str, str], *, from_vocabulary: bool) -> _Index:
    """Names (case folded -> shown) by their first word, longest first."""
    grouped: dict[str, list[_Entry]] = {}
    for folded, shown in names.items():
        first = _WORD.match(folded)
        if first is not None:
            grouped.setdefault(first.group(0), []).append((folded, len(folded), shown, from_vocabulary))
    return {word: tuple(sorted(entries, key=lambda entry: -entry[1])) for word, entries in grouped.items()}


@cache
def _vocabulary_index() -> _Index:
    """Every name of the drug vocabulary, built once: most of a trial's lexicon is the same for all trials."""
    names: dict[str, str] = {}
    for drug in vocabulary().data.drugs:
        for alias in drug.names:
            if len(alias) >= _MIN_ALIAS:
                names.setdefault(alias.casefold(), display_name(drug.name))
    return _index(names, from_vocabulary=True)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The agent names one trial's text may use, each mapped to the name shown to families.

    Names are found word by word, through the trial's own names (`own`) and the drug vocabulary's
    (`shared`), each keyed by first word, so a sentence is scanned once whatever the size of the
    vocabulary. `renamed` gives a vocabulary drug the trial's own name for it.
    """

    own: _Index
    shared: _Index
    renamed: dict[str, str]

    def _candidates(self, word: str) -> tuple[_Entry, ...]:
        own, shared = self.own.get(word, ()), self.shared.get(word, ())
        if not shared:
            return own
        # Longest first; at equal length the trial's own spelling (listed first, the sort is stable).
        return tuple(sorted((*own, *shared), key=lambda entry: -entry[1]))

    def mentions(self, sentence: str) -> list[Mention]:
        found: list[Mention] = []
        resume = 0
        for word in _WORD.finditer(sentence):
            start = word.start()
            if start < resume or (start > 0 and sentence[start - 1] in "-_"):
                continue
            for folded, length, shown, from_vocabulary in self._candidates(word.group(0).casefold()):
                end = start + length
                after = sentence[end : end + 1]
                if sentence[start:end].casefold() == folded and not (after.isalnum() or after in "-_"):
                    found.append(Mention(self.renamed.get(shown, shown) if from_vocabulary else shown, start, end))
                    resume = end
                    break
        return found


def regimen_parts(name: str) -> list[str]:
    """ "GM-CSF + Naxitamab" -> ["GM-CSF", "Naxitamab"]; a single agent's name is one part."""
    return [part.strip() for part in _REGIMEN_SEPARATORS.split(name) if part.strip()]


def agent_name(intervention: Intervention) -> str | None:
    """The name shown for an intervention that is one agent; None for a regimen or a procedure."""
    parts = regimen_parts(intervention.name)
    return display_name(parts[0]) if len(parts) == 1 and is_agent(intervention) else None


def aliases(intervention: Intervention) -> list[tuple[str, str]]:
    """(alias, canonical) pairs for one intervention: each part of a regimen is its own agent."""
    pairs: list[tuple[str, str]] = []
    parts = regimen_parts(intervention.name)
    for part in parts:
        canonical = display_name(part.strip())
        pairs.append((part.strip(), canonical))
        nested = _PARENTHESIS.match(part.strip())
        if nested:
            pairs.append((nested.group("outer"), canonical))
            pairs.append((nested.group("inner"), canonical))
    if len(parts) == 1:
        pairs.extend((other, display_name(parts[0].strip())) for other in intervention.other_names)
    return pairs


def is_agent(intervention: Intervention) -> bool:
    kind = (intervention.type or "").upper().replace(" ", "_")
    return not kind or kind in AGENT_TYPES


def build_lexicon(interventions: tuple[Intervention, ...]) -> Lexicon:
    own: dict[str, str] = {}
    # A vocabulary drug the trial names in its interventions keeps the trial's name for it, so that
    # "Granulocyte-Macrophage Colony Stimulating Factor (GM-CSF)" is one agent, "GM-CSF".
    renamed: dict[str, str] = {}
    drugs = vocabulary()
    for intervention in interventions:
        if is_agent(intervention):
            for alias, name in aliases(intervention):
                if len(alias) >= _MIN_ALIAS:
                    own.setdefault(alias.casefold(), name)
                    drug = drugs.drug(alias)
                    if drug is not None:
                        renamed.setdefault(display_name(drug.name), name)
    # The drug vocabulary catches agents a record names only in its text ("intravenous chemotherapy
    # (cyclophosphamide and topotecan)" under an intervention called "Chemotherapy").
    return Lexicon(_index(own, from_vocabulary=False), _vocabulary_index(), renamed)


@dataclass(slots=True)
class DaySpec:
    days: tuple[int, ...]
    first_cycle: int = 1
    last_cycle: int | None = None


@dataclass(slots=True)
class ClauseFacts:
    """What one agent's part of a sentence says."""

    route: Route | None = None
    route_end: int | None = None  # where the route words end, for the words before the first agent
    day_specs: list[DaySpec] = field(default_factory=list)
    every_day: bool = False
    frequency: str | None = None
    infusion_hours: float | None = None
    infusion_texts: list[str] = field(default_factory=list)
    inpatient: bool | None = None

    @property
    def empty(self) -> bool:
        return (
            self.route is None
            and not self.day_specs
            and not self.every_day
            and self.infusion_hours is None
            and self.inpatient is None
        )

    def fill_from(self, other: ClauseFacts, *, route: bool) -> None:
        """Take what `other` (the words before the first agent) says where this clause is silent."""
        if self.route is None and route:
            self.route = other.route
        if not self.day_specs and not self.every_day:
            self.day_specs = list(other.day_specs)
            self.every_day = other.every_day
        if self.infusion_hours is None:
            self.infusion_hours = other.infusion_hours
            self.infusion_texts = list(other.infusion_texts)
        if self.inpatient is None:
            self.inpatient = other.inpatient
        if self.frequency is None:
            self.frequency = other.frequency


_LIST_ITEM = re.compile(
    r"(?P<sep>\s*(?:,\s*and|,|and|&|or|through|thru|to|-|–|−)\s*)?(?P<neg>[-–−])?(?P<num>\d{1,3})", re.IGNORECASE
)
_RANGE_SEPARATORS = frozenset({"through", "thru", "to", "-", "–", "−"})
_DAY_BOUND = 400  # a day number beyond a year and a month is not a day within a cycle


def parse_day_list(text: str) -> tuple[int, ...]:
    """ "1, 3, and 5" -> (1, 3, 5); "1-21" -> 1..21; "-4 to 0" -> -4..0. Empty when a range runs backwards."""
    days: list[int] = []
    pending_range = False
    for match in _LIST_ITEM.finditer(text):
        separator = (match.group("sep") or "").strip().lower()
        negative = bool(match.group("neg"))
        if not days and separator in ("-", "–", "−"):
            # The list's first number: a dash before it is a minus sign ("-4 to 0"), not a range.
            negative, separator = True, ""
        number = int(match.group("num")) * (-1 if negative else 1)
        if abs(number) > _DAY_BOUND:
            return ()
        if days and separator in _RANGE_SEPARATORS:
            pending_range = True
        if pending_range:
            low = days[-1]
            if number < low:
                return ()
            days.extend(range(low + 1, number + 1))
            pending_range = False
        else:
            days.append(number)
    return tuple(sorted(set(days)))


def _hours(amount: str, unit: str) -> float:
    value = float(amount)
    return value / 60 if unit.lower().startswith("m") else value


def read_clause(text: str, patterns: SchedulePatterns) -> ClauseFacts:
    facts = ClauseFacts()
    first_route: tuple[int, int, Route] | None = None
    for route_pattern in patterns.routes:
        match = route_pattern.search(text)
        if match and (first_route is None or match.start() < first_route[0]):
            first_route = (match.start(), match.end(), route_pattern.route)
    if first_route is not None:
        facts.route_end, facts.route = first_route[1], first_route[2]
    for match in patterns.day_list.regex.finditer(text):
        days = parse_day_list(match.group("list"))
        if not days:
            continue
        spec = DaySpec(days)
        scope = patterns.cycle_scope.regex.match(text[match.end() :])
        if scope:
            if scope.group("later"):
                previous = max((s.last_cycle or s.first_cycle for s in facts.day_specs), default=1)
                spec.first_cycle = previous + 1
            elif scope.group("first"):
                spec.last_cycle = 1
            else:
                start = scope.group("from") or scope.group("fromword")
                first = patterns.number(start) if start else None
                last = int(scope.group("to")) if scope.group("to") else first
                if first is not None and last is not None and 1 <= first <= last:
                    spec.first_cycle, spec.last_cycle = first, last
        facts.day_specs.append(spec)
    if not facts.day_specs:
        daily_for = patterns.daily_for.regex.search(text)
        count = patterns.number(daily_for.group("n")) if daily_for else None
        if count is not None and 1 <= count <= _DAY_BOUND:
            facts.day_specs.append(DaySpec(tuple(range(1, count + 1))))
        elif patterns.every_day.regex.search(text):
            facts.every_day = True
    for frequency in patterns.frequencies:
        if frequency.search(text):
            facts.frequency = frequency.label
            break
    for match in patterns.infusion.regex.finditer(text):
        if match.group("a"):
            longest = max(float(match.group("a")), float(match.group("b") or 0))
            hours = _hours(str(longest), match.group("unit"))
        else:
            hours = _hours(match.group("a2"), match.group("unit2"))
        facts.infusion_texts.append(match.group(0).strip())
        facts.infusion_hours = max(hours, facts.infusion_hours or 0)
    if patterns.inpatient.regex.search(text):
        facts.inpatient = True
    elif patterns.outpatient.regex.search(text):
        facts.inpatient = False
    return facts


@dataclass(slots=True)
class AgentClause:
    names: list[str]
    facts: ClauseFacts


def agent_clauses(sentence: str, mentions: list[Mention], patterns: SchedulePatterns) -> list[AgentClause]:
    """Each agent mentioned with the facts of its part of the sentence (up to the next agent's name).

    Agents joined only by "and" / "," share the next part ("cyclophosphamide and topotecan ... on days
    1-5"); words before the first agent ("intravenous chemotherapy (", "5 days, days -4 to 0, of")
    apply to the first group where it is silent.
    """
    if not mentions:
        return []
    prefix = read_clause(sentence[: mentions[0].start], patterns)
    groups: list[AgentClause] = []
    waiting: list[str] = []
    for index, mention in enumerate(mentions):
        end = mentions[index + 1].start if index + 1 < len(mentions) else len(sentence)
        own = sentence[mention.end : end]
        facts = read_clause(own, patterns)
        if facts.route is None:
            # A name can carry its route: "Corn starch tablet", "Dupilumab injection".
            facts.route = read_clause(sentence[mention.start : mention.end], patterns).route
        names = [*waiting, mention.name]
        if facts.empty and index + 1 < len(mentions) and _JOINER_END.search(own) and len(own) < 60:
            waiting = names
            continue
        waiting = []
        groups.append(AgentClause(names, facts))
    if groups:
        # A route word just before the first agent describes it ("intravenous chemotherapy (A and B)");
        # one separated from it by "and" or a comma names another treatment ("radiotherapy and topotecan").
        between = sentence[prefix.route_end : mentions[0].start] if prefix.route_end is not None else ""
        groups[0].facts.fill_from(prefix, route=not _ROUTE_BREAK.search(between))
    return [group for group in groups if not group.facts.empty]
