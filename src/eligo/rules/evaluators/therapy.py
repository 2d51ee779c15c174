"""Evaluates therapy-history rules (washouts, prior therapy, cumulative dose, stored stem cells)
against a profile's dated therapies, radiation, transplants and vaccines.

Decisions a reviewer should know:

- A therapy's classes are its explicit `classes` plus the drug vocabulary's classes for its
  `agent`. An agent Eligo cannot classify makes class-based rules unknown, with the name said,
  unless its dates show it cannot matter.
- Completeness: an empty list (no therapies, no radiation, no transplants) means "not told",
  never "none", so rules over it are unknown with the question. A non-empty list is taken as
  the child's complete history of that kind (it comes from a clinician-filled form or record);
  the profile has no way yet to say "no radiation" explicitly.
- The last dose is `end`; `ongoing` counts as a dose on the evaluation date; a therapy with
  neither is unknown, except that a `start` inside the window already shows recent exposure.
- Days are whole calendar days up to the evaluation date, which stands in for the criterion's
  reference point: "at least 21 days" is met on day 21 and not on day 20; "within 28 days" is
  days 0-27. Calendar months are used for month windows; for hour windows, whole days are
  compared and the boundary day is unknown (dose times are not recorded).
- "N half-lives, whichever is longer" uses the label half-life from the vocabulary; without a
  known half-life the rule is unknown once the fixed window has passed.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from eligo.criteria.drugs import half_life_days, normalize_name, vocabulary
from eligo.criteria.rules.therapy import (
    CumulativeDoseRule,
    Exposure,
    PriorTherapyRule,
    StemCellRule,
    WashoutRule,
    cd34_text,
)
from eligo.patients.profile import PatientProfile, Therapy
from eligo.rules.verdicts import Outcome

_MCI_PER_KG = {"mcikg": 1.0, "mbqkg": 1 / 37, "gbqkg": 1000 / 37}  # 1 mCi = 37 MBq


class _Seen(Enum):
    """Whether one item of history falls inside a rule's window."""

    CLEAR = "clear"
    INSIDE = "inside"
    UNSURE = "unsure"


@dataclass(frozen=True)
class _Finding:
    seen: _Seen
    text: str


@dataclass(frozen=True)
class _Item:
    """One dated exposure from the profile, normalised: what it was and its last date."""

    name: str
    last: date | None
    ongoing: bool = False
    start: date | None = None
    therapy: Therapy | None = None
    why_unsure: str | None = None  # for items that may or may not belong to the exposure


# --- matching history to exposures -----------------------------------------------------------


def therapy_classes(therapy: Therapy) -> frozenset[str]:
    """Explicit classes plus the vocabulary's classes of the agent, closed under `implies`."""
    drugs = vocabulary()
    return drugs.closure(therapy.classes) | drugs.classes_of(therapy.agent)


def _therapy_match(exposure: Exposure, therapy: Therapy) -> bool | None:
    """True / False, or None when Eligo cannot classify the agent."""
    key = normalize_name(therapy.agent)
    canonical = vocabulary().drug(therapy.agent)
    names = {key} | ({normalize_name(canonical.name)} if canonical else set())
    if any(normalize_name(agent) in names for agent in exposure.excluded_agents):
        return False
    if any(normalize_name(agent) in names for agent in exposure.agents):
        return True
    if not exposure.therapy_classes:
        return False
    classes = therapy_classes(therapy)
    if not classes:
        return None
    return bool(classes & set(exposure.therapy_classes))


def _caveat(exposure: Exposure, therapy: Therapy) -> bool:
    return bool(exposure.caveat_classes and therapy_classes(therapy) & set(exposure.caveat_classes))


@dataclass(frozen=True)
class _History:
    items: tuple[_Item, ...]
    unclassified: tuple[_Item, ...]  # therapies whose class Eligo does not know
    gaps: tuple[str, ...]  # "therapies", "radiation", ... lists that are empty
    caveats: tuple[_Item, ...]


def _history(exposure: Exposure, profile: PatientProfile) -> _History:
    items: list[_Item] = []
    unclassified: list[_Item] = []
    caveats: list[_Item] = []
    gaps: list[str] = []
    if exposure.covers_therapies:
        if not profile.therapies:
            gaps.append("therapies")
        for therapy in profile.therapies:
            item = _Item(therapy.agent, therapy.end, therapy.ongoing, therapy.start, therapy)
            match = _therapy_match(exposure, therapy)
            if match is None:
                unclassified.append(item)
            elif match:
                (caveats if _caveat(exposure, therapy) else items).append(item)
    if exposure.radiation_fields:
        if not profile.radiation:
            gaps.append("radiation")
        fields = set(exposure.radiation_fields)
        for rad in profile.radiation:
            item = _Item(f"{rad.field.replace('_', '-')} radiation", rad.end)
            if rad.field in fields:
                items.append(item)
            elif rad.field in ("other", "large_field") and fields & {
                "total_body",
                "craniospinal",
                "whole_abdominal",
                "whole_lung",
            }:
                why = f"Eligo cannot tell whether the {item.name} ended {rad.end} counts as {exposure.label}"
                unclassified.append(_Item(item.name, item.last, why_unsure=why))
    if exposure.transplant is not None:
        if not profile.transplants:
            gaps.append("transplants")
        for tx in profile.transplants:
            if tx.type != exposure.transplant:
                continue
            item = _Item(f"{tx.type} stem cell transplant", tx.date)
            if exposure.myeloablative is None or tx.myeloablative == exposure.myeloablative:
                items.append(item)
            elif tx.myeloablative is None:
                why = f"the profile does not say whether the {item.name} on {tx.date} followed myeloablative therapy"
                unclassified.append(_Item(item.name, item.last, why_unsure=why))
    if exposure.live_vaccine:
        if profile.last_live_vaccine is None:
            gaps.append("last_live_vaccine")
        else:
            items.append(_Item("live vaccine", profile.last_live_vaccine))
    return _History(tuple(items), tuple(unclassified), tuple(gaps), tuple(caveats))


# --- windows ---------------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _required_days(rule: WashoutRule, item: _Item) -> tuple[int | None, str]:
    """Days this item needs under the rule (None: half-life unknown), and why, for evidence."""
    days = rule.min_days or 0
    why = ""
    if item.therapy is not None:
        classes = therapy_classes(item.therapy)
        for cls, longer in rule.longer_for.items():
            if cls in classes and longer > days:
                days, why = longer, f" ({vocabulary().label(cls)})"
        if rule.half_lives is not None:
            half_life = half_life_days(item.therapy.agent)
            if half_life is None:
                return None, f"half-life of {item.therapy.agent} not known to Eligo"
            by_half_lives = int(-(-rule.half_lives * half_life // 1))
            if (by_half_lives > days) == rule.whichever_longer:
                days, why = by_half_lives, f" ({rule.half_lives} half-lives of {half_life:g} days)"
    return days, why


def _boundary(rule: WashoutRule, last: date, on: date, item: _Item) -> tuple[_Seen, str]:
    """CLEAR when the window has passed since `last`, INSIDE when not, UNSURE when undecidable."""
    elapsed = (on - last).days
    if rule.min_months is not None:
        threshold = _add_months(last, rule.min_months)
        clear = on > threshold if rule.strictly_more else on >= threshold
        need = f"{'more than ' if rule.strictly_more else 'at least '}{rule.period()}"
        return (_Seen.CLEAR if clear else _Seen.INSIDE), need
    if rule.min_hours is not None:
        whole_days = rule.min_hours / 24
        need = f"at least {rule.period()}"
        if elapsed > whole_days:
            return _Seen.CLEAR, need
        if elapsed == whole_days:
            return _Seen.UNSURE, need + " (dose times are not recorded)"
        return _Seen.INSIDE, need
    days, why = _required_days(rule, item)
    if days is None:
        # The fixed window still decides when it has not passed yet.
        fixed = rule.min_days or 0
        if elapsed < fixed and rule.whichever_longer:
            return _Seen.INSIDE, f"at least {fixed} days"
        return _Seen.UNSURE, why
    clear = elapsed > days if rule.strictly_more else elapsed >= days
    return (
        _Seen.CLEAR if clear else _Seen.INSIDE
    ), f"{'more than' if rule.strictly_more else 'at least'} {days} days{why}"


def _washout_finding(rule: WashoutRule, item: _Item, on: date) -> _Finding:
    if item.ongoing:
        return _Finding(_Seen.INSIDE, f"{item.name} is ongoing on {on.isoformat()}")
    if item.last is None:
        if item.start is not None and item.start <= on:
            seen, _ = _boundary(rule, item.start, on, item)
            if seen is _Seen.INSIDE:
                return _Finding(_Seen.INSIDE, f"{item.name} started {item.start.isoformat()}, inside the window")
        return _Finding(_Seen.UNSURE, f"the last dose date of {item.name} is not recorded")
    if item.last > on:
        return _Finding(_Seen.INSIDE, f"{item.name} continues until {item.last.isoformat()}")
    seen, need = _boundary(rule, item.last, on, item)
    elapsed = (on - item.last).days
    days = "1 day" if elapsed == 1 else f"{elapsed} days"
    needs = "the trial needs" if rule.mode == "elapsed" else "the trial's window is"
    if rule.mode == "within":
        need = need.replace("at least ", "").replace("more than ", "")
    text = f"last {item.name} on {item.last.isoformat()}, {days} before {on.isoformat()}; {needs} {need}"
    if seen is _Seen.UNSURE and "half-life" in need:
        text = f"last {item.name} on {item.last.isoformat()}, {days} before {on.isoformat()}; {need}"
    return _Finding(seen, text)


def evaluate_washout(rule: WashoutRule, profile: PatientProfile, on: date) -> Outcome:
    history = _history(rule.exposure, profile)
    findings = [_washout_finding(rule, item, on) for item in history.items]
    for item in history.unclassified:
        finding = _washout_finding(rule, item, on)
        if finding.seen is not _Seen.CLEAR or (rule.half_lives is not None and item.therapy is not None):
            findings.append(_Finding(_Seen.UNSURE, _unclassified_text(item)))
    for item in history.caveats:
        finding = _washout_finding(rule, item, on)
        if finding.seen is not _Seen.CLEAR:
            findings.append(_Finding(_Seen.UNSURE, f"{finding.text}; {rule.exposure.caveat}"))
    inside = [f for f in findings if f.seen is _Seen.INSIDE]
    unsure = [f for f in findings if f.seen is _Seen.UNSURE]
    label = rule.exposure.label
    ref = f" (the trial counts to {rule.reference})" if rule.reference != "enrollment" else ""
    if rule.mode == "elapsed":
        if inside:
            return Outcome.not_met(_sentence(inside[0].text) + ref + ".")
        if unsure or history.gaps:
            return _unknown(unsure, history.gaps, label)
        if findings:
            return Outcome.met(_sentence(_latest(findings)) + ref + ".")
        return Outcome.met(f"No {label} in the recorded history.")
    if inside:
        return Outcome.met(_sentence(inside[0].text) + ", so it falls inside it.")
    if unsure or history.gaps:
        return _unknown(unsure, history.gaps, label)
    if findings:
        return Outcome.not_met(_sentence(_latest(findings)) + ", so it falls outside it.")
    return Outcome.not_met(f"No {label} in the recorded history.")


def _unclassified_text(item: _Item) -> str:
    return item.why_unsure or f"Eligo does not know which class '{item.name}' belongs to"


def _latest(findings: Sequence[_Finding]) -> str:
    return findings[-1].text if len(findings) == 1 else "; ".join(f.text for f in findings)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _missing_of(unsure: Sequence[_Finding]) -> tuple[str, ...]:
    text = " ".join(f.text for f in unsure)
    if "radiation" in text:
        return ("radiation",)
    return ("transplants",) if "transplant" in text else ("therapies",)


def _unknown(unsure: Sequence[_Finding], gaps: Sequence[str], label: str) -> Outcome:
    if unsure:
        return Outcome.unknown(_sentence("; ".join(f.text for f in unsure)) + ".", *(gaps or _missing_of(unsure)))
    told = {
        "therapies": "therapy",
        "radiation": "radiation",
        "transplants": "transplant",
        "last_live_vaccine": "live vaccine",
    }
    missing = " or ".join(told[g] for g in gaps)
    return Outcome.unknown(f"No {missing} history in the profile, so Eligo cannot tell about {label}.", *gaps)


# --- prior therapy ------------------------------------------------------------------------------


def _is_current(item: _Item, on: date) -> bool | None:
    if item.ongoing or (item.last is not None and item.last >= on):
        return True
    if item.last is not None:
        return False
    return None


def evaluate_prior_therapy(rule: PriorTherapyRule, profile: PatientProfile, on: date) -> Outcome:
    exposure = rule.exposure
    if rule.condition == "permitted":
        return Outcome.met(f"Prior {exposure.label} is allowed by this trial.")
    history = _history(exposure, profile)
    if rule.condition == "no_progression_on":
        return _no_progression(rule, history)
    if rule.condition == "not_concomitant":
        return _not_concomitant(rule, profile, on)
    had: list[str] = []
    unsure: list[str] = [_unclassified_text(item) for item in history.unclassified]
    for item in history.items:
        current = _is_current(item, on) if rule.timing == "current" else True
        if current:
            had.append(item.name + (" (ongoing)" if rule.timing == "current" else ""))
        elif current is None:
            unsure.append(f"Eligo cannot tell whether {item.name} is still being given")
    for item in history.caveats:
        if rule.timing == "ever" or _is_current(item, on) is not False:
            unsure.append(f"{item.name}: {exposure.caveat}")
    if rule.timing == "current" and exposure.therapy_classes == ("investigational",):
        unsure += [
            f"Eligo cannot tell whether {t.agent} is given on a study"
            for t in profile.therapies
            if "investigational" not in therapy_classes(t)
            and _is_current(_Item(t.agent, t.end, t.ongoing), on) is not False
        ]
    when = "is currently receiving" if rule.timing == "current" else "has had"
    holds = rule.condition == "received"
    if had:
        text = f"The child {when} {exposure.label}: {', '.join(had)}."
        return Outcome.met(text) if holds else Outcome.not_met(text)
    if unsure or history.gaps:
        return _unknown([_Finding(_Seen.UNSURE, u) for u in unsure], history.gaps, exposure.label)
    text = f"No {exposure.label} {'now ' if rule.timing == 'current' else ''}in the recorded history."
    return Outcome.not_met(text) if holds else Outcome.met(text)


def _no_progression(rule: PriorTherapyRule, history: _History) -> Outcome:
    label = rule.exposure.label
    progressed = [
        i.name
        for i in history.items
        if i.therapy and (i.therapy.progressed_on_therapy or i.therapy.response == "progression")
    ]
    if progressed:
        return Outcome.not_met(f"The disease progressed during {', '.join(progressed)} ({label}).")
    unsure = [
        i.name
        for i in history.items
        if i.therapy and i.therapy.progressed_on_therapy is None and i.therapy.response is None
    ]
    if unsure:
        return Outcome.unknown(
            f"The profile does not say whether the disease progressed during {', '.join(unsure)}.", "therapies"
        )
    if history.unclassified or history.gaps:
        found = [
            _Finding(_Seen.UNSURE, f"Eligo does not know which class '{i.name}' belongs to")
            for i in history.unclassified
        ]
        return _unknown(found, history.gaps, label)
    if history.items:
        return Outcome.met(f"No progression recorded during {', '.join(i.name for i in history.items)} ({label}).")
    return Outcome.met(f"No {label} in the recorded history.")


def _not_concomitant(rule: PriorTherapyRule, profile: PatientProfile, on: date) -> Outcome:
    groups = [Exposure(agents=(agent,), label=agent) for agent in rule.exposure.agents] + [
        Exposure(therapy_classes=(cls,), label=vocabulary().label(cls)) for cls in rule.exposure.therapy_classes
    ]
    if not profile.therapies:
        return Outcome.unknown("No therapy history in the profile.", "therapies")
    found = [[i for i in _history(g, profile).items if i.therapy is not None] for g in groups]
    unsure: list[str] = []
    for a_index, a_items in enumerate(found):
        for b_items in found[a_index + 1 :]:
            for a in a_items:
                for b in b_items:
                    overlap = _overlap(a, b, on)
                    if overlap is True:
                        return Outcome.not_met(
                            f"{a.name} and {b.name} were given at overlapping dates ({_span(a, on)}; {_span(b, on)})."
                        )
                    if overlap is None:
                        unsure.append(f"{a.name} and {b.name}")
    if unsure:
        return Outcome.unknown(f"Dates are missing to tell whether these overlapped: {'; '.join(unsure)}.", "therapies")
    return Outcome.met(f"{rule.exposure.label} were not given at the same time in the recorded history.")


def _bounds(item: _Item, on: date) -> tuple[date, date] | None:
    end = on if item.ongoing else item.last
    if item.start is None or end is None:
        return None
    return item.start, end


def _overlap(a: _Item, b: _Item, on: date) -> bool | None:
    first, second = _bounds(a, on), _bounds(b, on)
    if first is None or second is None:
        return None
    return first[0] <= second[1] and second[0] <= first[1]


def _span(item: _Item, on: date) -> str:
    bounds = _bounds(item, on)
    return f"{item.name} {bounds[0].isoformat()} to {bounds[1].isoformat()}" if bounds else item.name


# --- doses and stem cells ----------------------------------------------------------------------


def _per_kg_in(unit: str, target: str) -> float | None:
    """Factor converting `unit` into `target` for activity-per-kg units, or None."""
    source, goal = _MCI_PER_KG.get(normalize_name(unit)), _MCI_PER_KG.get(normalize_name(target))
    return None if source is None or goal is None else source / goal


def evaluate_cumulative_dose(rule: CumulativeDoseRule, profile: PatientProfile, on: date) -> Outcome:
    history = _history(rule.exposure, profile)
    if history.gaps:
        return _unknown([], history.gaps, rule.exposure.label)
    if history.unclassified:
        names = ", ".join(f"'{i.name}'" for i in history.unclassified)
        return Outcome.unknown(f"Eligo does not know which class {names} belongs to.", "therapies")
    total = 0.0
    for item in history.items:
        therapy = item.therapy
        if therapy is None or therapy.cumulative_dose is None or therapy.cumulative_dose_unit is None:
            return Outcome.unknown(f"The dose of {item.name} is not recorded.", "therapies")
        factor = _per_kg_in(therapy.cumulative_dose_unit, rule.unit)
        if factor is None:
            return Outcome.unknown(f"Eligo cannot convert {therapy.cumulative_dose_unit} to {rule.unit}.", "therapies")
        total += therapy.cumulative_dose * factor
    bound = f"{'≤' if rule.inclusive else '<'} {rule.max_dose:g} {rule.unit}"
    if not history.items:
        return Outcome.met(f"No prior {rule.exposure.label} in the recorded history; the trial's limit is {bound}.")
    within = total <= rule.max_dose if rule.inclusive else total < rule.max_dose
    text = f"Cumulative {rule.exposure.label} so far {total:g} {rule.unit}; the trial needs the total to stay {bound}"
    if within:
        return Outcome.met(text + " (the planned dose adds to this; the study team checks the sum).")
    return Outcome.not_met(text + ".")


def evaluate_stem_cells(rule: StemCellRule, profile: PatientProfile, on: date) -> Outcome:
    need = cd34_text(rule.min_cd34_per_kg)
    if rule.only_after is not None:
        prior = _history(
            Exposure(therapy_classes=(rule.only_after,), label=vocabulary().label(rule.only_after)), profile
        )
        if prior.gaps or prior.unclassified:
            if (
                profile.stored_stem_cells_cd34_per_kg is not None
                and profile.stored_stem_cells_cd34_per_kg >= rule.min_cd34_per_kg
            ):
                return Outcome.met(
                    f"Stored stem cells {cd34_text(profile.stored_stem_cells_cd34_per_kg)}; the trial needs {need}."
                )
            return _unknown([], prior.gaps or ("therapies",), vocabulary().label(rule.only_after))
        if not prior.items:
            return Outcome.met(
                f"No prior {vocabulary().label(rule.only_after)}, so stored stem cells are not required here."
            )
    cells = profile.stored_stem_cells_cd34_per_kg
    if cells is None:
        return Outcome.unknown(
            f"Stored stem cells are not recorded; the trial needs {need}.", "stored_stem_cells_cd34_per_kg"
        )
    text = f"Stored stem cells {cd34_text(cells) if cells else 'none'}; the trial needs {need}"
    if cells >= rule.min_cd34_per_kg:
        return Outcome.met(text + ".")
    if rule.needed_for is not None:
        return Outcome.unknown(
            text + f" only for {rule.needed_for}; the study team decides the dose.", "stored_stem_cells_cd34_per_kg"
        )
    return Outcome.not_met(text + ".")


EVALUATORS: Mapping[type, Callable[[Any, PatientProfile, date], Outcome]] = {
    WashoutRule: evaluate_washout,
    PriorTherapyRule: evaluate_prior_therapy,
    CumulativeDoseRule: evaluate_cumulative_dose,
    StemCellRule: evaluate_stem_cells,
}

__all__ = ["EVALUATORS", "therapy_classes"]
