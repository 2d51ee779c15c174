"""The smoking rule kind (tobacco smoking with an amount or a time since stopping: pack-years,
cigarettes a day, stopped within or at least N months ago): model, question, extractor, evaluator
and record (issue #12). The profile's `lifestyle` answers it; a bare "Smoker" or "Non-smoker" stays
the condition kind's, which reads the same profile fields through `smoking_state`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from eligo.patients.profile import PatientProfile
from eligo.rules._clinical import _join, describe_months
from eligo.rules._general import general_wording
from eligo.rules.base import CriterionContext, RuleBase, Section
from eligo.rules.composite import AnyOf
from eligo.rules.kind import RuleKind, Step
from eligo.rules.patterns import patterns
from eligo.rules.verdicts import Outcome
from eligo.terms import Comparator

if TYPE_CHECKING:
    from eligo.rules.registry import Rule

Status = Literal["never", "former", "current"]
_ALL: tuple[Status, ...] = ("never", "former", "current")
_PATTERNS = patterns()["smoking"]
_SYMBOL: dict[str, Comparator] = {"<": "<", "≤": "<=", ">": ">", "≥": ">="}
_WORDS = {"<": "fewer than", "<=": "at most", ">": "more than", ">=": "at least"}
_UNIT_MONTHS = {"week": 12 / 52, "month": 1, "year": 12}
_MONTH_DAYS = 365.25 / 12


class SmokingRule(RuleBase):
    """The child's smoking `status` is one of `statuses`, and, where given, the `measure` compares
    with `value` (pack-years over a lifetime: none for someone who never smoked; cigarettes a day:
    none for someone who does not smoke now), and a former smoker stopped within `quit_within_months`
    or at least `quit_before_months` ago (a time that says nothing of the other statuses)."""

    kind: Literal["smoking"] = "smoking"
    statuses: tuple[Status, ...] = Field(default=_ALL, min_length=1)
    measure: Literal["pack_years", "cigarettes_per_day"] | None = None
    comparator: Comparator | None = None
    value: float | None = Field(default=None, ge=0)
    quit_within_months: int | None = Field(default=None, gt=0)
    quit_before_months: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _whole(self) -> SmokingRule:
        if (self.measure is None) != (self.comparator is None) or (self.measure is None) != (self.value is None):
            raise ValueError("a measure needs its comparator and value")
        quits = self.quit_within_months is not None or self.quit_before_months is not None
        if quits and "former" not in self.statuses:
            raise ValueError("a time since stopping is about former smokers")
        if self.measure is None and not quits and len(self.statuses) == len(_ALL):
            raise ValueError("a smoking rule that everyone meets says nothing")
        return self

    def describe(self) -> str:
        """What the rule asks, in a parent's words ("smokes now or stopped smoking less than 6 months ago")."""
        statuses = set(self.statuses)
        cpd = self.measure == "cigarettes_per_day"
        if self.quit_within_months is not None:
            former = f"stopped smoking less than {describe_months(self.quit_within_months)} ago"
        elif self.quit_before_months is not None:
            former = f"stopped smoking at least {describe_months(self.quit_before_months)} ago"
        else:
            former = "used to smoke"
        if statuses == {"never", "former"} and former == "used to smoke":
            who = ["does not smoke now"]
        elif (statuses == set(_ALL) and former == "used to smoke") or (statuses == {"current"} and cpd):
            who = []  # everyone, or the number of cigarettes says it
        else:
            words = {"never": "has never smoked", "current": "smokes now", "former": former}
            who = [words[status] for status in ("current", "former", "never") if status in statuses]
        said = [_join(who)] if who else []
        if self.measure == "pack_years":
            said.append(
                f"has smoked {_WORDS[self.comparator or '>']} {self.value:g} pack-years in all "
                "(packs of 20 a day × years smoked)"
            )
        elif cpd:
            none = " (or does not smoke)" if statuses != {"current"} and self.comparator in ("<", "<=") else ""
            said.append(f"smokes {_WORDS[self.comparator or '>']} {self.value:g} cigarettes a day{none}")
        return ", and ".join(said)

    def question(self, section: Section) -> str:
        return general_wording()["smoking"].format(what=self.describe())


def _months(amount: str, unit: str) -> int:
    return round(_PATTERNS.number(amount) * _UNIT_MONTHS[unit.lower().rstrip("s")])


def _number(written: str) -> float:
    return float(written) if written[0].isdigit() else float(_PATTERNS.number(written))


def extract_smoking(context: CriterionContext) -> Rule | None:
    if len(context.text) > 160 or len(context.sentences) > 1:
        return None
    text = " ".join(context.normalized.split()).strip().rstrip(".;,").strip()
    found = {name: _PATTERNS.regex(name).match(text) for name in _PATTERNS.named}
    if match := found["pack_years"]:
        who = (match["who"] or "").lower()
        statuses: tuple[Status, ...] = (
            ("former", "current")
            if " or " in who
            else ("current",)
            if who == "current"
            else ("former",)
            if who
            else _ALL
        )
        return SmokingRule(
            statuses=statuses, measure="pack_years", comparator=_SYMBOL[match["cmp"]], value=_number(match["num"])
        )
    if found["never"]:
        return SmokingRule(statuses=("never",))
    if match := found["smoker_cpd"]:
        cmp = _SYMBOL[match["cmp"]]
        return SmokingRule(
            statuses=("current",), measure="cigarettes_per_day", comparator=cmp, value=_number(match["num"])
        )
    if match := found["upto_cpd"]:
        cmp = _SYMBOL[match["cmp"]]
        return SmokingRule(measure="cigarettes_per_day", comparator=cmp, value=_number(match["num"]))
    if match := found["non_pack_years"]:
        cmp = _SYMBOL[match["cmp"]]
        return SmokingRule(
            statuses=("never", "former"), measure="pack_years", comparator=cmp, value=_number(match["num"])
        )
    if match := found["non_or_ex_pack_years"]:  # "10 pack x years or less"
        return SmokingRule(
            statuses=("never", "former"), measure="pack_years", comparator="<=", value=_number(match["num"])
        )
    if match := found["current_or_pack_years"]:
        value = _number(match["num"])
        return AnyOf(
            rules=(
                SmokingRule(statuses=("current",)),
                SmokingRule(measure="pack_years", comparator=_SYMBOL[match["cmp"]], value=value),
            )
        )
    if match := found["current_or_quit_within"]:
        months = _months(match["span"], match["unit"])
        return SmokingRule(statuses=("current", "former"), quit_within_months=months)
    if match := found["non_or_quit_before"]:
        return SmokingRule(statuses=("never", "former"), quit_before_months=_months(match["span"], match["unit"]))
    if match := found["non_for"]:
        return SmokingRule(statuses=("never", "former"), quit_before_months=_months(match["span"], match["unit"]))
    if match := found["ex_quit_before"]:
        return SmokingRule(statuses=("former",), quit_before_months=_months(match["span"], match["unit"]))
    if match := found["ex_quit_within"]:
        return SmokingRule(statuses=("former",), quit_within_months=_months(match["span"], match["unit"]))
    if (match := found["former_quit_within"]) and context.section == "inclusion":
        return SmokingRule(quit_within_months=_months(match["span"], match["unit"]))
    return None


def _compare(found: float, comparator: Comparator, value: float) -> bool:
    return {"<": found < value, "<=": found <= value, ">": found > value, ">=": found >= value}[comparator]


def evaluate_smoking(rule: SmokingRule, profile: PatientProfile, on: date) -> Outcome:
    habits = profile.lifestyle
    status = habits.smoking
    needs = f"the trial's condition is that the child {rule.describe()}"
    if status is None:
        if rule.measure == "pack_years" and rule.statuses == _ALL and habits.pack_years is not None:
            holds = _compare(habits.pack_years, rule.comparator or ">", rule.value or 0)
            return (Outcome.met if holds else Outcome.not_met)(f"Pack-years {habits.pack_years:g}; {needs}.")
        return Outcome.unknown(f"The profile does not say whether the child smokes; {needs}.", "lifestyle.smoking")
    said = f"Smoking: {status}"
    if status not in rule.statuses:
        return Outcome.not_met(f"{said}; {needs}.")
    if rule.measure is not None:
        if rule.measure == "pack_years":
            amount = 0.0 if status == "never" else habits.pack_years
        else:
            amount = habits.cigarettes_per_day if status == "current" else 0.0
        if amount is None:
            words = "pack-years" if rule.measure == "pack_years" else "cigarettes a day"
            return Outcome.unknown(f"{said}, {words} not given; {needs}.", f"lifestyle.{rule.measure}")
        said += f", {rule.measure.replace('_', ' ')} {amount:g}"
        if not _compare(amount, rule.comparator or ">", rule.value or 0):
            return Outcome.not_met(f"{said}; {needs}.")
    if status == "former" and (rule.quit_within_months or rule.quit_before_months):
        if habits.quit_smoking is None:
            return Outcome.unknown(f"{said}, no date stopped; {needs}.", "lifestyle.quit_smoking")
        months = (on - habits.quit_smoking).days / _MONTH_DAYS
        said += f", stopped {habits.quit_smoking.isoformat()}"
        within = rule.quit_within_months is None or months < rule.quit_within_months
        before = rule.quit_before_months is None or months >= rule.quit_before_months
        if not (within and before):
            return Outcome.not_met(f"{said}; {needs}.")
    return Outcome.met(f"{said}; {needs}.")


def smoking_state(
    name: str, profile: PatientProfile, within_months: float | None, on: date, ever: bool
) -> tuple[bool | None, str, bool] | None:
    """What the profile's smoking status says of the condition kind's `smoking` (smoking now; with
    `ever`, ever smoked; with a window, smoked within it) or `former_smoking`, in the shape of
    `eligo.rules.condition._condition_state`; None when the profile does not say."""
    status = profile.lifestyle.smoking
    if status is None or name not in ("smoking", "former_smoking"):
        return None
    said = f"the profile says the child's smoking is '{status}'"
    if name == "former_smoking":
        return status == "former", said, within_months is None
    if status == "never":
        return False, said, True
    if status == "current" or ever:
        return True, said, True
    if within_months is None:
        return False, said, True  # a former smoker does not smoke now
    quit = profile.lifestyle.quit_smoking
    if quit is None:
        return None, f"{said}, with no date stopped", True
    return (on - quit).days / _MONTH_DAYS <= within_months, f"{said}, stopped {quit.isoformat()}", True


KIND = RuleKind(
    SmokingRule,
    general_wording,
    ("smoking",),
    evaluate_smoking,
    (Step(extract_smoking, _PATTERNS.trigger),),
)

__all__ = ["KIND", "SmokingRule", "evaluate_smoking", "extract_smoking", "smoking_state"]
