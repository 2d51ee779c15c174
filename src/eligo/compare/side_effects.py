"""Posted adverse events in plain words: grouped by the part of the body, with counts per study group."""

from __future__ import annotations

from dataclasses import dataclass

from eligo.compare.vocab import wording
from eligo.trials.model import AdverseEvent, AdverseEvents


@dataclass(frozen=True)
class EventLine:
    """One event term with its counts, e.g. "Headache: 3 of 97 (Placebo), 5 of 97 (Dupilumab)"."""

    term: str
    serious: bool
    counts: tuple[tuple[str, int | None, int | None], ...]  # (group title, affected, at risk)

    @property
    def most_affected(self) -> int:
        return max((affected or 0 for _, affected, _ in self.counts), default=0)


@dataclass(frozen=True)
class OrganSystem:
    name: str  # plain words ("Infections")
    registry_name: str | None  # as the registry wrote it ("Infections and infestations")
    events: tuple[EventLine, ...]

    @property
    def serious_count(self) -> int:
        return sum(1 for event in self.events if event.serious)


@dataclass(frozen=True)
class SideEffectsView:
    """What the page shows: posted events by organ system, or (when none are posted) the questions to ask."""

    posted: bool
    systems: tuple[OrganSystem, ...]
    groups: tuple[str, ...]
    time_frame: str | None
    threshold_note: str | None
    questions: tuple[str, ...]

    @property
    def event_count(self) -> int:
        return sum(len(system.events) for system in self.systems)

    @property
    def serious_count(self) -> int:
        return sum(system.serious_count for system in self.systems)


def plain_organ_system(name: str | None) -> str:
    if not name:
        return "Not stated"
    return wording().organ_systems.get(name, name)


def side_effects_view(events: AdverseEvents | None) -> SideEffectsView:
    words = wording().side_effects
    if events is None or not events.events:
        return SideEffectsView(False, (), (), None, None, words.questions)
    titles = {group.id: group.title for group in events.groups}
    by_system: dict[str, list[AdverseEvent]] = {}
    for event in events.events:
        by_system.setdefault(event.organ_system or "", []).append(event)
    systems = []
    for registry_name, found in by_system.items():
        lines = tuple(
            sorted(
                (
                    EventLine(
                        event.term,
                        event.serious,
                        tuple(
                            (titles.get(count.group_id, count.group_id), count.affected, count.at_risk)
                            for count in event.counts
                        ),
                    )
                    for event in found
                ),
                key=lambda line: (not line.serious, -line.most_affected, line.term.lower()),
            )
        )
        systems.append(OrganSystem(plain_organ_system(registry_name or None), registry_name or None, lines))
    systems.sort(key=lambda system: (-system.serious_count, -len(system.events), system.name))
    threshold = words.threshold.format(threshold=events.frequency_threshold) if events.frequency_threshold else None
    return SideEffectsView(
        True,
        tuple(systems),
        tuple(group.title for group in events.groups),
        events.time_frame,
        threshold,
        words.questions,
    )
